//! End to end: setup → login → enrol 2FA → logout → login with 2FA → recovery code → sessions
//! list and revoke → password change revokes others → invite → register → approval.

use axum::http::Method;
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

#[tokio::test]
async fn the_whole_identity_flow() {
    let app = app_behind_proxy().await;

    // Setup: once, then 409 forever.
    assert_eq!(
        app.get("/api/setup/status").await.json(),
        json!({"setup_required": true, "setup_token_required": false})
    );
    let res = app
        .call(Method::POST, "/api/setup")
        .json(
            json!({"username": "admin", "email": "admin@example.com", "password": ADMIN_PASSWORD}),
        )
        .send()
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let cookie = res.header("set-cookie").unwrap().to_owned();
    for attr in [
        "kubarr_session=kbs_",
        "HttpOnly",
        "SameSite=Strict",
        "Path=/",
    ] {
        assert!(cookie.contains(attr), "{cookie}");
    }
    let admin_token = res.json()["token"].as_str().unwrap().to_owned();
    assert_eq!(res.json()["user"]["username"], "admin");
    assert!(res.json()["expires_at"].is_string());
    assert_eq!(
        app.get("/api/setup/status").await.json(),
        json!({"setup_required": false, "setup_token_required": false})
    );
    let again = app
        .call(Method::POST, "/api/setup")
        .json(json!({"username": "evil", "email": "evil@example.com", "password": "evil plover marzipan 49"}))
        .send()
        .await;
    assert_eq!(again.status, 409);
    assert_eq!(again.error_code(), "setup_completed");

    // A user logs in (by e-mail, any case) and enrols TOTP.
    create_user(&app, &admin_token, "alice", &["viewer"]).await;
    let res = login_from(&app, "10.0.0.1", "ALICE@example.com", USER_PASSWORD).await;
    assert_eq!(res.status, 200, "{}", res.text());
    let token = res.json()["token"].as_str().unwrap().to_owned();
    let res = app
        .call(Method::POST, "/api/users/me/2fa/setup")
        .bearer(&token)
        .send()
        .await;
    assert_eq!(res.status, 200);
    let uri = res.json()["otpauth_uri"].as_str().unwrap().to_owned();
    assert!(
        uri.starts_with("otpauth://totp/Kubarr%3Aalice?secret="),
        "{uri}"
    );
    assert!(uri.contains("issuer=Kubarr"));
    let mut clock = TotpClock::new(res.json()["secret"].as_str().unwrap());
    let wrong = app
        .call(Method::POST, "/api/users/me/2fa/enable")
        .bearer(&token)
        .json(json!({"password": USER_PASSWORD, "code": "000000"}))
        .send()
        .await;
    if clock.next() != "000000" {
        assert_eq!(wrong.status, 400);
    }
    clock.last -= 1;
    let res = app
        .call(Method::POST, "/api/users/me/2fa/enable")
        .bearer(&token)
        .json(json!({"password": USER_PASSWORD, "code": clock.next()}))
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let codes: Vec<String> = serde_json::from_value(res.json()["recovery_codes"].clone()).unwrap();
    assert_eq!(codes.len(), 10);
    assert_eq!(
        app.get_as("/api/auth/me", &token).send().await.json()["totp_enabled"],
        true
    );

    // Logout ends the session and clears the cookie.
    let res = app
        .call(Method::POST, "/api/auth/logout")
        .bearer(&token)
        .send()
        .await;
    assert_eq!(res.status, 204);
    assert!(res.header("set-cookie").unwrap().contains("Max-Age=0"));
    assert_eq!(app.get_as("/api/auth/me", &token).send().await.status, 401);

    // Login now needs the second factor; a replayed code fails, the next one works.
    let res = login_from(&app, "10.0.0.2", "alice", USER_PASSWORD).await;
    assert_eq!(res.status, 200);
    assert_eq!(res.json()["requires_2fa"], true);
    assert!(res.json().get("token").is_none());
    let challenge = res.json()["challenge_id"].as_str().unwrap().to_owned();
    let res = app
        .call(Method::POST, "/api/auth/2fa/verify")
        .json(json!({"challenge_id": challenge, "code": clock.replay()}))
        .send()
        .await;
    assert_eq!(res.status, 401);
    let res = app
        .call(Method::POST, "/api/auth/2fa/verify")
        .json(json!({"challenge_id": challenge, "code": clock.next()}))
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert!(res.header("set-cookie").is_some());
    let token_2fa = res.json()["token"].as_str().unwrap().to_owned();
    assert_eq!(
        app.get_as("/api/auth/me", &token_2fa).send().await.status,
        200
    );

    // Recovery codes: each works once.
    let recovery_login = |ip: &'static str, code: String| {
        let app = &app;
        async move {
            let res = login_from(app, ip, "alice", USER_PASSWORD).await;
            let challenge = res.json()["challenge_id"].as_str().unwrap().to_owned();
            app.call(Method::POST, "/api/auth/2fa/recover")
                .sent_from(ip)
                .json(json!({"challenge_id": challenge, "recovery_code": code}))
                .send()
                .await
        }
    };
    let res = recovery_login("10.0.0.3", codes[0].to_lowercase()).await;
    assert_eq!(res.status, 200, "{}", res.text());
    let session_a = res.json()["token"].as_str().unwrap().to_owned();
    let res = recovery_login("10.0.0.4", codes[0].clone()).await;
    assert_eq!(res.status, 401);
    let res = recovery_login("10.0.0.5", codes[1].clone()).await;
    assert_eq!(res.status, 200);
    let session_b = res.json()["token"].as_str().unwrap().to_owned();

    // Sessions: list (the current one is marked) and revoke another.
    let list = app
        .get_as("/api/auth/sessions", &session_a)
        .send()
        .await
        .json();
    let list = list.as_array().unwrap();
    // The session made when alice was created, the TOTP one, A and B.
    assert_eq!(list.len(), 4, "{list:?}");
    assert_eq!(list.iter().filter(|s| s["current"] == true).count(), 1);
    assert!(list.iter().any(|s| s["ip_address"] == "10.0.0.5"));
    let b_id = list.iter().find(|s| s["ip_address"] == "10.0.0.5").unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let res = app
        .call(Method::DELETE, &format!("/api/auth/sessions/{b_id}"))
        .bearer(&session_a)
        .send()
        .await;
    assert_eq!(res.status, 204);
    assert_eq!(
        app.get_as("/api/auth/me", &session_b).send().await.status,
        401
    );
    // Another user's session id is not found.
    let admin_sessions = app
        .get_as("/api/auth/sessions", &admin_token)
        .send()
        .await
        .json();
    let admin_sid = admin_sessions[0]["id"].as_str().unwrap().to_owned();
    let res = app
        .call(Method::DELETE, &format!("/api/auth/sessions/{admin_sid}"))
        .bearer(&session_a)
        .send()
        .await;
    assert_eq!(res.status, 404);
    assert_eq!(
        app.get_as("/api/auth/me", &admin_token).send().await.status,
        200
    );

    // Password change keeps the current session and ends the others.
    let res = app
        .call(Method::PUT, "/api/users/me/password")
        .bearer(&session_a)
        .json(json!({"current_password": USER_PASSWORD, "new_password": "alice-new-password"}))
        .send()
        .await;
    assert_eq!(res.status, 204, "{}", res.text());
    assert_eq!(
        app.get_as("/api/auth/me", &session_a).send().await.status,
        200
    );
    assert_eq!(
        app.get_as("/api/auth/me", &token_2fa).send().await.status,
        401
    );
    let res = login_from(&app, "10.0.0.6", "alice", USER_PASSWORD).await;
    assert_eq!(res.status, 401);
    assert_eq!(res.error_code(), "invalid_credentials");

    // Invite → register → sign in.
    let res = app
        .call(Method::POST, "/api/invites")
        .bearer(&admin_token)
        .json(json!({"email": "carol@example.com", "expires_in_hours": 24}))
        .send()
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let invite = res.json()["token"].as_str().unwrap().to_owned();
    assert!(res.json()["url"]
        .as_str()
        .unwrap()
        .ends_with(&format!("/register?invite={invite}")));
    let register = |token: Option<String>, name: &'static str| {
        let app = &app;
        async move {
            app.call(Method::POST, "/api/auth/register")
                .sent_from("10.0.1.1")
                .json(json!({"invite_token": token, "username": name, "email": format!("{name}@example.com"), "password": "carol plover marzipan 50"}))
                .send()
                .await
        }
    };
    let res = register(Some(invite.clone()), "carol").await;
    assert_eq!(res.status, 201, "{}", res.text());
    assert_eq!(res.json()["pending_approval"], false);
    assert_eq!(
        login_from(&app, "10.0.0.7", "carol", "carol plover marzipan 50")
            .await
            .status,
        200
    );
    let res = register(Some(invite), "carol2").await;
    assert_eq!(res.status, 400);
    assert_eq!(res.error_code(), "invalid_invite");

    // Open registration with approval: the account waits for an administrator.
    for (key, value) in [
        ("registration_enabled", true),
        ("registration_requires_approval", true),
    ] {
        let res = app
            .call(Method::PUT, &format!("/api/settings/{key}"))
            .bearer(&admin_token)
            .json(json!({"value": value}))
            .send()
            .await;
        assert_eq!(res.status, 200, "{}", res.text());
    }
    let res = register(None, "dave").await;
    assert_eq!(res.status, 201, "{}", res.text());
    assert_eq!(res.json()["pending_approval"], true);
    let dave_id = res.json()["id"].as_i64().unwrap();
    let res = login_from(&app, "10.0.0.8", "dave", "carol plover marzipan 50").await;
    assert_eq!(res.status, 401);
    assert_eq!(res.error_code(), "invalid_credentials");
    let res = app
        .call(Method::PATCH, &format!("/api/users/{dave_id}"))
        .bearer(&admin_token)
        .json(json!({"is_approved": true}))
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let res = login_from(&app, "10.0.0.9", "dave", "carol plover marzipan 50").await;
    assert_eq!(res.status, 200, "{}", res.text());
    let me = app
        .get_as("/api/auth/me", res.json()["token"].as_str().unwrap())
        .send()
        .await
        .json();
    assert_eq!(me["roles"], json!(["viewer"]));

    // Every step left its audit trail.
    let actions = audit_actions(&app).await;
    for a in [
        "setup_completed",
        "user_created",
        "login_succeeded",
        "two_factor_enabled",
        "logout",
        "login_failed",
        "recovery_code_used",
        "session_revoked",
        "password_changed",
        "invite_created",
        "user_registered",
        "setting_changed",
        "user_updated",
    ] {
        assert!(actions.iter().any(|x| x == a), "no {a} in {actions:?}");
    }
    app.cleanup().await;
}

#[tokio::test]
async fn disabling_2fa_needs_password_and_code() {
    let app = TestApp::new().await;
    let admin = setup_admin(&app).await;
    let (mut clock, _) = enrol_totp(&app, &admin).await;
    let res = app
        .call(Method::POST, "/api/users/me/2fa/disable")
        .bearer(&admin.token)
        .json(json!({"password": "wrong-password", "code": clock.next()}))
        .send()
        .await;
    assert_eq!(res.status, 400);
    assert_eq!(res.error_code(), "invalid_credentials");
    let res = app
        .call(Method::POST, "/api/users/me/2fa/disable")
        .bearer(&admin.token)
        .json(json!({"password": ADMIN_PASSWORD, "code": clock.next()}))
        .send()
        .await;
    assert_eq!(res.status, 204, "{}", res.text());
    let me = app.get_as("/api/auth/me", &admin.token).send().await.json();
    assert_eq!(me["totp_enabled"], false);
    // Login is single-step again.
    login(&app, "admin", ADMIN_PASSWORD).await;
    app.cleanup().await;
}
