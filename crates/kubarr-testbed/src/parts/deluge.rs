//! Deluge (Debian 2.0.3): `deluged` plus `deluge-web` on 127.0.0.1, sharing one configuration
//! directory, with a known web password. The web UI's JSON-RPC is at `/json`.
//!
//! ```no_run
//! # async fn demo() -> anyhow::Result<()> {
//! use kubarr_testbed::parts::deluge::Deluge;
//! let deluge = Deluge::start().await?;
//! let session = deluge.web_session().await?; // auth.login + web.connect to the daemon
//! let config = session.call("core.get_config", serde_json::json!([])).await?;
//! assert_eq!(config["dht"], false);
//! # Ok(()) }
//! ```

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};
use serde_json::{json, Value};
use sha1::{Digest, Sha1};

use super::{free_port, random_token, system_program, with_port_retries, PartProcess, ProfileDir};

/// Deluge web's password when none is chosen (also Deluge's own default).
pub const DEFAULT_WEB_PASSWORD: &str = "deluge";

/// A running deluged + deluge-web pair.
#[derive(Debug)]
pub struct Deluge {
    // Dropped first: the web UI goes before the daemon it talks to.
    web: PartProcess,
    daemon: PartProcess,
    web_port: u16,
    daemon_port: u16,
    web_password: String,
    daemon_username: String,
    daemon_password: String,
    dir: ProfileDir,
}

impl Deluge {
    /// Starts with the web password `deluge`.
    pub async fn start() -> Result<Self> {
        Self::start_with(DEFAULT_WEB_PASSWORD).await
    }

    /// Starts with the given web password; ready once the web UI answers `auth.login`.
    pub async fn start_with(web_password: &str) -> Result<Self> {
        let deluged = system_program("deluged", "deluged")?;
        let deluge_web = system_program("deluge-web", "deluge-web")?;
        with_port_retries("Deluge", || {
            Self::try_start(&deluged, &deluge_web, web_password)
        })
        .await
    }

    /// Starts on a configuration directory the caller prepared (e.g. with a chart's seed script,
    /// as the linuxserver.io image keeps it in `/config`): its `auth`, the password settings of
    /// `web.conf` and the accounts of `hostlist.conf` are used as they are. Before the start only
    /// what keeps the test bed safe is set — a `core.conf` with loopback addresses, fresh ports
    /// and DHT, LSD, UPnP, NAT-PMP and PEX off; `web.conf`'s address and port; the port of the
    /// daemon entries in `hostlist.conf`. `web_password` is what [`login`](Self::login) signs in
    /// with; `daemon_username`/`daemon_password` are what the hosts list is expected to hold.
    pub async fn start_with_profile(
        dir: &Path,
        web_password: &str,
        daemon_username: &str,
        daemon_password: &str,
    ) -> Result<Self> {
        let deluged = system_program("deluged", "deluged")?;
        let deluge_web = system_program("deluge-web", "deluge-web")?;
        with_port_retries("Deluge", || async {
            let daemon_port = free_port()?;
            let web_port = free_port()?;
            let peer_port = free_port()?;
            let downloads = dir.join("downloads");
            std::fs::create_dir_all(&downloads)?;
            write_config(
                &dir.join("core.conf"),
                1,
                &core_config(daemon_port, peer_port, &downloads),
            )?;
            update_config(&dir.join("web.conf"), |web| {
                web["port"] = json!(web_port);
                web["interface"] = json!("127.0.0.1");
                web["https"] = json!(false);
                Ok(())
            })?;
            update_config(&dir.join("hostlist.conf"), |list| {
                for host in list["hosts"]
                    .as_array_mut()
                    .context("hostlist.conf has no hosts")?
                {
                    host[1] = json!("127.0.0.1");
                    host[2] = json!(daemon_port);
                }
                Ok(())
            })?;
            Self::launch(
                &deluged,
                &deluge_web,
                ProfileDir::Given(dir.to_path_buf()),
                daemon_port,
                web_port,
                web_password,
                (daemon_username, daemon_password),
            )
            .await
        })
        .await
    }

    async fn try_start(deluged: &Path, deluge_web: &Path, web_password: &str) -> Result<Self> {
        let dir = ProfileDir::temp("kubarr-deluge-")?;
        let d = dir.path();
        let daemon_port = free_port()?;
        let web_port = free_port()?;
        let peer_port = free_port()?;
        let downloads = d.join("downloads");
        std::fs::create_dir_all(&downloads)?;
        let daemon_username = "kubarr".to_string();
        let daemon_password = random_token(24);
        // The daemon's accounts: localclient for local tools, one for the web UI (level 10 = admin).
        std::fs::write(
            d.join("auth"),
            format!(
                "localclient:{}:10\n{daemon_username}:{daemon_password}:10\n",
                random_token(24)
            ),
        )?;
        write_config(
            &d.join("core.conf"),
            1,
            &core_config(daemon_port, peer_port, &downloads),
        )?;
        let salt = random_token(32);
        write_config(
            &d.join("web.conf"),
            2,
            &json!({
                "port": web_port,
                "interface": "127.0.0.1",
                "https": false,
                "pwd_salt": salt,
                "pwd_sha1": web_password_hash(&salt, web_password),
                "first_login": false,
                "default_daemon": "",
                "enabled_plugins": [],
                "base": "/",
            }),
        )?;
        let host_id = random_token(32);
        write_config(
            &d.join("hostlist.conf"),
            3,
            &json!({ "hosts": [[host_id, "127.0.0.1", daemon_port, daemon_username, daemon_password]] }),
        )?;
        Self::launch(
            deluged,
            deluge_web,
            dir,
            daemon_port,
            web_port,
            web_password,
            (daemon_username.as_str(), daemon_password.as_str()),
        )
        .await
    }

    async fn launch(
        deluged: &Path,
        deluge_web: &Path,
        dir: ProfileDir,
        daemon_port: u16,
        web_port: u16,
        web_password: &str,
        (daemon_username, daemon_password): (&str, &str),
    ) -> Result<Self> {
        let d = dir.path();
        let mut cmd = Command::new(deluged);
        cmd.arg("-c")
            .arg(d)
            .args(["-d", "-L", "info", "-u", "127.0.0.1", "-i", "127.0.0.1"])
            .arg("-p")
            .arg(daemon_port.to_string())
            .env("HOME", d);
        let mut daemon = PartProcess::spawn("deluged", cmd, d)?;
        daemon
            .wait_listening(daemon_port, super::START_TIMEOUT)
            .await?;

        let mut cmd = Command::new(deluge_web);
        cmd.arg("-c")
            .arg(d)
            .args(["-d", "-L", "info", "-i", "127.0.0.1"])
            .arg("-p")
            .arg(web_port.to_string())
            .env("HOME", d);
        let mut web = PartProcess::spawn("deluge-web", cmd, d)?;
        web.wait_listening(web_port, super::START_TIMEOUT).await?;

        let deluge = Self {
            web,
            daemon,
            web_port,
            daemon_port,
            web_password: web_password.to_string(),
            daemon_username: daemon_username.to_string(),
            daemon_password: daemon_password.to_string(),
            dir,
        };
        crate::wait_until(super::START_TIMEOUT, "Deluge web's auth.login", || async {
            Ok(deluge.login().await.is_ok())
        })
        .await?;
        Ok(deluge)
    }

    /// The web UI, `http://127.0.0.1:<web port>`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.web_port)
    }

    /// The JSON-RPC endpoint, `<url>/json`.
    pub fn json_url(&self) -> String {
        format!("{}/json", self.url())
    }

    /// The web UI port.
    pub fn web_port(&self) -> u16 {
        self.web_port
    }

    /// The daemon's RPC port (deluge-web connects to it).
    pub fn daemon_port(&self) -> u16 {
        self.daemon_port
    }

    /// The web UI password.
    pub fn web_password(&self) -> &str {
        &self.web_password
    }

    /// The daemon account deluge-web uses (`auth` file).
    pub fn daemon_credentials(&self) -> (&str, &str) {
        (&self.daemon_username, &self.daemon_password)
    }

    /// The shared configuration directory.
    pub fn config_dir(&self) -> &Path {
        self.dir.path()
    }

    /// The default download location.
    pub fn downloads_dir(&self) -> PathBuf {
        self.dir.path().join("downloads")
    }

    /// The daemon process.
    pub fn daemon_process(&self) -> &PartProcess {
        &self.daemon
    }

    /// The web UI process.
    pub fn web_process(&self) -> &PartProcess {
        &self.web
    }

    /// A logged-in web session (`auth.login`), not yet connected to the daemon.
    pub async fn login(&self) -> Result<DelugeSession> {
        self.login_with(&self.web_password).await
    }

    /// [`login`](Self::login) with another password (a wrong one fails).
    pub async fn login_with(&self, password: &str) -> Result<DelugeSession> {
        let session = DelugeSession {
            client: super::http_client_with_cookies(),
            url: self.json_url(),
        };
        let ok = session.call("auth.login", json!([password])).await?;
        if ok != Value::Bool(true) {
            bail!("Deluge auth.login refused the password");
        }
        Ok(session)
    }

    /// A logged-in web session connected to the daemon (`web.get_hosts` + `web.connect`), the
    /// way the arr apps do it.
    pub async fn web_session(&self) -> Result<DelugeSession> {
        let s = self.login().await?;
        if s.call("web.connected", json!([])).await? != Value::Bool(true) {
            let hosts = s.call("web.get_hosts", json!([])).await?;
            let id = hosts[0][0]
                .as_str()
                .context("deluge-web lists no daemon")?
                .to_string();
            s.call("web.connect", json!([id])).await?;
            crate::wait_until(
                super::START_TIMEOUT,
                "deluge-web to connect to deluged",
                || async { Ok(s.call("web.connected", json!([])).await? == Value::Bool(true)) },
            )
            .await?;
        }
        Ok(s)
    }
}

/// A deluge-web JSON-RPC session (cookie client).
#[derive(Debug, Clone)]
pub struct DelugeSession {
    client: reqwest::Client,
    url: String,
}

impl DelugeSession {
    /// Calls `method` with positional `params`; returns `result`, or fails with Deluge's error.
    pub async fn call(&self, method: &str, params: Value) -> Result<Value> {
        let r = self
            .client
            .post(&self.url)
            .json(&json!({ "method": method, "params": params, "id": 1 }))
            .send()
            .await?;
        if !r.status().is_success() {
            bail!("deluge-web answered {} to {method}", r.status());
        }
        let v: Value = r.json().await?;
        if !v["error"].is_null() {
            bail!("deluge {method} failed: {}", v["error"]);
        }
        Ok(v["result"].clone())
    }
}

/// Deluge web's password check: SHA-1 of salt then password, hex.
pub fn web_password_hash(salt: &str, password: &str) -> String {
    let mut h = Sha1::new();
    h.update(salt.as_bytes());
    h.update(password.as_bytes());
    hex::encode(h.finalize())
}

fn core_config(daemon_port: u16, peer_port: u16, downloads: &Path) -> Value {
    json!({
        "daemon_port": daemon_port,
        "allow_remote": false,
        "listen_interface": "127.0.0.1",
        "outgoing_interface": "lo",
        "listen_ports": [peer_port, peer_port],
        "random_port": false,
        "dht": false,
        "lsd": false,
        "upnp": false,
        "natpmp": false,
        "utpex": false,
        "new_release_check": false,
        "send_info": false,
        "download_location": downloads,
        "move_completed_path": downloads,
        "torrentfiles_location": downloads,
        "autoadd_enable": false,
        "enabled_plugins": [],
    })
}

/// Deluge's config file layout: a version object followed by the settings object.
fn write_config(path: &Path, file_version: u32, config: &Value) -> Result<()> {
    let text = format!(
        "{}\n{}\n",
        json!({ "file": file_version, "format": 1 }),
        serde_json::to_string_pretty(config)?
    );
    std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))
}

/// Rewrites the settings object of a Deluge config file (the one after the version object).
fn update_config(path: &Path, change: impl FnOnce(&mut Value) -> Result<()>) -> Result<()> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let mut objects = serde_json::Deserializer::from_str(&text).into_iter::<Value>();
    let first = objects
        .next()
        .with_context(|| format!("{} is empty", path.display()))??;
    let (version, mut config) = match objects.next() {
        Some(second) => (first["file"].as_u64().unwrap_or(1), second?),
        None => (1, first),
    };
    change(&mut config)?;
    write_config(path, u32::try_from(version).unwrap_or(1), &config)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn web_password_hash_is_sha1_of_salt_and_password() {
        // sha1("abc") = a9993e36...
        assert_eq!(
            web_password_hash("a", "bc"),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
    }
}
