//! Each real part starts, answers its own API the way a client would use it, listens on loopback
//! only, and reports peer discovery and update checks off through its own preferences API.

use std::time::Duration;

use anyhow::Result;
use kubarr_testbed::parts::{self, is_loopback, PartProcess};
use kubarr_testbed::wait_until;
use serde_json::{json, Value};

/// Every socket of the process tree is on 127.0.0.0/8 or ::1, and there is at least one.
fn assert_loopback_only(process: &PartProcess) {
    let sockets = process.listening().expect("reading ss -tulpn");
    assert!(
        !sockets.is_empty(),
        "pid {} listens on nothing",
        process.pid()
    );
    let outside: Vec<String> = sockets
        .iter()
        .filter(|s| !is_loopback(s.addr.ip()))
        .map(ToString::to_string)
        .collect();
    assert!(
        outside.is_empty(),
        "listening outside loopback: {outside:?}"
    );
}

mod qbittorrent {
    use super::*;
    use kubarr_testbed::parts::qbittorrent::{Qbittorrent, QbittorrentConfig};

    #[tokio::test]
    async fn default_credentials_log_in_and_discovery_is_off() -> Result<()> {
        let qbt = Qbittorrent::start().await?;
        assert_eq!((qbt.username(), qbt.password()), ("admin", "adminadmin"));
        let client = qbt.login().await?;
        let version = client
            .get(qbt.api("app/version"))
            .send()
            .await?
            .text()
            .await?;
        assert!(version.starts_with("v4."), "version {version:?}");

        let prefs: Value = client
            .get(qbt.api("app/preferences"))
            .send()
            .await?
            .json()
            .await?;
        for key in ["dht", "lsd", "pex", "upnp", "web_ui_upnp"] {
            assert_eq!(prefs[key], false, "{key} in {prefs}");
        }
        assert_eq!(prefs["web_ui_address"], "127.0.0.1");
        assert_eq!(prefs["current_interface_address"], "127.0.0.1");
        assert_eq!(prefs["listen_port"], qbt.torrent_port());
        assert_loopback_only(qbt.process());
        Ok(())
    }

    #[tokio::test]
    async fn a_seeded_pbkdf2_password_logs_in_and_the_default_does_not() -> Result<()> {
        let qbt =
            Qbittorrent::start_with(QbittorrentConfig::with_password("Chosen-pass-42")).await?;
        let client = qbt.login().await?;
        let version = client.get(qbt.api("app/version")).send().await?;
        assert!(version.status().is_success());

        let wrong = parts::http_client()
            .post(qbt.api("auth/login"))
            .form(&[("username", "admin"), ("password", "adminadmin")])
            .send()
            .await?
            .text()
            .await?;
        assert_eq!(wrong.trim(), "Fails.");
        // Without a session the API refuses.
        let anon = parts::http_client()
            .get(qbt.api("app/version"))
            .send()
            .await?;
        assert_eq!(anon.status(), reqwest::StatusCode::FORBIDDEN);
        Ok(())
    }

    #[tokio::test]
    async fn host_header_of_another_port_is_refused() -> Result<()> {
        let qbt = Qbittorrent::start().await?;
        let r = parts::http_client()
            .post(qbt.api("auth/login"))
            .header("Host", format!("127.0.0.1:{}", qbt.port() as u32 + 1))
            .form(&[("username", "admin"), ("password", "adminadmin")])
            .send()
            .await?;
        assert_eq!(r.status(), reqwest::StatusCode::UNAUTHORIZED);
        Ok(())
    }
}

mod transmission {
    use super::*;
    use kubarr_testbed::parts::transmission::{Transmission, SESSION_ID_HEADER};

    #[tokio::test]
    async fn session_get_through_the_handshake_and_discovery_is_off() -> Result<()> {
        let tr = Transmission::start().await?;
        let session = tr.rpc("session-get", json!({})).await?;
        let args = &session["arguments"];
        for key in [
            "dht-enabled",
            "lpd-enabled",
            "pex-enabled",
            "port-forwarding-enabled",
            "utp-enabled",
        ] {
            assert_eq!(args[key], false, "{key} in {args}");
        }
        assert_eq!(args["peer-port"], tr.peer_port());
        assert!(args["version"].as_str().unwrap_or("").starts_with("3."));
        assert_loopback_only(tr.process());
        Ok(())
    }

    #[tokio::test]
    async fn wrong_password_is_refused_and_no_token_means_409() -> Result<()> {
        let tr = Transmission::start_with("rpc-user", "rpc-pass").await?;
        let client = parts::http_client();
        let wrong = client
            .post(tr.rpc_url())
            .basic_auth("rpc-user", Some("nope"))
            .json(&json!({"method": "session-get"}))
            .send()
            .await?;
        assert_eq!(wrong.status(), reqwest::StatusCode::UNAUTHORIZED);
        let first = client
            .post(tr.rpc_url())
            .basic_auth("rpc-user", Some("rpc-pass"))
            .json(&json!({"method": "session-get"}))
            .send()
            .await?;
        assert_eq!(first.status(), reqwest::StatusCode::CONFLICT);
        assert!(first.headers().contains_key(SESSION_ID_HEADER));
        Ok(())
    }
}

mod deluge {
    use super::*;
    use kubarr_testbed::parts::deluge::Deluge;

    #[tokio::test]
    async fn web_login_connects_to_the_daemon_and_discovery_is_off() -> Result<()> {
        let deluge = Deluge::start_with("web-pass-1").await?;
        let s = deluge.login().await?;
        let hosts = s.call("web.get_hosts", json!([])).await?;
        assert_eq!(hosts[0][2], deluge.daemon_port(), "hosts {hosts}");
        let s = deluge.web_session().await?;
        assert_eq!(s.call("web.connected", json!([])).await?, true);
        let config = s.call("core.get_config", json!([])).await?;
        for key in [
            "dht",
            "lsd",
            "upnp",
            "natpmp",
            "utpex",
            "new_release_check",
            "send_info",
        ] {
            assert_eq!(config[key], false, "{key}");
        }
        assert_eq!(config["listen_interface"], "127.0.0.1");
        assert_loopback_only(deluge.daemon_process());
        assert_loopback_only(deluge.web_process());
        Ok(())
    }

    #[tokio::test]
    async fn a_wrong_web_password_is_refused() -> Result<()> {
        let deluge = Deluge::start().await?;
        let client = parts::http_client_with_cookies();
        let v: Value = client
            .post(deluge.json_url())
            .json(&json!({"method": "auth.login", "params": ["wrong"], "id": 1}))
            .send()
            .await?
            .json()
            .await?;
        assert_eq!(v["result"], false);
        // Unauthenticated calls are refused.
        let v: Value = client
            .post(deluge.json_url())
            .json(&json!({"method": "web.connected", "params": [], "id": 2}))
            .send()
            .await?
            .json()
            .await?;
        assert!(!v["error"].is_null(), "{v}");
        Ok(())
    }
}

mod nzbget {
    use super::*;
    use kubarr_testbed::parts::nzbget::{Nzbget, NzbgetConfig};

    #[tokio::test]
    async fn version_answers_with_credentials_and_update_check_is_off() -> Result<()> {
        let nzb = Nzbget::start_with(NzbgetConfig {
            categories: vec!["tv".into()],
            ..NzbgetConfig::default()
        })
        .await?;
        let version = nzb.rpc("version", json!([])).await?;
        assert!(
            version.as_str().unwrap_or("").starts_with("21"),
            "{version}"
        );
        assert_eq!(nzb.option("UpdateCheck").await?.as_deref(), Some("none"));
        assert_eq!(nzb.option("ControlIP").await?.as_deref(), Some("127.0.0.1"));
        assert_eq!(nzb.option("Category1.Name").await?.as_deref(), Some("tv"));
        let wrong = parts::http_client()
            .post(format!("{}/jsonrpc", nzb.url()))
            .basic_auth(nzb.username(), Some("wrong"))
            .json(&json!({"method": "version"}))
            .send()
            .await?;
        assert_eq!(wrong.status(), reqwest::StatusCode::UNAUTHORIZED);
        assert_loopback_only(nzb.process());
        Ok(())
    }
}

mod dex {
    use super::*;
    use base64::Engine;
    use kubarr_testbed::parts::dex::{Dex, DexConfig, DexUser};

    const REDIRECT: &str = "http://127.0.0.1:9/callback";

    fn claims(id_token: &str) -> Value {
        let payload = id_token.split('.').nth(1).expect("a JWT");
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .expect("base64url payload");
        serde_json::from_slice(&bytes).expect("JSON claims")
    }

    async fn login(dex: &Dex, user: &str, password: &str) -> Result<Value> {
        let client = parts::http_client_with_cookies();
        let url = dex.authorize_url(REDIRECT, "state-xyz", "nonce-xyz");
        let back = dex.follow_login(&client, &url, user, password).await?;
        assert!(back.as_str().starts_with(REDIRECT), "{back}");
        let q: std::collections::HashMap<_, _> = back.query_pairs().into_owned().collect();
        assert_eq!(q["state"], "state-xyz");
        dex.exchange_code(&q["code"], REDIRECT).await
    }

    #[tokio::test]
    async fn discovery_and_a_headless_authorization_code_login() -> Result<()> {
        let dex = Dex::start(
            DexConfig::new("kubarr", "client-secret-1", [REDIRECT])
                .user(
                    DexUser::new("alice@example.test", "alice", "alice-pass")
                        .groups(["media", "admins"]),
                )
                .user(DexUser::new("bob@example.test", "bob", "bob-pass").email_verified(false)),
        )
        .await?;
        let discovery: Value = parts::http_client()
            .get(dex.discovery_url())
            .send()
            .await?
            .json()
            .await?;
        assert_eq!(discovery["issuer"], dex.issuer());
        assert!(discovery["code_challenge_methods_supported"]
            .as_array()
            .is_some_and(|m| m.iter().any(|m| m == "S256")));

        let tokens = login(&dex, "alice@example.test", "alice-pass").await?;
        let c = claims(tokens["id_token"].as_str().expect("id_token"));
        assert_eq!(c["iss"], dex.issuer());
        assert_eq!(c["aud"], "kubarr");
        assert_eq!(c["nonce"], "nonce-xyz");
        assert_eq!(c["email"], "alice@example.test");
        assert_eq!(c["email_verified"], true);
        assert_eq!(c["groups"], json!(["media", "admins"]));

        let bob = claims(
            login(&dex, "bob@example.test", "bob-pass").await?["id_token"]
                .as_str()
                .unwrap(),
        );
        assert_eq!(bob["email_verified"], false);
        assert_ne!(bob["sub"], c["sub"]);

        let client = parts::http_client_with_cookies();
        let url = dex.authorize_url(REDIRECT, "s", "n");
        let err = dex
            .follow_login(&client, &url, "alice@example.test", "wrong")
            .await
            .expect_err("a wrong password must not log in");
        assert!(err.to_string().contains("refused"), "{err:#}");
        assert_loopback_only(dex.process());
        Ok(())
    }

    #[tokio::test]
    async fn signing_keys_rotate_on_a_short_period() -> Result<()> {
        let dex = Dex::start(DexConfig::new("kubarr", "s", [REDIRECT]).key_rotation("2s")).await?;
        let discovery: Value = parts::http_client()
            .get(dex.discovery_url())
            .send()
            .await?
            .json()
            .await?;
        let jwks_uri = discovery["jwks_uri"].as_str().unwrap().to_string();
        let kids = || async {
            let jwks: Value = parts::http_client()
                .get(&jwks_uri)
                .send()
                .await?
                .json()
                .await?;
            Ok::<_, anyhow::Error>(
                jwks["keys"]
                    .as_array()
                    .map(|k| k.iter().map(|k| k["kid"].to_string()).collect::<Vec<_>>())
                    .unwrap_or_default(),
            )
        };
        let first = kids().await?;
        assert!(!first.is_empty());
        // Dex checks for a due rotation every 30 s; the new signing key joins the key set.
        wait_until(Duration::from_secs(75), "a rotated signing key", || async {
            Ok(kids().await?.iter().any(|k| !first.contains(k)))
        })
        .await
    }
}

mod mailpit {
    use super::*;
    use kubarr_testbed::parts::mailpit::{ChaosTrigger, Mailpit};
    use lettre::message::Mailbox;
    use lettre::transport::smtp::authentication::Credentials;
    use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

    fn transport(mail: &Mailpit) -> AsyncSmtpTransport<Tokio1Executor> {
        AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(mail.smtp_host())
            .port(mail.smtp_port())
            .credentials(Credentials::new("kubarr".into(), "smtp-pass".into()))
            .timeout(Some(Duration::from_secs(10)))
            .build()
    }

    fn message(subject: &str) -> Message {
        Message::builder()
            .from("Kubarr <kubarr@example.test>".parse::<Mailbox>().unwrap())
            .to("alice@example.test".parse::<Mailbox>().unwrap())
            .subject(subject)
            .body("An app became unhealthy.".to_string())
            .unwrap()
    }

    #[tokio::test]
    async fn smtp_delivery_is_readable_through_the_api_and_chaos_answers_errors() -> Result<()> {
        let mail = Mailpit::start().await?;
        transport(&mail).send(message("first")).await?;
        wait_until(Duration::from_secs(10), "the mail in mailpit", || async {
            Ok(mail
                .messages()
                .await?
                .iter()
                .any(|m| m["Subject"] == "first"))
        })
        .await?;
        let m = &mail.messages().await?[0];
        assert_eq!(m["To"][0]["Address"], "alice@example.test");
        let full = mail.message(m["ID"].as_str().unwrap()).await?;
        assert!(full["Text"].as_str().unwrap().contains("unhealthy"));

        mail.set_chaos(ChaosTrigger::Recipient, 451, 100).await?;
        let err = transport(&mail)
            .send(message("second"))
            .await
            .expect_err("chaos answers 451");
        assert!(err.is_transient(), "{err}");
        mail.set_chaos(ChaosTrigger::Sender, 550, 100).await?;
        let err = transport(&mail)
            .send(message("third"))
            .await
            .expect_err("chaos answers 550");
        assert!(err.is_permanent(), "{err}");
        mail.clear_chaos().await?;
        transport(&mail).send(message("fourth")).await?;
        let subjects: Vec<Value> = mail
            .messages()
            .await?
            .iter()
            .map(|m| m["Subject"].clone())
            .collect();
        assert_eq!(subjects, vec![json!("fourth"), json!("first")]);
        assert_loopback_only(mail.process());
        Ok(())
    }
}

mod registry {
    use super::*;
    use kubarr_testbed::parts::registry::Registry;
    use std::path::Path;
    use std::process::Output;

    fn helm(home: &Path, args: &[&str], stdin: Option<&str>) -> Output {
        use std::io::Write;
        let mut cmd = std::process::Command::new(parts::helm_binary());
        cmd.args(args)
            .env("HELM_CACHE_HOME", home.join("cache"))
            .env("HELM_CONFIG_HOME", home.join("config"))
            .env("HELM_DATA_HOME", home.join("data"))
            .env("HOME", home)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let mut child = cmd.spawn().expect("spawning helm");
        if let Some(input) = stdin {
            child
                .stdin
                .take()
                .unwrap()
                .write_all(input.as_bytes())
                .unwrap();
        }
        drop(child.stdin.take());
        child.wait_with_output().expect("waiting for helm")
    }

    fn ok(out: Output) -> String {
        assert!(
            out.status.success(),
            "helm failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr)
    }

    #[tokio::test]
    async fn helm_push_and_pull_through_htpasswd_auth() -> Result<()> {
        let reg = Registry::start_with_auth("pusher", "push-pass-1").await?;
        let home = tempfile::tempdir()?;
        let h = home.path();
        let chart = kubarr_testbed::repo_root().join("testbed/fixtures/demo-chart");
        let pkg = h.join("pkg");
        ok(helm(
            h,
            &[
                "package",
                chart.to_str().unwrap(),
                "-d",
                pkg.to_str().unwrap(),
            ],
            None,
        ));
        let tgz = pkg.join("demo-chart-0.1.0.tgz");
        let oci = reg.oci_url("charts");

        // Without logging in, the push is refused.
        let anon = helm(
            h,
            &["push", tgz.to_str().unwrap(), &oci, "--plain-http"],
            None,
        );
        assert!(!anon.status.success(), "an anonymous push must fail");

        ok(helm(
            h,
            &[
                "registry",
                "login",
                &reg.host(),
                "--username",
                "pusher",
                "--password-stdin",
                "--plain-http",
            ],
            Some("push-pass-1"),
        ));
        let pushed = ok(helm(
            h,
            &["push", tgz.to_str().unwrap(), &oci, "--plain-http"],
            None,
        ));
        assert!(pushed.contains("Digest:"), "{pushed}");

        let out = h.join("pulled");
        std::fs::create_dir_all(&out)?;
        ok(helm(
            h,
            &[
                "pull",
                &format!("{oci}/demo-chart"),
                "--version",
                "0.1.0",
                "--plain-http",
                "-d",
                out.to_str().unwrap(),
            ],
            None,
        ));
        assert!(out.join("demo-chart-0.1.0.tgz").is_file());
        let shown = ok(helm(
            h,
            &[
                "show",
                "chart",
                &format!("{oci}/demo-chart"),
                "--version",
                "0.1.0",
                "--plain-http",
            ],
            None,
        ));
        assert!(shown.contains("name: demo-chart"), "{shown}");
        assert_loopback_only(reg.process());
        Ok(())
    }

    #[tokio::test]
    async fn an_open_registry_answers_the_distribution_api() -> Result<()> {
        let reg = Registry::start().await?;
        let r = parts::http_client()
            .get(format!("{}/v2/", reg.url()))
            .send()
            .await?;
        assert_eq!(r.status(), reqwest::StatusCode::OK);
        assert_eq!(
            r.headers()["docker-distribution-api-version"],
            "registry/2.0"
        );
        let catalog: Value = parts::http_client()
            .get(format!("{}/v2/_catalog", reg.url()))
            .send()
            .await?
            .json()
            .await?;
        assert_eq!(catalog["repositories"], json!([]));
        Ok(())
    }
}
