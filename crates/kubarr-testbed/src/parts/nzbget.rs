//! NZBGet (Debian 21) on 127.0.0.1 with a control user name and password; JSON-RPC at
//! `/jsonrpc` with HTTP Basic authentication. No news server is configured, so it never dials out.
//!
//! ```no_run
//! # async fn demo() -> anyhow::Result<()> {
//! use kubarr_testbed::parts::nzbget::Nzbget;
//! let nzb = Nzbget::start().await?;
//! let version = nzb.rpc("version", serde_json::json!([])).await?;
//! # Ok(()) }
//! ```

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Result};
use serde_json::{json, Value};

use super::{free_port, random_token, system_program, with_port_retries, PartProcess};

/// Control credentials and categories.
#[derive(Debug, Clone)]
pub struct NzbgetConfig {
    /// `ControlUsername`.
    pub username: String,
    /// `ControlPassword`.
    pub password: String,
    /// `Category<n>.Name` entries (the arr apps' test checks that their category exists).
    pub categories: Vec<String>,
}

impl Default for NzbgetConfig {
    fn default() -> Self {
        Self {
            username: "nzbget".to_string(),
            password: random_token(20),
            categories: Vec::new(),
        }
    }
}

/// A running NZBGet server.
#[derive(Debug)]
pub struct Nzbget {
    process: PartProcess,
    port: u16,
    username: String,
    password: String,
    dir: tempfile::TempDir,
}

impl Nzbget {
    /// Starts with control user `nzbget`, a random password and no categories.
    pub async fn start() -> Result<Self> {
        Self::start_with(NzbgetConfig::default()).await
    }

    /// Starts with the given control credentials and categories; ready once `version` answers.
    pub async fn start_with(config: NzbgetConfig) -> Result<Self> {
        let program = system_program("nzbget", "nzbget")?;
        with_port_retries("NZBGet", || Self::try_start(&program, &config)).await
    }

    async fn try_start(program: &Path, config: &NzbgetConfig) -> Result<Self> {
        let (username, password) = (config.username.as_str(), config.password.as_str());
        let dir = tempfile::Builder::new()
            .prefix("kubarr-nzbget-")
            .tempdir()?;
        let port = free_port()?;
        let conf = dir.path().join("nzbget.conf");
        std::fs::write(
            &conf,
            config_file(dir.path(), port, username, password, &config.categories),
        )?;
        let mut cmd = Command::new(program);
        cmd.arg("-c").arg(&conf).arg("-s").env("HOME", dir.path());
        let mut process = PartProcess::spawn("nzbget", cmd, dir.path())?;
        process.wait_listening(port, super::START_TIMEOUT).await?;
        let nzb = Self {
            process,
            port,
            username: username.to_string(),
            password: password.to_string(),
            dir,
        };
        crate::wait_until(super::START_TIMEOUT, "NZBGet's JSON-RPC", || async {
            Ok(nzb.rpc("version", json!([])).await.is_ok())
        })
        .await?;
        Ok(nzb)
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The control port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Control user name.
    pub fn username(&self) -> &str {
        &self.username
    }

    /// Control password.
    pub fn password(&self) -> &str {
        &self.password
    }

    /// The main directory (`nzbget.conf` inside).
    pub fn main_dir(&self) -> &Path {
        self.dir.path()
    }

    /// The destination directory for completed downloads.
    pub fn destination_dir(&self) -> PathBuf {
        self.dir.path().join("completed")
    }

    /// The process (pid, log, listening sockets).
    pub fn process(&self) -> &PartProcess {
        &self.process
    }

    /// A JSON-RPC call (`POST /jsonrpc`, Basic auth); returns `result`.
    pub async fn rpc(&self, method: &str, params: Value) -> Result<Value> {
        let r = super::http_client()
            .post(format!("{}/jsonrpc", self.url()))
            .basic_auth(&self.username, Some(&self.password))
            .json(&json!({ "method": method, "params": params, "id": 1 }))
            .send()
            .await?;
        if !r.status().is_success() {
            bail!("NZBGet answered {} to {method}", r.status());
        }
        let v: Value = r.json().await?;
        if !v["error"].is_null() {
            bail!("NZBGet {method} failed: {}", v["error"]);
        }
        Ok(v["result"].clone())
    }

    /// One option's value as NZBGet reports it (`config` method; names compare
    /// case-insensitively, as NZBGet's do: it reports `ControlIp` for `ControlIP`).
    pub async fn option(&self, name: &str) -> Result<Option<String>> {
        let all = self.rpc("config", json!([])).await?;
        Ok(all.as_array().and_then(|opts| {
            opts.iter()
                .find(|o| {
                    o["Name"]
                        .as_str()
                        .is_some_and(|n| n.eq_ignore_ascii_case(name))
                })
                .and_then(|o| o["Value"].as_str().map(str::to_string))
        }))
    }
}

/// `AuthorizedIP` stays empty: NZBGet lets the addresses listed there in without a password.
fn config_file(
    dir: &Path,
    port: u16,
    username: &str,
    password: &str,
    categories: &[String],
) -> String {
    let mut text = format!(
        "MainDir={main}\n\
         DestDir=${{MainDir}}/completed\n\
         InterDir=${{MainDir}}/intermediate\n\
         NzbDir=${{MainDir}}/nzb\n\
         QueueDir=${{MainDir}}/queue\n\
         TempDir=${{MainDir}}/tmp\n\
         ScriptDir=${{MainDir}}/scripts\n\
         LockFile=${{MainDir}}/nzbget.lock\n\
         LogFile=${{MainDir}}/nzbget-own.log\n\
         WebDir=/usr/share/nzbget/webui\n\
         ConfigTemplate=/usr/share/nzbget/webui/nzbget.conf\n\
         ControlIP=127.0.0.1\n\
         ControlPort={port}\n\
         ControlUsername={username}\n\
         ControlPassword={password}\n\
         RestrictedUsername=\n\
         AddUsername=\n\
         FormAuth=no\n\
         SecureControl=no\n\
         AuthorizedIP=\n\
         UpdateCheck=none\n\
         OutputMode=log\n\
         WriteLog=append\n\
         DaemonUsername=root\n\
         UMask=0022\n\
         NzbDirInterval=0\n",
        main = dir.display()
    );
    for (i, c) in categories.iter().enumerate() {
        text.push_str(&format!("Category{}.Name={c}\n", i + 1));
    }
    text
}
