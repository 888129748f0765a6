//! Dex (built by `testbed/build-helpers.sh`) as a real OpenID Connect provider on 127.0.0.1:
//! memory storage, one static client, static users (bcrypt hashes, groups, `email_verified`),
//! no approval screen, an optional short signing-key rotation.
//!
//! ```no_run
//! # async fn demo() -> anyhow::Result<()> {
//! use kubarr_testbed::parts::dex::{Dex, DexConfig, DexUser};
//! let dex = Dex::start(
//!     DexConfig::new("kubarr", "client-secret", ["http://127.0.0.1:8080/api/auth/oidc/1/callback"])
//!         .user(DexUser::new("alice@example.test", "alice", "alice-pass").groups(["media"]))
//!         .user(DexUser::new("bob@example.test", "bob", "bob-pass").email_verified(false))
//!         .key_rotation("10s"),
//! )
//! .await?;
//! // A browser-less login: follow the redirects from an authorization URL (Kubarr's own
//! // `/start` works too: `follow_login` stops at the first redirect that leaves Dex).
//! let client = kubarr_testbed::parts::http_client_with_cookies();
//! let url = dex.authorize_url("http://127.0.0.1:8080/api/auth/oidc/1/callback", "state-1", "nonce-1");
//! let back = dex.follow_login(&client, &url, "alice@example.test", "alice-pass").await?;
//! let code = back.query_pairs().find(|(k, _)| k == "code").unwrap().1.into_owned();
//! # Ok(()) }
//! ```

use std::process::Command;

use anyhow::{bail, Context, Result};
use reqwest::{StatusCode, Url};
use serde_json::{json, Value};

use super::{free_port, helpers_bin_dir, with_port_retries, PartProcess};

/// One static user of the password database.
#[derive(Debug, Clone)]
pub struct DexUser {
    /// The login name and `email` claim.
    pub email: String,
    /// `name` / `preferred_username`.
    pub username: String,
    /// Plain text; stored as a bcrypt hash.
    pub password: String,
    /// The `sub` Dex derives from; stable per user.
    pub user_id: String,
    /// The `groups` claim.
    pub groups: Vec<String>,
    /// The `email_verified` claim (Dex defaults to true).
    pub email_verified: Option<bool>,
}

impl DexUser {
    /// A user with a user id derived from the user name and no groups.
    pub fn new(email: &str, username: &str, password: &str) -> Self {
        Self {
            email: email.to_string(),
            username: username.to_string(),
            password: password.to_string(),
            user_id: format!("uid-{username}"),
            groups: Vec::new(),
            email_verified: None,
        }
    }

    /// Sets the `groups` claim.
    pub fn groups<I: IntoIterator<Item = S>, S: Into<String>>(mut self, groups: I) -> Self {
        self.groups = groups.into_iter().map(Into::into).collect();
        self
    }

    /// Sets the `email_verified` claim.
    pub fn email_verified(mut self, verified: bool) -> Self {
        self.email_verified = Some(verified);
        self
    }
}

/// What Dex is started with.
#[derive(Debug, Clone)]
pub struct DexConfig {
    /// The static client's id.
    pub client_id: String,
    /// The static client's secret.
    pub client_secret: String,
    /// Allowed redirect URIs.
    pub redirect_uris: Vec<String>,
    /// The password database.
    pub users: Vec<DexUser>,
    /// `oauth2.skipApprovalScreen` (default true).
    pub skip_approval_screen: bool,
    /// `signer.config.keysRotationPeriod` (default `6h`). Dex checks every 30 s whether a
    /// rotation is due, so a short period rotates within about 30 s.
    pub key_rotation: String,
    /// `expiry.idTokens` (default `24h`); old verification keys are kept this long.
    pub id_token_expiry: String,
}

impl DexConfig {
    /// A configuration with one static client and no users.
    pub fn new<I: IntoIterator<Item = S>, S: Into<String>>(
        client_id: &str,
        client_secret: &str,
        redirect_uris: I,
    ) -> Self {
        Self {
            client_id: client_id.to_string(),
            client_secret: client_secret.to_string(),
            redirect_uris: redirect_uris.into_iter().map(Into::into).collect(),
            users: Vec::new(),
            skip_approval_screen: true,
            key_rotation: "6h".to_string(),
            id_token_expiry: "24h".to_string(),
        }
    }

    /// Adds a static user.
    pub fn user(mut self, user: DexUser) -> Self {
        self.users.push(user);
        self
    }

    /// Sets the signing-key rotation period (a Go duration, e.g. `10s`).
    pub fn key_rotation(mut self, period: &str) -> Self {
        self.key_rotation = period.to_string();
        self
    }

    /// Sets the ID token lifetime (a Go duration, e.g. `1m`).
    pub fn id_token_expiry(mut self, expiry: &str) -> Self {
        self.id_token_expiry = expiry.to_string();
        self
    }

    /// Shows the approval screen after login (off by default).
    pub fn with_approval_screen(mut self) -> Self {
        self.skip_approval_screen = false;
        self
    }

    fn to_yaml(&self, port: u16) -> Result<String> {
        let users: Vec<Value> = self
            .users
            .iter()
            .map(|u| {
                let hash = bcrypt::hash(&u.password, 10).context("hashing a password")?;
                let mut v = json!({
                    "email": u.email,
                    "hash": hash,
                    "username": u.username,
                    "preferredUsername": u.username,
                    "userID": u.user_id,
                    "groups": u.groups,
                });
                if let Some(verified) = u.email_verified {
                    v["emailVerified"] = json!(verified);
                }
                Ok(v)
            })
            .collect::<Result<_>>()?;
        let config = json!({
            "issuer": format!("http://127.0.0.1:{port}/dex"),
            "storage": { "type": "memory" },
            "web": { "http": format!("127.0.0.1:{port}") },
            "logger": { "level": "info", "format": "text" },
            "oauth2": {
                "skipApprovalScreen": self.skip_approval_screen,
                "responseTypes": ["code"],
            },
            "signer": { "type": "local", "config": { "keysRotationPeriod": self.key_rotation } },
            "expiry": { "idTokens": self.id_token_expiry },
            "staticClients": [{
                "id": self.client_id,
                "secret": self.client_secret,
                "name": "Kubarr",
                "redirectURIs": self.redirect_uris,
            }],
            "enablePasswordDB": true,
            "staticPasswords": users,
        });
        // JSON is valid YAML.
        Ok(serde_json::to_string_pretty(&config)?)
    }
}

/// A running Dex.
#[derive(Debug)]
pub struct Dex {
    process: PartProcess,
    port: u16,
    config: DexConfig,
    _dir: tempfile::TempDir,
}

impl Dex {
    /// Starts Dex; ready once its discovery document answers.
    pub async fn start(config: DexConfig) -> Result<Self> {
        let program = helpers_bin_dir().join("dex");
        with_port_retries("Dex", || Self::try_start(&program, &config)).await
    }

    async fn try_start(program: &std::path::Path, config: &DexConfig) -> Result<Self> {
        let dir = tempfile::Builder::new().prefix("kubarr-dex-").tempdir()?;
        let port = free_port()?;
        let file = dir.path().join("config.yaml");
        std::fs::write(&file, config.to_yaml(port)?)?;
        let mut cmd = Command::new(program);
        cmd.arg("serve").arg(&file).env("HOME", dir.path());
        let mut process = PartProcess::spawn("dex", cmd, dir.path())?;
        process.wait_listening(port, super::START_TIMEOUT).await?;
        let dex = Self {
            process,
            port,
            config: config.clone(),
            _dir: dir,
        };
        let client = super::http_client();
        crate::wait_until(super::START_TIMEOUT, "Dex's discovery document", || async {
            Ok(client.get(dex.discovery_url()).send().await?.status() == StatusCode::OK)
        })
        .await?;
        Ok(dex)
    }

    /// The issuer, `http://127.0.0.1:<port>/dex`.
    pub fn issuer(&self) -> String {
        format!("http://127.0.0.1:{}/dex", self.port)
    }

    /// `<issuer>/.well-known/openid-configuration`.
    pub fn discovery_url(&self) -> String {
        format!("{}/.well-known/openid-configuration", self.issuer())
    }

    /// The port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The static client's id.
    pub fn client_id(&self) -> &str {
        &self.config.client_id
    }

    /// The static client's secret.
    pub fn client_secret(&self) -> &str {
        &self.config.client_secret
    }

    /// The configuration Dex was started with.
    pub fn config(&self) -> &DexConfig {
        &self.config
    }

    /// The process (pid, log, listening sockets).
    pub fn process(&self) -> &PartProcess {
        &self.process
    }

    /// An authorization-code request URL (scopes `openid email profile groups`, no PKCE).
    pub fn authorize_url(&self, redirect_uri: &str, state: &str, nonce: &str) -> String {
        let mut u = Url::parse(&format!("{}/auth", self.issuer())).expect("valid issuer URL");
        u.query_pairs_mut()
            .append_pair("client_id", &self.config.client_id)
            .append_pair("redirect_uri", redirect_uri)
            .append_pair("response_type", "code")
            .append_pair("scope", "openid email profile groups offline_access")
            .append_pair("state", state)
            .append_pair("nonce", nonce);
        u.into()
    }

    /// Logs in without a browser: follows redirects from `start_url` (Dex's authorization URL
    /// or an application's login start), posts Dex's password form, and returns the first
    /// redirect target that leaves Dex (the application's callback, with `code` and `state`),
    /// without requesting it. Fails on wrong credentials.
    pub async fn follow_login(
        &self,
        client: &reqwest::Client,
        start_url: &str,
        login: &str,
        password: &str,
    ) -> Result<Url> {
        let dex_origin = Url::parse(&self.issuer())?.origin();
        let mut url = Url::parse(start_url).context("parsing the start URL")?;
        let mut posted = false;
        let mut response = client.get(url.clone()).send().await?;
        for _ in 0..20 {
            let status = response.status();
            if status.is_redirection() {
                let location = response
                    .headers()
                    .get(reqwest::header::LOCATION)
                    .context("redirect without Location")?
                    .to_str()?
                    .to_string();
                let next = url.join(&location)?;
                if next.origin() != dex_origin && url.origin() == dex_origin {
                    return Ok(next);
                }
                url = next;
                response = client.get(url.clone()).send().await?;
                continue;
            }
            let body = response.text().await?;
            let form = form_action(&body);
            // Dex answers a wrong password with 401 and the form again.
            if posted && form.is_some() {
                bail!("Dex refused the credentials for {login}");
            }
            if status != StatusCode::OK {
                bail!("{url} answered {status}: {}", snippet(&body));
            }
            let Some(action) = form else {
                bail!("{url} shows no login form: {}", snippet(&body));
            };
            posted = true;
            url = url.join(&action)?;
            response = client
                .post(url.clone())
                .form(&[("login", login), ("password", password)])
                .send()
                .await?;
        }
        bail!("too many redirects starting at {start_url}")
    }

    /// Exchanges an authorization code at the token endpoint (client secret in Basic auth);
    /// returns the token response (`id_token`, `access_token`, `refresh_token`, ...).
    pub async fn exchange_code(&self, code: &str, redirect_uri: &str) -> Result<Value> {
        let r = super::http_client()
            .post(format!("{}/token", self.issuer()))
            .basic_auth(&self.config.client_id, Some(&self.config.client_secret))
            .form(&[
                ("grant_type", "authorization_code"),
                ("code", code),
                ("redirect_uri", redirect_uri),
            ])
            .send()
            .await?;
        let status = r.status();
        let body: Value = r.json().await?;
        if status != StatusCode::OK {
            bail!("token exchange failed: {status} {body}");
        }
        Ok(body)
    }
}

/// The `action` of the first `<form method="post">`, HTML entities decoded.
fn form_action(html: &str) -> Option<String> {
    let form = html.find("<form")?;
    let rest = &html[form..];
    let end = rest.find('>')?;
    let tag = &rest[..end];
    if !tag.to_ascii_lowercase().contains("post") {
        return None;
    }
    let a = tag.find("action=\"")? + "action=\"".len();
    let value = &tag[a..];
    let value = &value[..value.find('"')?];
    Some(
        value
            .replace("&amp;", "&")
            .replace("&#43;", "+")
            .replace("&#61;", "=")
            .replace("&#34;", "\"")
            .replace("&#39;", "'"),
    )
}

fn snippet(body: &str) -> String {
    body.chars().take(300).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_password_form_action() {
        let html = r#"<div><form method="post" action="/dex/auth/local/login?back=&amp;state=abc"><input name="login"></form>"#;
        assert_eq!(
            form_action(html).as_deref(),
            Some("/dex/auth/local/login?back=&state=abc")
        );
        assert_eq!(form_action("<p>no form</p>"), None);
    }
}
