//! mailpit (built by `testbed/build-helpers.sh`) as a real SMTP server on 127.0.0.1, with its
//! HTTP API for reading what arrived and its chaos mode for SMTP error answers. Its version check
//! is disabled (it would dial out); `mailpit version` is never run.
//!
//! ```no_run
//! # async fn demo() -> anyhow::Result<()> {
//! use kubarr_testbed::parts::mailpit::{ChaosTrigger, Mailpit};
//! let mail = Mailpit::start().await?;
//! // SMTP at 127.0.0.1:mail.smtp_port(); then:
//! let messages = mail.messages().await?; // GET /api/v1/messages
//! // Every RCPT TO answered 451 from now on (the retry path), then back to normal:
//! mail.set_chaos(ChaosTrigger::Recipient, 451, 100).await?;
//! mail.clear_chaos().await?;
//! # Ok(()) }
//! ```

use std::process::Command;

use anyhow::{bail, Result};
use serde_json::{json, Value};

use super::{free_port, helpers_bin_dir, with_port_retries, PartProcess};

/// The SMTP stage a chaos error applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChaosTrigger {
    /// `MAIL FROM`.
    Sender,
    /// `RCPT TO`.
    Recipient,
    /// `AUTH`.
    Authentication,
}

impl ChaosTrigger {
    fn key(self) -> &'static str {
        match self {
            Self::Sender => "Sender",
            Self::Recipient => "Recipient",
            Self::Authentication => "Authentication",
        }
    }
}

/// A running mailpit.
#[derive(Debug)]
pub struct Mailpit {
    process: PartProcess,
    smtp_port: u16,
    http_port: u16,
    _dir: tempfile::TempDir,
}

impl Mailpit {
    /// Starts mailpit accepting any SMTP credentials (also without TLS), chaos enabled.
    pub async fn start() -> Result<Self> {
        let program = helpers_bin_dir().join("mailpit");
        with_port_retries("mailpit", || Self::try_start(&program)).await
    }

    async fn try_start(program: &std::path::Path) -> Result<Self> {
        let dir = tempfile::Builder::new()
            .prefix("kubarr-mailpit-")
            .tempdir()?;
        let smtp_port = free_port()?;
        let http_port = free_port()?;
        let mut cmd = Command::new(program);
        cmd.arg("--smtp")
            .arg(format!("127.0.0.1:{smtp_port}"))
            .arg("--listen")
            .arg(format!("127.0.0.1:{http_port}"))
            .arg("--database")
            .arg(dir.path().join("mailpit.db"))
            .args([
                "--disable-version-check",
                "--enable-chaos",
                "--smtp-auth-accept-any",
                "--smtp-auth-allow-insecure",
            ])
            .env("HOME", dir.path());
        let mut process = PartProcess::spawn("mailpit", cmd, dir.path())?;
        process
            .wait_listening(http_port, super::START_TIMEOUT)
            .await?;
        process
            .wait_listening(smtp_port, super::START_TIMEOUT)
            .await?;
        let mail = Self {
            process,
            smtp_port,
            http_port,
            _dir: dir,
        };
        let client = super::http_client();
        crate::wait_until(super::START_TIMEOUT, "mailpit's /readyz", || async {
            Ok(client
                .get(format!("{}/readyz", mail.url()))
                .send()
                .await?
                .status()
                .is_success())
        })
        .await?;
        Ok(mail)
    }

    /// The HTTP API and web UI, `http://127.0.0.1:<http port>`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.http_port)
    }

    /// The SMTP host (always 127.0.0.1).
    pub fn smtp_host(&self) -> &'static str {
        "127.0.0.1"
    }

    /// The SMTP port (plain, AUTH allowed without TLS).
    pub fn smtp_port(&self) -> u16 {
        self.smtp_port
    }

    /// The HTTP port.
    pub fn http_port(&self) -> u16 {
        self.http_port
    }

    /// The process (pid, log, listening sockets).
    pub fn process(&self) -> &PartProcess {
        &self.process
    }

    /// `GET /api/v1/messages`: the `messages` array (newest first).
    pub async fn messages(&self) -> Result<Vec<Value>> {
        let v = self.get("/api/v1/messages").await?;
        Ok(v["messages"].as_array().cloned().unwrap_or_default())
    }

    /// `GET /api/v1/message/{id}`: one message with `Text`, `HTML`, headers summary, ...
    pub async fn message(&self, id: &str) -> Result<Value> {
        self.get(&format!("/api/v1/message/{id}")).await
    }

    /// `GET /api/v1/message/{id}/headers`.
    pub async fn message_headers(&self, id: &str) -> Result<Value> {
        self.get(&format!("/api/v1/message/{id}/headers")).await
    }

    /// `DELETE /api/v1/messages`: removes every message.
    pub async fn delete_all(&self) -> Result<()> {
        let r = super::http_client()
            .delete(format!("{}/api/v1/messages", self.url()))
            .send()
            .await?;
        if !r.status().is_success() {
            bail!("mailpit DELETE /api/v1/messages answered {}", r.status());
        }
        Ok(())
    }

    /// Answers `code` at `trigger` with `probability` percent (chaos mode).
    pub async fn set_chaos(&self, trigger: ChaosTrigger, code: u16, probability: u8) -> Result<()> {
        self.put_chaos(json!({ trigger.key(): { "ErrorCode": code, "Probability": probability } }))
            .await
    }

    /// Turns every chaos trigger off.
    pub async fn clear_chaos(&self) -> Result<()> {
        let off = json!({ "ErrorCode": 451, "Probability": 0 });
        self.put_chaos(json!({ "Sender": off, "Recipient": off, "Authentication": off }))
            .await
    }

    async fn put_chaos(&self, body: Value) -> Result<()> {
        let r = super::http_client()
            .put(format!("{}/api/v1/chaos", self.url()))
            .json(&body)
            .send()
            .await?;
        if !r.status().is_success() {
            bail!(
                "mailpit PUT /api/v1/chaos answered {}: {}",
                r.status(),
                r.text().await?
            );
        }
        Ok(())
    }

    async fn get(&self, path: &str) -> Result<Value> {
        let r = super::http_client()
            .get(format!("{}{path}", self.url()))
            .send()
            .await?;
        if !r.status().is_success() {
            bail!("mailpit GET {path} answered {}", r.status());
        }
        Ok(r.json().await?)
    }
}
