//! Transmission (`transmission-daemon`, Debian 3.00) on 127.0.0.1 with RPC authentication.
//!
//! ```no_run
//! # async fn demo() -> anyhow::Result<()> {
//! use kubarr_testbed::parts::transmission::Transmission;
//! let tr = Transmission::start().await?;
//! // Every RPC call needs the 409 X-Transmission-Session-Id handshake; `rpc` does it.
//! let session = tr.rpc("session-get", serde_json::json!({})).await?;
//! assert_eq!(session["arguments"]["dht-enabled"], false);
//! # Ok(()) }
//! ```

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};
use serde_json::{json, Value};

use super::{free_port, random_token, system_program, with_port_retries, PartProcess, ProfileDir};

/// The header carrying Transmission's CSRF token.
pub const SESSION_ID_HEADER: &str = "X-Transmission-Session-Id";

/// A running Transmission daemon.
#[derive(Debug)]
pub struct Transmission {
    process: PartProcess,
    port: u16,
    peer_port: u16,
    username: String,
    password: String,
    dir: ProfileDir,
}

impl Transmission {
    /// Starts with a random RPC user name and password.
    pub async fn start() -> Result<Self> {
        Self::start_with("transmission", &random_token(20)).await
    }

    /// Starts with the given RPC credentials; ready once `session-get` answers.
    pub async fn start_with(username: &str, password: &str) -> Result<Self> {
        let program = system_program("transmission-daemon", "transmission-daemon")?;
        with_port_retries("Transmission", || {
            Self::try_start(&program, username, password)
        })
        .await
    }

    /// Starts on a configuration directory holding a `settings.json` (e.g. one a chart's seed
    /// script wrote, as the linuxserver.io image keeps it in `/config`). Before the start only
    /// what keeps the test bed safe is set in it — loopback addresses, fresh ports, DHT, LPD,
    /// PEX, uTP, port forwarding and the blocklist off, a local download directory — and the
    /// RPC account settings are left as they are. `username`/`password` are what
    /// [`rpc`](Self::rpc) signs in with.
    pub async fn start_with_profile(dir: &Path, username: &str, password: &str) -> Result<Self> {
        let program = system_program("transmission-daemon", "transmission-daemon")?;
        with_port_retries("Transmission", || async {
            let port = free_port()?;
            let peer_port = free_port()?;
            let path = dir.join("settings.json");
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("reading {}", path.display()))?;
            let mut settings: Value = serde_json::from_str(&text)
                .with_context(|| format!("{} is not JSON", path.display()))?;
            let downloads = dir.join("downloads");
            std::fs::create_dir_all(&downloads)?;
            let safe = safety_settings(port, peer_port, &downloads);
            let map = settings
                .as_object_mut()
                .context("settings.json is not an object")?;
            for (k, v) in safe.as_object().expect("an object") {
                map.insert(k.clone(), v.clone());
            }
            std::fs::write(&path, serde_json::to_vec_pretty(&settings)?)?;
            Self::launch(
                &program,
                ProfileDir::Given(dir.to_path_buf()),
                port,
                peer_port,
                username,
                password,
            )
            .await
        })
        .await
    }

    async fn try_start(program: &Path, username: &str, password: &str) -> Result<Self> {
        let dir = ProfileDir::temp("kubarr-tr-")?;
        let port = free_port()?;
        let peer_port = free_port()?;
        let downloads = dir.path().join("downloads");
        std::fs::create_dir_all(&downloads)?;
        let settings = settings(port, peer_port, &downloads, username, password);
        std::fs::write(
            dir.path().join("settings.json"),
            serde_json::to_vec_pretty(&settings)?,
        )?;
        Self::launch(program, dir, port, peer_port, username, password).await
    }

    async fn launch(
        program: &Path,
        dir: ProfileDir,
        port: u16,
        peer_port: u16,
        username: &str,
        password: &str,
    ) -> Result<Self> {
        let mut cmd = Command::new(program);
        cmd.arg("--foreground")
            .arg("--config-dir")
            .arg(dir.path())
            .arg("--log-error")
            .env("HOME", dir.path())
            // Transmission would otherwise read a system-wide web UI location; unused here.
            .env("TRANSMISSION_HOME", dir.path());
        let mut process = PartProcess::spawn("transmission", cmd, dir.path())?;
        process.wait_listening(port, super::START_TIMEOUT).await?;
        let tr = Self {
            process,
            port,
            peer_port,
            username: username.to_string(),
            password: password.to_string(),
            dir,
        };
        crate::wait_until(super::START_TIMEOUT, "Transmission's RPC", || async {
            Ok(tr.rpc("session-get", json!({})).await.is_ok())
        })
        .await?;
        Ok(tr)
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The RPC endpoint, `http://127.0.0.1:<port>/transmission/rpc`.
    pub fn rpc_url(&self) -> String {
        format!("{}/transmission/rpc", self.url())
    }

    /// The RPC port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The peer port (bound to loopback).
    pub fn peer_port(&self) -> u16 {
        self.peer_port
    }

    /// RPC user name.
    pub fn username(&self) -> &str {
        &self.username
    }

    /// RPC password.
    pub fn password(&self) -> &str {
        &self.password
    }

    /// The configuration directory (`settings.json` inside).
    pub fn config_dir(&self) -> &Path {
        self.dir.path()
    }

    /// The download directory.
    pub fn downloads_dir(&self) -> PathBuf {
        self.dir.path().join("downloads")
    }

    /// The process (pid, log, listening sockets).
    pub fn process(&self) -> &PartProcess {
        &self.process
    }

    /// One RPC call with the session-id handshake: the first request gets 409 and the token,
    /// the second carries it. Fails unless Transmission answers `"result": "success"`.
    pub async fn rpc(&self, method: &str, arguments: Value) -> Result<Value> {
        self.rpc_as(&self.username, &self.password, method, arguments)
            .await
    }

    /// [`rpc`](Self::rpc) signed in with other credentials (a wrong password gets 401 and fails).
    pub async fn rpc_as(
        &self,
        username: &str,
        password: &str,
        method: &str,
        arguments: Value,
    ) -> Result<Value> {
        let client = super::http_client();
        let body = json!({ "method": method, "arguments": arguments });
        let first = client
            .post(self.rpc_url())
            .basic_auth(username, Some(password))
            .json(&body)
            .send()
            .await?;
        if first.status() != reqwest::StatusCode::CONFLICT {
            bail!(
                "expected 409 with a session id first, got {}",
                first.status()
            );
        }
        let session = first
            .headers()
            .get(SESSION_ID_HEADER)
            .context("409 without X-Transmission-Session-Id")?
            .clone();
        let r = client
            .post(self.rpc_url())
            .basic_auth(username, Some(password))
            .header(SESSION_ID_HEADER, session)
            .json(&body)
            .send()
            .await?;
        if !r.status().is_success() {
            bail!("Transmission answered {}", r.status());
        }
        let v: Value = r.json().await?;
        if v["result"] != "success" {
            bail!("Transmission {method} failed: {}", v["result"]);
        }
        Ok(v)
    }
}

fn settings(port: u16, peer_port: u16, downloads: &Path, user: &str, password: &str) -> Value {
    let mut v = json!({
        "rpc-enabled": true,
        "rpc-url": "/transmission/",
        "rpc-authentication-required": true,
        "rpc-username": user,
        // Plain text here; Transmission replaces it with its salted hash when it saves.
        "rpc-password": password,
        "rpc-whitelist-enabled": true,
        "rpc-whitelist": "127.0.0.1,::1",
        "rpc-host-whitelist-enabled": true,
        "rpc-host-whitelist": "localhost,127.0.0.1",
    });
    let map = v.as_object_mut().expect("an object");
    for (k, value) in safety_settings(port, peer_port, downloads)
        .as_object()
        .expect("an object")
    {
        map.insert(k.clone(), value.clone());
    }
    v
}

/// What every Transmission of the test bed runs with: loopback only, fresh ports, no peer
/// discovery or port forwarding, nothing fetched, a local download directory.
fn safety_settings(port: u16, peer_port: u16, downloads: &Path) -> Value {
    json!({
        "rpc-bind-address": "127.0.0.1",
        "rpc-port": port,
        "bind-address-ipv4": "127.0.0.1",
        "bind-address-ipv6": "::1",
        "peer-port": peer_port,
        "peer-port-random-on-start": false,
        "port-forwarding-enabled": false,
        "dht-enabled": false,
        "lpd-enabled": false,
        "pex-enabled": false,
        "utp-enabled": false,
        "blocklist-enabled": false,
        "download-dir": downloads,
        "incomplete-dir-enabled": false,
        "watch-dir-enabled": false,
        "start-added-torrents": false,
        "message-level": 1,
    })
}
