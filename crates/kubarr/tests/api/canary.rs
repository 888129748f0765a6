//! The canary: distinctive passwords, TOTP secrets, codes and tokens driven through every
//! identity endpoint must never show up in logs, audit rows, or any response body other than
//! the one that hands them out.

use std::io::Write;
use std::sync::{Arc, Mutex};

use axum::http::Method;
use serde_json::json;

use crate::helpers::TestResponse;
use crate::identity_support::*;

#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Buffer {
    type Writer = Buffer;
    fn make_writer(&'a self) -> Buffer {
        self.clone()
    }
}

/// Every response body seen, and the secrets each one may legitimately contain.
struct Recorder {
    bodies: Vec<(String, String)>,
}

impl Recorder {
    fn keep(&mut self, what: &str, res: &TestResponse) {
        self.bodies.push((what.to_owned(), res.text()));
    }
}

#[tokio::test]
async fn secrets_never_leak_into_logs_audit_rows_or_other_responses() {
    let logs = Buffer::default();
    // With a single registered dispatcher, tracing computes a callsite's interest from the
    // default of whichever thread hits it first; another test's thread (no subscriber) would
    // then switch callsites off for everyone. A second registered dispatcher makes it ask all.
    let _second = tracing::Dispatch::new(tracing::subscriber::NoSubscriber::default());
    let subscriber = tracing_subscriber::fmt()
        .with_env_filter(kubarr::telemetry::filter("trace"))
        .with_writer(logs.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let app = app_behind_proxy().await;
    let mut rec = Recorder { bodies: Vec::new() };
    let admin_pw = "CanaryAdminPw-7f3a9d2e";
    let user_pw = "CanaryUserPw-51c0e8b4";
    let new_pw = "CanaryNewPw-9ab1d77c";
    let reset_pw = "CanaryResetPw-3e2f8d10";
    let invitee_pw = "CanaryInvitePw-c4d5e6f7";

    let res = app
        .call(Method::POST, "/api/setup")
        .json(json!({"username": "admin", "email": "admin@example.com", "password": admin_pw}))
        .send()
        .await;
    assert_eq!(res.status, 201);
    let admin_token = res.json()["token"].as_str().unwrap().to_owned();
    let mut handed_out = vec![(admin_token.clone(), "setup".to_owned())];
    rec.keep("setup", &res);
    let viewer = role_id(&app, &admin_token, "viewer").await;
    let res = app
        .call(Method::POST, "/api/users")
        .bearer(&admin_token)
        .json(json!({"username": "canary", "email": "canary@example.com", "password": user_pw, "role_ids": [viewer]}))
        .send()
        .await;
    rec.keep("create user", &res);
    let uid = res.json()["id"].as_i64().unwrap();
    // Wrong passwords are audited — without the password.
    let res = app
        .call(Method::POST, "/api/auth/login")
        .sent_from("10.5.0.1")
        .json(json!({"username": "canary", "password": "CanaryWrongPw-0d0d0d0d"}))
        .send()
        .await;
    assert_eq!(res.status, 401);
    rec.keep("bad login", &res);
    let res = app
        .call(Method::POST, "/api/auth/login")
        .sent_from("10.5.0.2")
        .json(json!({"username": "canary", "password": user_pw}))
        .send()
        .await;
    rec.keep("login", &res);
    let token = res.json()["token"].as_str().unwrap().to_owned();
    handed_out.push((token.clone(), "login".into()));
    let res = app
        .call(Method::POST, "/api/users/me/2fa/setup")
        .bearer(&token)
        .send()
        .await;
    rec.keep("2fa setup", &res);
    let secret = res.json()["secret"].as_str().unwrap().to_owned();
    handed_out.push((secret.clone(), "2fa setup".into()));
    let mut clock = TotpClock::new(&secret);
    let enable_code = clock.next();
    let res = app
        .call(Method::POST, "/api/users/me/2fa/enable")
        .bearer(&token)
        .json(json!({"password": user_pw, "code": enable_code}))
        .send()
        .await;
    assert_eq!(res.status, 200);
    rec.keep("2fa enable", &res);
    let codes: Vec<String> = serde_json::from_value(res.json()["recovery_codes"].clone()).unwrap();
    for c in &codes {
        handed_out.push((c.clone(), "2fa enable".into()));
    }
    let res = app
        .call(Method::POST, "/api/auth/login")
        .sent_from("10.5.0.3")
        .json(json!({"username": "canary", "password": user_pw}))
        .send()
        .await;
    rec.keep("login 2fa", &res);
    let challenge = res.json()["challenge_id"].as_str().unwrap().to_owned();
    handed_out.push((challenge.clone(), "login 2fa".into()));
    let res = app
        .call(Method::POST, "/api/auth/2fa/verify")
        .json(json!({"challenge_id": challenge, "code": clock.next()}))
        .send()
        .await;
    assert_eq!(res.status, 200);
    rec.keep("verify", &res);
    let token2 = res.json()["token"].as_str().unwrap().to_owned();
    handed_out.push((token2.clone(), "verify".into()));
    let res = app
        .call(Method::POST, "/api/auth/login")
        .sent_from("10.5.0.4")
        .json(json!({"username": "canary", "password": user_pw}))
        .send()
        .await;
    rec.keep("login 2fa again", &res);
    let challenge2 = res.json()["challenge_id"].as_str().unwrap().to_owned();
    handed_out.push((challenge2.clone(), "login 2fa again".into()));
    let res = app
        .call(Method::POST, "/api/auth/2fa/recover")
        .json(json!({"challenge_id": challenge2, "recovery_code": codes[0]}))
        .send()
        .await;
    assert_eq!(res.status, 200);
    rec.keep("recover", &res);
    handed_out.push((
        res.json()["token"].as_str().unwrap().to_owned(),
        "recover".into(),
    ));
    for (path, t) in [
        ("/api/auth/me", &token),
        ("/api/auth/sessions", &token2),
        ("/api/users", &admin_token),
        ("/api/audit?limit=200", &admin_token),
        ("/api/settings", &admin_token),
        ("/api/roles", &admin_token),
        ("/api/invites", &admin_token),
    ] {
        let res = app.get_as(path, t).send().await;
        assert_eq!(res.status, 200, "{path}");
        rec.keep(path, &res);
    }
    let res = app
        .call(Method::PUT, "/api/users/me/password")
        .cookie(&token)
        .csrf()
        .json(json!({"current_password": user_pw, "new_password": new_pw}))
        .send()
        .await;
    assert_eq!(res.status, 204);
    rec.keep("change password", &res);
    let res = app
        .call(Method::PUT, &format!("/api/users/{uid}/password"))
        .bearer(&admin_token)
        .json(json!({"new_password": reset_pw}))
        .send()
        .await;
    assert_eq!(res.status, 204);
    let res = app
        .call(Method::POST, "/api/invites")
        .bearer(&admin_token)
        .json(json!({}))
        .send()
        .await;
    rec.keep("invite", &res);
    let invite = res.json()["token"].as_str().unwrap().to_owned();
    handed_out.push((invite.clone(), "invite".into()));
    let res = app
        .call(Method::POST, "/api/auth/register")
        .json(json!({"invite_token": invite, "username": "invitee", "email": "invitee@example.com", "password": invitee_pw}))
        .send()
        .await;
    assert_eq!(res.status, 201);
    rec.keep("register", &res);
    let res = app
        .call(Method::POST, "/api/users/me/2fa/disable")
        .bearer(&token2)
        .json(json!({"password": "CanaryWrongPw-0d0d0d0d", "code": enable_code}))
        .send()
        .await;
    rec.keep("disable 2fa (bad)", &res);
    let res = app
        .call(Method::POST, "/api/auth/logout")
        .bearer(&admin_token)
        .send()
        .await;
    rec.keep("logout", &res);
    let audit = serde_json::to_string(&audit_rows(&app).await).unwrap();
    assert!(audit.contains("login_failed") && audit.contains("password_reset"));
    app.cleanup().await;

    let logs = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("/api/auth/login"),
        "the log capture works: {}",
        &logs[..logs.len().min(3000)]
    );
    let mut secrets: Vec<(String, Option<String>)> = [
        admin_pw,
        user_pw,
        new_pw,
        reset_pw,
        invitee_pw,
        "CanaryWrongPw-0d0d0d0d",
        enable_code.as_str(),
    ]
    .iter()
    .map(|s| (s.to_string(), None))
    .collect();
    for (s, source) in &handed_out {
        secrets.push((s.clone(), Some(source.clone())));
    }
    for (secret, source) in &secrets {
        assert!(!logs.contains(secret.as_str()), "{secret} in the logs");
        assert!(!audit.contains(secret.as_str()), "{secret} in an audit row");
        // Recovery codes are also checked without dashes.
        let compact = secret.replace('-', "");
        for (what, body) in &rec.bodies {
            if Some(what) == source.as_ref() {
                continue;
            }
            if secret.len() > 6 {
                assert!(
                    !body.contains(secret.as_str()),
                    "{secret} in the response of {what}"
                );
            }
            if secret.len() == 19 {
                assert!(
                    !body.contains(&compact),
                    "{compact} in the response of {what}"
                );
            }
        }
    }
    // Nothing in the logs looks like a session token or a password hash.
    for shape in ["kbs_", "$2b$"] {
        let at = logs.find(shape);
        assert!(
            at.is_none(),
            "{shape} in the logs: {}",
            &logs[at.unwrap_or(0).saturating_sub(1500)..(at.unwrap_or(0) + 300).min(logs.len())]
        );
    }
}
