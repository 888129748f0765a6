//! The CNCF distribution registry (built by `testbed/build-helpers.sh`) as a plain-HTTP OCI
//! registry on 127.0.0.1, optionally behind htpasswd authentication. Helm talks to it with
//! `--plain-http`.
//!
//! ```no_run
//! # async fn demo() -> anyhow::Result<()> {
//! use kubarr_testbed::parts::registry::Registry;
//! let reg = Registry::start_with_auth("pusher", "push-pass").await?;
//! // helm push demo-chart-0.1.0.tgz oci://<reg.host()>/charts --plain-http (after helm registry login)
//! let oci = reg.oci_url("charts"); // oci://127.0.0.1:<port>/charts
//! # Ok(()) }
//! ```

use std::process::Command;

use anyhow::{Context, Result};
use reqwest::StatusCode;

use super::{free_port, helpers_bin_dir, random_token, with_port_retries, PartProcess};

/// A running registry.
#[derive(Debug)]
pub struct Registry {
    process: PartProcess,
    port: u16,
    credentials: Option<(String, String)>,
    dir: tempfile::TempDir,
}

impl Registry {
    /// Starts an open registry (anyone may push and pull).
    pub async fn start() -> Result<Self> {
        Self::start_inner(None).await
    }

    /// Starts a registry that requires `username` / `password` (htpasswd, bcrypt).
    pub async fn start_with_auth(username: &str, password: &str) -> Result<Self> {
        Self::start_inner(Some((username.to_string(), password.to_string()))).await
    }

    async fn start_inner(credentials: Option<(String, String)>) -> Result<Self> {
        let program = helpers_bin_dir().join("registry");
        with_port_retries("the OCI registry", || {
            Self::try_start(&program, &credentials)
        })
        .await
    }

    async fn try_start(
        program: &std::path::Path,
        credentials: &Option<(String, String)>,
    ) -> Result<Self> {
        let dir = tempfile::Builder::new()
            .prefix("kubarr-registry-")
            .tempdir()?;
        let port = free_port()?;
        let auth = match credentials {
            Some((user, password)) => {
                let htpasswd = dir.path().join("htpasswd");
                let hash = bcrypt::hash(password, 10).context("hashing the password")?;
                std::fs::write(&htpasswd, format!("{user}:{hash}\n"))?;
                format!(
                    "auth:\n  htpasswd:\n    realm: kubarr-test\n    path: {}\n",
                    htpasswd.display()
                )
            }
            None => String::new(),
        };
        let config = format!(
            "version: 0.1\n\
             log:\n  level: info\n  accesslog:\n    disabled: true\n\
             storage:\n  filesystem:\n    rootdirectory: {root}\n  delete:\n    enabled: true\n\
             http:\n  addr: 127.0.0.1:{port}\n  secret: {secret}\n\
             health:\n  storagedriver:\n    enabled: false\n\
             {auth}",
            root = dir.path().join("data").display(),
            secret = random_token(32),
        );
        let file = dir.path().join("config.yml");
        std::fs::write(&file, config)?;
        let mut cmd = Command::new(program);
        cmd.arg("serve")
            .arg(&file)
            .env("HOME", dir.path())
            // No traces or metrics exported anywhere.
            .env("OTEL_SDK_DISABLED", "true")
            .env("OTEL_TRACES_EXPORTER", "none")
            .env("OTEL_METRICS_EXPORTER", "none")
            .env("OTEL_LOGS_EXPORTER", "none");
        let mut process = PartProcess::spawn("registry", cmd, dir.path())?;
        process.wait_listening(port, super::START_TIMEOUT).await?;
        let reg = Self {
            process,
            port,
            credentials: credentials.clone(),
            dir,
        };
        let client = super::http_client();
        crate::wait_until(super::START_TIMEOUT, "the registry's /v2/", || async {
            let s = client
                .get(format!("{}/v2/", reg.url()))
                .send()
                .await?
                .status();
            Ok(s == StatusCode::OK || s == StatusCode::UNAUTHORIZED)
        })
        .await?;
        Ok(reg)
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// `127.0.0.1:<port>` (what `helm registry login` takes).
    pub fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// `oci://127.0.0.1:<port>/<path>`.
    pub fn oci_url(&self, path: &str) -> String {
        format!("oci://{}/{}", self.host(), path.trim_start_matches('/'))
    }

    /// The port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The htpasswd credentials, when authentication is on.
    pub fn credentials(&self) -> Option<(&str, &str)> {
        self.credentials
            .as_ref()
            .map(|(u, p)| (u.as_str(), p.as_str()))
    }

    /// The storage directory.
    pub fn storage_dir(&self) -> std::path::PathBuf {
        self.dir.path().join("data")
    }

    /// The process (pid, log, listening sockets).
    pub fn process(&self) -> &PartProcess {
        &self.process
    }
}
