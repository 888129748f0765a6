//! Attacks on authentication: replayed and brute-forced TOTP, dead challenges, reused recovery
//! codes and invites, tokens of deactivated users, CSRF, hostile usernames and login floods.
//! Login timing is measured alone in `tests/login_timing.rs`.

use axum::http::Method;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::json;

use crate::helpers::{TestApp, TestResponse};
use crate::identity_support::*;

async fn login_from(app: &TestApp, ip: &str, username: &str, password: &str) -> TestResponse {
    app.call(Method::POST, "/api/auth/login")
        .sent_from(ip)
        .json(json!({"username": username, "password": password}))
        .send()
        .await
}

async fn challenge(app: &TestApp, ip: &str, user: &Principal) -> String {
    let res = login_from(app, ip, &user.username, &user.password).await;
    assert_eq!(res.status, 200, "{}", res.text());
    res.json()["challenge_id"].as_str().unwrap().to_owned()
}

async fn verify(app: &TestApp, ip: &str, challenge: &str, code: &str) -> TestResponse {
    app.call(Method::POST, "/api/auth/2fa/verify")
        .sent_from(ip)
        .json(json!({"challenge_id": challenge, "code": code}))
        .send()
        .await
}

#[tokio::test]
async fn a_totp_code_works_once() {
    let app = app_behind_proxy().await;
    let admin = setup_admin(&app).await;
    let (mut clock, _) = enrol_totp(&app, &admin).await;
    let c = challenge(&app, "10.1.0.1", &admin).await;
    // The code used to enable 2FA cannot sign in.
    assert_eq!(
        verify(&app, "10.1.0.1", &c, &clock.replay()).await.status,
        401
    );
    let code = clock.next();
    assert_eq!(verify(&app, "10.1.0.1", &c, &code).await.status, 200);
    // The same code on a fresh challenge is a replay.
    let c = challenge(&app, "10.1.0.2", &admin).await;
    let res = verify(&app, "10.1.0.2", &c, &code).await;
    assert_eq!(res.status, 401);
    assert_eq!(res.error_code(), "invalid_code");
    // And the challenge is not consumed by a failure.
    assert_eq!(
        verify(&app, "10.1.0.2", &c, &clock.next()).await.status,
        200
    );
    app.cleanup().await;
}

#[tokio::test]
async fn an_expired_challenge_is_refused() {
    let app = app_behind_proxy().await;
    let admin = setup_admin(&app).await;
    let (mut clock, _) = enrol_totp(&app, &admin).await;
    let c = challenge(&app, "10.1.0.1", &admin).await;
    let db = &app.state.db;
    db.execute(Statement::from_string(
        db.get_database_backend(),
        "UPDATE pending_2fa_challenges SET expires_at = created_at",
    ))
    .await
    .unwrap();
    let res = verify(&app, "10.1.0.1", &c, &clock.next()).await;
    assert_eq!(res.status, 401);
    assert_eq!(res.error_code(), "invalid_challenge");
    // The periodic purge removes it.
    let purged = kubarr::auth::purge::purge_once(&app.state).await.unwrap();
    assert_eq!(purged.challenges, 0, "already deleted when refused");
    app.cleanup().await;
}

#[tokio::test]
async fn a_challenge_dies_after_five_failures() {
    let app = app_behind_proxy().await;
    let admin = setup_admin(&app).await;
    let (mut clock, _) = enrol_totp(&app, &admin).await;
    let c = challenge(&app, "10.1.0.1", &admin).await;
    let good = clock.next();
    let bad = if good == "111111" { "222222" } else { "111111" };
    for i in 0..5 {
        let res = verify(&app, &format!("10.1.1.{i}"), &c, bad).await;
        if i < 3 {
            assert_eq!(res.status, 401, "attempt {i}");
            assert_eq!(res.error_code(), "invalid_code");
        } else {
            // Past three failures on the account, codes wait (and still use up the challenge).
            assert_eq!(res.status, 429, "attempt {i}");
            assert_eq!(res.error_code(), "rate_limited");
        }
    }
    let res = verify(&app, "10.1.2.1", &c, &good).await;
    assert_eq!(res.status, 401, "6th attempt with the right code");
    assert_eq!(res.error_code(), "invalid_challenge");
    // Failed second factors are audited.
    let failed = audit_actions(&app)
        .await
        .iter()
        .filter(|a| *a == "login_failed")
        .count();
    assert_eq!(failed, 3);
    app.cleanup().await;
}

#[tokio::test]
async fn a_recovery_code_works_once() {
    let app = app_behind_proxy().await;
    let admin = setup_admin(&app).await;
    let (_, codes) = enrol_totp(&app, &admin).await;
    let recover = |c: String, code: String| {
        let app = &app;
        async move {
            app.call(Method::POST, "/api/auth/2fa/recover")
                .json(json!({"challenge_id": c, "recovery_code": code}))
                .send()
                .await
        }
    };
    let c = challenge(&app, "10.1.0.1", &admin).await;
    assert_eq!(recover(c, codes[3].clone()).await.status, 200);
    let c = challenge(&app, "10.1.0.2", &admin).await;
    let res = recover(c.clone(), codes[3].clone()).await;
    assert_eq!(res.status, 401);
    assert_eq!(res.error_code(), "invalid_code");
    assert_eq!(recover(c.clone(), "not-a-code".into()).await.status, 401);
    assert_eq!(recover(c, codes[4].clone()).await.status, 200);
    app.cleanup().await;
}

#[tokio::test]
async fn an_invite_is_redeemed_exactly_once_even_concurrently() {
    let app = app_behind_proxy().await;
    let admin = setup_admin(&app).await;
    let res = app
        .call(Method::POST, "/api/invites")
        .bearer(&admin.token)
        .json(json!({}))
        .send()
        .await;
    let invite = res.json()["token"].as_str().unwrap().to_owned();
    let register = |name: &'static str, ip: &'static str| {
        let app = &app;
        let invite = invite.clone();
        async move {
            app.call(Method::POST, "/api/auth/register")
                .sent_from(ip)
                .json(json!({"invite_token": invite, "username": name, "email": format!("{name}@example.com"), "password": "racer plover marzipan 46"}))
                .send()
                .await
        }
    };
    let (a, b) = tokio::join!(
        register("racer1", "10.2.0.1"),
        register("racer2", "10.2.0.2")
    );
    let mut statuses = [a.status.as_u16(), b.status.as_u16()];
    statuses.sort();
    assert_eq!(statuses, [201, 400], "{} / {}", a.text(), b.text());
    let res = register("racer3", "10.2.0.3").await;
    assert_eq!(res.status, 400);
    assert_eq!(res.error_code(), "invalid_invite");
    // Exactly one account exists besides the admin.
    let users = app.get_as("/api/users", &admin.token).send().await.json();
    assert_eq!(users["items"].as_array().unwrap().len(), 2);
    // A forged or expired invite is refused the same way.
    let res = app
        .call(Method::POST, "/api/auth/register")
        .json(json!({"invite_token": "kbi_forged", "username": "forger", "email": "f@example.com", "password": "forger plover marzipan 47"}))
        .send()
        .await;
    assert_eq!(res.error_code(), "invalid_invite");
    app.cleanup().await;
}

#[tokio::test]
async fn tokens_of_deactivated_and_deleted_users_stop_working() {
    let app = TestApp::new().await;
    let admin = setup_admin(&app).await;
    let bob = create_user(&app, &admin.token, "bob", &["operator"]).await;
    let carl = create_user(&app, &admin.token, "carl", &["viewer"]).await;
    assert_eq!(
        app.get_as("/api/auth/me", &bob.token).send().await.status,
        200
    );
    let res = app
        .call(Method::PATCH, &format!("/api/users/{}", bob.id))
        .bearer(&admin.token)
        .json(json!({"is_active": false}))
        .send()
        .await;
    assert_eq!(res.status, 200);
    let res = app.get_as("/api/auth/me", &bob.token).send().await;
    assert_eq!(res.status, 401);
    assert_eq!(res.error_code(), "session_expired");
    // Reactivating does not resurrect the revoked session, and the password no longer matters.
    app.call(Method::PATCH, &format!("/api/users/{}", bob.id))
        .bearer(&admin.token)
        .json(json!({"is_active": true}))
        .send()
        .await;
    assert_eq!(
        app.get_as("/api/auth/me", &bob.token).send().await.status,
        401
    );
    // Deleted.
    let res = app
        .call(Method::DELETE, &format!("/api/users/{}", carl.id))
        .bearer(&admin.token)
        .send()
        .await;
    assert_eq!(res.status, 204);
    assert_eq!(
        app.get_as("/api/auth/me", &carl.token).send().await.status,
        401
    );
    // Deactivated users cannot log in either (same answer as a wrong password).
    app.call(Method::PATCH, &format!("/api/users/{}", bob.id))
        .bearer(&admin.token)
        .json(json!({"is_active": false}))
        .send()
        .await;
    let res = login_from(&app, "1.1.1.1", "bob", USER_PASSWORD).await;
    assert_eq!(res.status, 401);
    assert_eq!(res.error_code(), "invalid_credentials");
    app.cleanup().await;
}

#[tokio::test]
async fn cookie_authentication_needs_the_csrf_header_for_writes() {
    let app = TestApp::new().await;
    let admin = setup_admin(&app).await;
    // Reads work with the cookie alone.
    let res = app
        .call(Method::GET, "/api/auth/me")
        .cookie(&admin.token)
        .send()
        .await;
    assert_eq!(res.status, 200);
    // Writes need `X-Kubarr-Csrf: 1`.
    for forged in [None, Some("0"), Some("true"), Some("")] {
        let mut call = app
            .call(Method::POST, "/api/invites")
            .cookie(&admin.token)
            .json(json!({}));
        if let Some(v) = forged {
            call = call.header("x-kubarr-csrf", v);
        }
        let res = call.send().await;
        assert_eq!(res.status, 403, "{forged:?}");
        assert_eq!(res.error_code(), "csrf_check_failed");
    }
    let res = app
        .call(Method::POST, "/api/invites")
        .cookie(&admin.token)
        .csrf()
        .json(json!({}))
        .send()
        .await;
    assert_eq!(res.status, 201);
    // A Bearer header needs no CSRF header (browsers never send it on their own).
    let res = app
        .call(Method::POST, "/api/invites")
        .bearer(&admin.token)
        .json(json!({}))
        .send()
        .await;
    assert_eq!(res.status, 201);
    // Logout by cookie: CSRF too, then the cookie is cleared and the session is gone.
    let res = app
        .call(Method::POST, "/api/auth/logout")
        .cookie(&admin.token)
        .send()
        .await;
    assert_eq!(res.status, 403);
    let res = app
        .call(Method::POST, "/api/auth/logout")
        .cookie(&admin.token)
        .csrf()
        .send()
        .await;
    assert_eq!(res.status, 204);
    assert_eq!(
        app.call(Method::GET, "/api/auth/me")
            .cookie(&admin.token)
            .send()
            .await
            .status,
        401
    );
    // Garbage credentials are plain 401s.
    for auth in [
        "Bearer",
        "Bearer kbs_x",
        "Basic YWRtaW46YWRtaW4=",
        "Bearer ' OR 1=1 --",
    ] {
        let res = app
            .call(Method::GET, "/api/auth/me")
            .header("authorization", auth)
            .send()
            .await;
        assert_eq!(res.status, 401, "{auth}");
    }
    app.cleanup().await;
}

#[tokio::test]
async fn hostile_usernames_are_refused_cleanly() {
    let app = app_behind_proxy().await;
    let admin = setup_admin(&app).await;
    let long = "a".repeat(10_000);
    let logins = [
        "admin' OR '1'='1",
        "admin'--",
        "\" OR \"\"=\"",
        "admin\u{0}",
        "ädmin",
        "管理员",
        "admin\u{202e}",
        long.as_str(),
        "",
    ];
    for (i, name) in logins.iter().enumerate() {
        let res = login_from(&app, &format!("10.3.0.{i}"), name, ADMIN_PASSWORD).await;
        assert_eq!(res.status, 401, "{name:?}");
        assert_eq!(res.error_code(), "invalid_credentials");
    }
    for (i, name) in logins.iter().enumerate() {
        let res = app
            .call(Method::POST, "/api/users")
            .bearer(&admin.token)
            .json(json!({"username": name, "email": format!("x{i}@example.com"), "password": "hostile plover marzipan 48"}))
            .send()
            .await;
        assert_eq!(res.status, 400, "{name:?}: {}", res.text());
        assert_eq!(res.json()["error"]["field"], "username");
    }
    // A body over the limit is 413, before any work.
    let huge = "a".repeat(2 * 1024 * 1024);
    let res = login_from(&app, "10.3.1.1", &huge, "x").await;
    assert_eq!(res.status, 413);
    // Usernames are unique case-insensitively.
    let res = app
        .call(Method::POST, "/api/users")
        .bearer(&admin.token)
        .json(json!({"username": "ADMIN", "email": "other@example.com", "password": "hostile plover marzipan 48"}))
        .send()
        .await;
    assert_eq!(res.status, 409);
    // The database is intact: the admin still logs in.
    assert_eq!(
        login_from(&app, "10.3.2.1", "admin", ADMIN_PASSWORD)
            .await
            .status,
        200
    );
    app.cleanup().await;
}

#[tokio::test]
async fn a_login_flood_from_one_ip_is_limited_without_locking_out_the_user() {
    let app = app_behind_proxy().await;
    setup_admin(&app).await;
    for i in 0..10 {
        let res = login_from(&app, "203.0.113.7", "admin", "wrong-password").await;
        assert!(
            res.status == 401 || res.status == 429,
            "attempt {i}: {}",
            res.status
        );
    }
    let res = login_from(&app, "203.0.113.7", "admin", ADMIN_PASSWORD).await;
    assert_eq!(res.status, 429);
    assert_eq!(res.error_code(), "rate_limited");
    let retry: u64 = res.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=300).contains(&retry), "{retry}");
    // The real user, elsewhere, still gets in.
    let res = login_from(&app, "198.51.100.1", "admin", ADMIN_PASSWORD).await;
    assert_eq!(res.status, 200, "{}", res.text());
    // Without a trusted proxy, X-Forwarded-For is ignored: the socket address counts.
    app.cleanup().await;
    let app = TestApp::new().await;
    setup_admin(&app).await;
    for i in 0..10 {
        let _ = login_from(&app, &format!("10.9.0.{i}"), "nobody", "wrong-password").await;
    }
    let res = login_from(&app, "10.9.1.1", "admin", ADMIN_PASSWORD).await;
    assert_eq!(
        res.status, 429,
        "spoofed X-Forwarded-For must not bypass the limit"
    );
    app.cleanup().await;
}

#[tokio::test]
async fn repeated_failures_on_one_account_slow_down_that_address_only() {
    let app = app_behind_proxy().await;
    setup_admin(&app).await;
    for _ in 0..3 {
        assert_eq!(
            login_from(&app, "203.0.113.9", "admin", "wrong-password")
                .await
                .status,
            401
        );
    }
    let res = login_from(&app, "203.0.113.9", "admin", ADMIN_PASSWORD).await;
    assert_eq!(res.status, 429);
    assert!(res.header("retry-after").is_some());
    assert_eq!(
        login_from(&app, "198.51.100.2", "admin", ADMIN_PASSWORD)
            .await
            .status,
        200
    );
    app.cleanup().await;
}
