//! qBittorrent (`qbittorrent-nox`, Debian 4.5.2) on 127.0.0.1 with a seeded profile.
//!
//! ```no_run
//! # async fn demo() -> anyhow::Result<()> {
//! use kubarr_testbed::parts::qbittorrent::{Qbittorrent, QbittorrentConfig};
//! // Default credentials of 4.5.2 (admin / adminadmin):
//! let qbt = Qbittorrent::start().await?;
//! // Or a password of the caller's choosing, seeded as a PBKDF2 hash:
//! let qbt = Qbittorrent::start_with(QbittorrentConfig::with_password("s3cret-pass")).await?;
//! let client = qbt.login().await?; // a cookie client holding the SID
//! let version = client.get(qbt.api("app/version")).send().await?.text().await?;
//! # Ok(()) }
//! ```

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};
use base64::Engine;
use sha2::Sha512;

use super::{
    free_port, http_client_with_cookies, ini_set, system_program, with_port_retries, PartProcess,
    ProfileDir,
};

/// qBittorrent 4.5.2's built-in Web UI credentials when no password hash is configured.
pub const DEFAULT_USERNAME: &str = "admin";
/// See [`DEFAULT_USERNAME`].
pub const DEFAULT_PASSWORD: &str = "adminadmin";
/// PBKDF2 iterations qBittorrent uses for `WebUI\Password_PBKDF2`.
pub const PBKDF2_ITERATIONS: u32 = 100_000;

/// How to seed the profile.
#[derive(Debug, Clone)]
pub struct QbittorrentConfig {
    /// Web UI user name.
    pub username: String,
    /// `Some`: seeded as `WebUI\Password_PBKDF2`; `None`: no hash, so 4.5.2's default applies.
    pub password: Option<String>,
    /// A `WebUI\Password_PBKDF2` value made elsewhere, seeded as is (instead of hashing
    /// `password`, which should then be the password it was made from).
    pub password_pbkdf2: Option<String>,
    /// Failed logins before the address is banned (qBittorrent's default is 5).
    pub max_auth_fail_count: u32,
    /// Extra `key=value` lines for the `[Preferences]` section (e.g. `WebUI\ReverseProxySupportEnabled=true`).
    pub extra_preferences: Vec<String>,
}

impl Default for QbittorrentConfig {
    fn default() -> Self {
        Self {
            username: DEFAULT_USERNAME.to_string(),
            password: None,
            password_pbkdf2: None,
            max_auth_fail_count: 5,
            extra_preferences: Vec::new(),
        }
    }
}

impl QbittorrentConfig {
    /// The default user name with `password` seeded as a PBKDF2 hash.
    pub fn with_password(password: &str) -> Self {
        Self {
            password: Some(password.to_string()),
            ..Self::default()
        }
    }
}

/// A running qBittorrent.
#[derive(Debug)]
pub struct Qbittorrent {
    process: PartProcess,
    port: u16,
    torrent_port: u16,
    username: String,
    password: String,
    dir: ProfileDir,
}

impl Qbittorrent {
    /// Starts with the default credentials (admin / adminadmin).
    pub async fn start() -> Result<Self> {
        Self::start_with(QbittorrentConfig::default()).await
    }

    /// Starts with a seeded profile; ready once `/api/v2/app/webapiVersion` answers.
    pub async fn start_with(config: QbittorrentConfig) -> Result<Self> {
        let program = system_program("qbittorrent-nox", "qbittorrent-nox")?;
        with_port_retries("qBittorrent", || Self::try_start(&program, &config)).await
    }

    /// Starts on a profile laid out as the linuxserver.io image keeps it (`HOME`,
    /// `XDG_CONFIG_HOME` and `XDG_DATA_HOME` all `dir`, so the settings are
    /// `dir/qBittorrent/qBittorrent.conf`), e.g. one a chart's seed script wrote. Before the start
    /// only what keeps the test bed safe is set in it — loopback addresses, fresh ports, DHT,
    /// LSD, PeX, UPnP and NAT-PMP off, login required from localhost too — and the account
    /// settings are left as they are. `username`/`password` are what [`login`](Self::login)
    /// signs in with.
    pub async fn start_with_profile(dir: &Path, username: &str, password: &str) -> Result<Self> {
        let program = system_program("qbittorrent-nox", "qbittorrent-nox")?;
        with_port_retries("qBittorrent", || async {
            let port = free_port()?;
            let torrent_port = free_port()?;
            let conf = dir.join("qBittorrent/qBittorrent.conf");
            let text = std::fs::read_to_string(&conf)
                .with_context(|| format!("reading {}", conf.display()))?;
            std::fs::write(&conf, safe_profile(&text, dir, port, torrent_port))?;
            let downloads = dir.join("downloads");
            std::fs::create_dir_all(&downloads)?;
            let mut cmd = Command::new(&program);
            cmd.arg(format!("--webui-port={port}"))
                .env("HOME", dir)
                .env("XDG_CONFIG_HOME", dir)
                .env("XDG_DATA_HOME", dir)
                .env("XDG_CACHE_HOME", dir.join("cache"));
            let process = PartProcess::spawn("qbittorrent", cmd, dir)?;
            Self::ready(
                process,
                port,
                torrent_port,
                username,
                password,
                ProfileDir::Given(dir.to_path_buf()),
            )
            .await
        })
        .await
    }

    async fn try_start(program: &Path, config: &QbittorrentConfig) -> Result<Self> {
        let dir = ProfileDir::temp("kubarr-qbt-")?;
        let port = free_port()?;
        let torrent_port = free_port()?;
        let conf_dir = dir.path().join("qBittorrent/config");
        std::fs::create_dir_all(&conf_dir)?;
        std::fs::create_dir_all(dir.path().join("downloads"))?;
        let hash = config.password_pbkdf2.clone().or_else(|| {
            config
                .password
                .as_deref()
                .map(|p| password_pbkdf2(p, &random_salt()))
        });
        std::fs::write(
            conf_dir.join("qBittorrent.conf"),
            profile(dir.path(), port, torrent_port, config, hash.as_deref()),
        )?;
        let mut cmd = Command::new(program);
        cmd.arg(format!("--profile={}", dir.path().display()))
            .arg(format!("--webui-port={port}"))
            .env("HOME", dir.path());
        let process = PartProcess::spawn("qbittorrent", cmd, dir.path())?;
        let password = config
            .password
            .clone()
            .unwrap_or_else(|| DEFAULT_PASSWORD.to_string());
        Self::ready(
            process,
            port,
            torrent_port,
            &config.username,
            &password,
            dir,
        )
        .await
    }

    /// Waits for the Web UI (listening, then answering `app/webapiVersion`).
    async fn ready(
        mut process: PartProcess,
        port: u16,
        torrent_port: u16,
        username: &str,
        password: &str,
        dir: ProfileDir,
    ) -> Result<Self> {
        process.wait_listening(port, super::START_TIMEOUT).await?;
        let qbt = Self {
            process,
            port,
            torrent_port,
            username: username.to_string(),
            password: password.to_string(),
            dir,
        };
        let client = super::http_client();
        crate::wait_until(super::START_TIMEOUT, "qBittorrent's Web API", || async {
            let r = client.get(qbt.api("app/webapiVersion")).send().await?;
            // 403 without a session: the API is up.
            Ok(r.status().is_success() || r.status() == reqwest::StatusCode::FORBIDDEN)
        })
        .await?;
        Ok(qbt)
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// `http://127.0.0.1:<port>/api/v2/<path>`.
    pub fn api(&self, path: &str) -> String {
        format!("{}/api/v2/{path}", self.url())
    }

    /// The Web UI port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The BitTorrent listen port (bound to loopback).
    pub fn torrent_port(&self) -> u16 {
        self.torrent_port
    }

    /// Web UI user name.
    pub fn username(&self) -> &str {
        &self.username
    }

    /// Web UI password.
    pub fn password(&self) -> &str {
        &self.password
    }

    /// The profile directory (`qBittorrent/config/qBittorrent.conf` inside).
    pub fn profile_dir(&self) -> &Path {
        self.dir.path()
    }

    /// The default save path.
    pub fn downloads_dir(&self) -> PathBuf {
        self.dir.path().join("downloads")
    }

    /// The process (pid, log, listening sockets).
    pub fn process(&self) -> &PartProcess {
        &self.process
    }

    /// Logs in and returns a client holding the session cookie.
    pub async fn login(&self) -> Result<reqwest::Client> {
        let client = http_client_with_cookies();
        let r = client
            .post(self.api("auth/login"))
            .form(&[("username", &self.username), ("password", &self.password)])
            .send()
            .await?;
        let status = r.status();
        let body = r.text().await?;
        if !status.is_success() || body.trim() != "Ok." {
            bail!("qBittorrent login failed: {status} {body:?}");
        }
        Ok(client)
    }
}

/// `@ByteArray(<salt base64>:<key base64>)`: PBKDF2-HMAC-SHA512, 100,000 iterations, 64-byte
/// key — the format of qBittorrent's `WebUI\Password_PBKDF2`.
pub fn password_pbkdf2(password: &str, salt: &[u8]) -> String {
    let mut key = [0u8; 64];
    pbkdf2::pbkdf2_hmac::<Sha512>(password.as_bytes(), salt, PBKDF2_ITERATIONS, &mut key);
    let b64 = base64::engine::general_purpose::STANDARD;
    format!("@ByteArray({}:{})", b64.encode(salt), b64.encode(key))
}

/// `text` (a qBittorrent.conf) with the test bed's safety settings set and everything else kept.
fn safe_profile(text: &str, dir: &Path, port: u16, torrent_port: u16) -> String {
    let downloads = dir.join("downloads").display().to_string();
    let (port, torrent_port) = (port.to_string(), torrent_port.to_string());
    let settings: [(&str, &str, &str); 21] = [
        ("LegalNotice", "Accepted", "true"),
        ("Application", "FileLogger\\Enabled", "false"),
        ("BitTorrent", "Session\\DHTEnabled", "false"),
        ("BitTorrent", "Session\\LSDEnabled", "false"),
        ("BitTorrent", "Session\\PeXEnabled", "false"),
        ("BitTorrent", "Session\\Interface", "lo"),
        ("BitTorrent", "Session\\InterfaceName", "lo"),
        ("BitTorrent", "Session\\InterfaceAddress", "127.0.0.1"),
        ("BitTorrent", "Session\\Port", &torrent_port),
        ("BitTorrent", "Session\\UseRandomPort", "false"),
        ("BitTorrent", "Session\\AnonymousModeEnabled", "true"),
        ("BitTorrent", "Session\\AddTrackersEnabled", "false"),
        ("BitTorrent", "Session\\DefaultSavePath", &downloads),
        ("Network", "PortForwardingEnabled", "false"),
        ("Preferences", "WebUI\\Address", "127.0.0.1"),
        ("Preferences", "WebUI\\Port", &port),
        ("Preferences", "WebUI\\UseUPnP", "false"),
        ("Preferences", "WebUI\\LocalHostAuth", "true"),
        ("Preferences", "Connection\\UPnP", "false"),
        ("Preferences", "Connection\\ResolvePeerCountries", "false"),
        ("Preferences", "Downloads\\SavePath", &downloads),
    ];
    settings
        .iter()
        .fold(text.to_string(), |t, (section, key, value)| {
            ini_set(&t, section, key, value)
        })
}

/// 16 random bytes, qBittorrent's salt length.
pub fn random_salt() -> [u8; 16] {
    rand::random()
}

fn profile(
    dir: &Path,
    port: u16,
    torrent_port: u16,
    config: &QbittorrentConfig,
    hash: Option<&str>,
) -> String {
    let downloads = dir.join("downloads");
    let mut prefs = vec![
        "WebUI\\Enabled=true".to_string(),
        "WebUI\\Address=127.0.0.1".to_string(),
        format!("WebUI\\Port={port}"),
        "WebUI\\UseUPnP=false".to_string(),
        "WebUI\\LocalHostAuth=true".to_string(),
        "WebUI\\CSRFProtection=true".to_string(),
        "WebUI\\HostHeaderValidation=true".to_string(),
        format!("WebUI\\Username={}", config.username),
        format!(
            "WebUI\\MaxAuthenticationFailCount={}",
            config.max_auth_fail_count
        ),
        "Connection\\UPnP=false".to_string(),
        "Connection\\ResolvePeerCountries=false".to_string(),
        "General\\Locale=en".to_string(),
        format!("Downloads\\SavePath={}", downloads.display()),
    ];
    if let Some(h) = hash {
        prefs.push(format!("WebUI\\Password_PBKDF2=\"{h}\""));
    }
    prefs.extend(config.extra_preferences.iter().cloned());
    format!(
        "[LegalNotice]\nAccepted=true\n\n\
         [Application]\nFileLogger\\Enabled=false\n\n\
         [BitTorrent]\n\
         Session\\DHTEnabled=false\nSession\\LSDEnabled=false\nSession\\PeXEnabled=false\n\
         Session\\Interface=lo\nSession\\InterfaceName=lo\nSession\\InterfaceAddress=127.0.0.1\n\
         Session\\Port={torrent_port}\nSession\\UseRandomPort=false\n\
         Session\\AnonymousModeEnabled=true\nSession\\AddTrackersEnabled=false\n\
         Session\\DefaultSavePath={}\n\n\
         [Network]\nPortForwardingEnabled=false\n\n\
         [Preferences]\n{}\n",
        downloads.display(),
        prefs.join("\n")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pbkdf2_hash_has_qbittorrents_format() {
        let h = password_pbkdf2("adminadmin", &[7u8; 16]);
        let inner = h
            .strip_prefix("@ByteArray(")
            .and_then(|s| s.strip_suffix(')'))
            .expect("wrapped in @ByteArray()");
        let (salt, key) = inner.split_once(':').expect("salt:key");
        let b64 = base64::engine::general_purpose::STANDARD;
        assert_eq!(b64.decode(salt).unwrap(), vec![7u8; 16]);
        assert_eq!(b64.decode(key).unwrap().len(), 64);
        // Deterministic for a given salt, different for another password.
        assert_eq!(h, password_pbkdf2("adminadmin", &[7u8; 16]));
        assert_ne!(h, password_pbkdf2("adminadmim", &[7u8; 16]));
    }

    #[test]
    fn a_given_profile_gets_the_safety_settings_and_keeps_its_account() {
        let seeded = "[LegalNotice]\nAccepted=true\n\n[Preferences]\nWebUI\\Port=8080\n\
                      WebUI\\Username=kubarr\nWebUI\\Password_PBKDF2=\"@ByteArray(a:b)\"\n";
        let p = safe_profile(seeded, Path::new("/x"), 1, 2);
        for line in [
            "Session\\DHTEnabled=false",
            "Session\\LSDEnabled=false",
            "Session\\PeXEnabled=false",
            "PortForwardingEnabled=false",
            "WebUI\\Address=127.0.0.1",
            "WebUI\\Port=1",
            "Session\\Port=2",
            "WebUI\\Username=kubarr",
            "WebUI\\Password_PBKDF2=\"@ByteArray(a:b)\"",
        ] {
            assert!(p.lines().any(|l| l == line), "{line} missing from:\n{p}");
        }
        assert!(!p.contains("WebUI\\Port=8080"));
    }

    #[test]
    fn profile_keeps_discovery_off_and_loopback_only() {
        let p = profile(
            Path::new("/x"),
            1,
            2,
            &QbittorrentConfig::default(),
            Some("@ByteArray(a:b)"),
        );
        for line in [
            "Session\\DHTEnabled=false",
            "Session\\LSDEnabled=false",
            "Session\\PeXEnabled=false",
            "PortForwardingEnabled=false",
            "WebUI\\Address=127.0.0.1",
            "WebUI\\Password_PBKDF2=\"@ByteArray(a:b)\"",
        ] {
            assert!(p.lines().any(|l| l == line), "{line} missing from:\n{p}");
        }
    }
}
