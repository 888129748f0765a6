//! Streams end with their session; a per-user cap on streams; 2FA failures counted per account
//! across challenges; IPv6 clients limited per /64; enrolment needs the password; challenges die
//! with a password change; account delays keyed by user id that never lock out a clean address.

use std::time::Duration;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::json;
use tower::ServiceExt;

use crate::helpers::{TestApp, TestResponse};
use crate::identity_support::*;

/// How long a stream may take to end after its session did.
const ENDS_WITHIN: Duration = Duration::from_secs(10);

/// Opens the event stream as `token`; returns a task that resolves when its body ends.
async fn open_stream(app: &TestApp, token: &str) -> tokio::task::JoinHandle<()> {
    let req = Request::get("/api/events/stream")
        .header("authorization", format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap();
    let res = app.router.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let mut body = res.into_body();
    tokio::spawn(async move {
        while let Some(frame) = body.frame().await {
            if frame.is_err() {
                break;
            }
        }
    })
}

async fn assert_ends(stream: tokio::task::JoinHandle<()>, why: &str) {
    assert!(!stream.is_finished(), "the stream ended before {why}");
    tokio::time::timeout(ENDS_WITHIN, stream)
        .await
        .unwrap_or_else(|_| panic!("the stream outlived {why}"))
        .unwrap();
}

#[tokio::test]
async fn the_event_stream_ends_with_logout_revocation_deactivation_and_expiry() {
    let app = TestApp::new().await;
    let admin = setup_admin(&app).await;
    let user = create_user(&app, &admin.token, "watcher", &["viewer"]).await;

    let stream = open_stream(&app, &user.token).await;
    let res = app
        .call(Method::POST, "/api/auth/logout")
        .bearer(&user.token)
        .send()
        .await;
    assert_eq!(res.status, 204);
    assert_ends(stream, "logout").await;

    // Revoked from another of the user's sessions.
    let a = session_for(&app, user.id).await;
    let b = session_for(&app, user.id).await;
    let stream = open_stream(&app, &a).await;
    let sessions = app.get_as("/api/auth/sessions", &b).send().await.json();
    let id = sessions
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["current"] == false)
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .unwrap();
    let res = app
        .call(Method::DELETE, &format!("/api/auth/sessions/{id}"))
        .bearer(&b)
        .send()
        .await;
    assert_eq!(res.status, 204);
    assert_ends(stream, "revocation").await;

    // Deactivated by an administrator.
    let stream = open_stream(&app, &b).await;
    let res = app
        .call(Method::PATCH, &format!("/api/users/{}", user.id))
        .bearer(&admin.token)
        .json(json!({"is_active": false}))
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_ends(stream, "deactivation").await;

    // A session expiring in two seconds takes its stream with it, without any other signal.
    let short = session_for(&app, admin.id).await;
    let soon = chrono::Utc::now() + chrono::Duration::seconds(2);
    let hash = kubarr::auth::token::parse(kubarr::auth::token::TokenKind::Session, &short).unwrap();
    {
        use kubarr_db::entities::sessions::{Column, Entity};
        use sea_orm::sea_query::Expr;
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        Entity::update_many()
            .col_expr(Column::ExpiresAt, Expr::value(soon))
            .filter(Column::Id.eq(hash))
            .exec(&app.state.db)
            .await
            .unwrap();
    }
    let stream = open_stream(&app, &short).await;
    assert_ends(stream, "the session's expiry").await;
    app.cleanup().await;
}

#[tokio::test]
async fn a_user_holds_a_bounded_number_of_streams() {
    let app = TestApp::new().await;
    let admin = setup_admin(&app).await;
    let max = kubarr::auth::live::MAX_STREAMS_PER_USER;
    let stream = |token: String| {
        let router = app.router.clone();
        async move {
            let req = Request::get("/api/events/stream")
                .header("authorization", format!("Bearer {token}"))
                .body(Body::empty())
                .unwrap();
            router.oneshot(req).await.unwrap()
        }
    };
    let mut open = Vec::new();
    for _ in 0..max {
        let res = stream(admin.token.clone()).await;
        assert_eq!(res.status(), StatusCode::OK);
        open.push(res.into_body());
    }
    let res = stream(admin.token.clone()).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(res.headers().contains_key("retry-after"));
    let body = res.into_body().collect().await.unwrap().to_bytes();
    let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(body["error"]["code"], "too_many_streams");
    // Another user is not affected; closing one stream frees its place.
    let other = create_user(&app, &admin.token, "other", &["viewer"]).await;
    let others = open_stream(&app, &other.token).await;
    others.abort();
    drop(open.pop());
    assert_eq!(stream(admin.token.clone()).await.status(), StatusCode::OK);
    app.cleanup().await;
}

async fn login_from(app: &TestApp, ip: &str, username: &str, password: &str) -> TestResponse {
    app.call(Method::POST, "/api/auth/login")
        .sent_from(ip)
        .json(json!({"username": username, "password": password}))
        .send()
        .await
}

async fn verify_from(app: &TestApp, ip: &str, challenge: &str, code: &str) -> TestResponse {
    app.call(Method::POST, "/api/auth/2fa/verify")
        .sent_from(ip)
        .json(json!({"challenge_id": challenge, "code": code}))
        .send()
        .await
}

#[tokio::test]
async fn second_factor_failures_count_per_account_across_challenges() {
    let app = app_behind_proxy().await;
    let admin = setup_admin(&app).await;
    let (mut clock, _) = enrol_totp(&app, &admin).await;
    let wrong = if clock.replay() == "000000" {
        "111111"
    } else {
        "000000"
    };
    for i in 0..3 {
        // A fresh challenge from a fresh address each time: neither resets the count.
        let ip = format!("10.7.0.{i}");
        let res = login_from(&app, &ip, "admin", &admin.password).await;
        let challenge = res.json()["challenge_id"].as_str().unwrap().to_owned();
        assert_eq!(verify_from(&app, &ip, &challenge, wrong).await.status, 401);
    }
    let res = login_from(&app, "10.7.1.1", "admin", &admin.password).await;
    let challenge = res.json()["challenge_id"].as_str().unwrap().to_owned();
    let res = verify_from(&app, "10.7.1.1", &challenge, &clock.next()).await;
    assert_eq!(res.status, 429, "{}", res.text());
    let retry: u64 = res.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=2).contains(&retry), "{retry}");
    app.cleanup().await;
}

#[tokio::test]
async fn an_ipv6_client_is_limited_per_slash_64() {
    let app = app_behind_proxy().await;
    setup_admin(&app).await;
    for i in 0..10 {
        let ip = format!("2001:db8:42:7:{:x}::{:x}", i * 3 + 1, i + 9);
        let res = login_from(&app, &ip, &format!("nobody{i}"), "wrong-password").await;
        assert_eq!(res.status, 401, "attempt {i}: {}", res.text());
    }
    let res = login_from(&app, "2001:db8:42:7:ffff:1:2:3", "admin", ADMIN_PASSWORD).await;
    assert_eq!(res.status, 429, "{}", res.text());
    // The neighbouring /64 is someone else.
    let res = login_from(&app, "2001:db8:42:8::1", "admin", ADMIN_PASSWORD).await;
    assert_eq!(res.status, 200, "{}", res.text());
    app.cleanup().await;
}

#[tokio::test]
async fn enrolling_two_factor_needs_the_password() {
    let app = TestApp::new().await;
    let admin = setup_admin(&app).await;
    let user = create_user(&app, &admin.token, "dora", &["viewer"]).await;
    // Someone holding only the session (a stolen cookie) cannot bind the account to their phone.
    let res = app
        .call(Method::POST, "/api/users/me/2fa/setup")
        .bearer(&user.token)
        .send()
        .await;
    let mut clock = TotpClock::new(res.json()["secret"].as_str().unwrap());
    let res = app
        .call(Method::POST, "/api/users/me/2fa/enable")
        .bearer(&user.token)
        .json(json!({"password": "not the password", "code": clock.next()}))
        .send()
        .await;
    assert_eq!(res.status, 400, "{}", res.text());
    assert_eq!(res.error_code(), "invalid_credentials");
    assert_eq!(res.json()["error"]["field"], "password");
    let res = app
        .call(Method::POST, "/api/users/me/2fa/enable")
        .bearer(&user.token)
        .json(json!({"code": clock.next()}))
        .send()
        .await;
    assert_eq!(res.status, 400, "{}", res.text());
    let me = app.get_as("/api/auth/me", &user.token).send().await.json();
    assert_eq!(me["totp_enabled"], false);
    app.cleanup().await;
}

#[tokio::test]
async fn a_password_change_or_reset_ends_pending_challenges() {
    let app = app_behind_proxy().await;
    let admin = setup_admin(&app).await;
    let user = create_user(&app, &admin.token, "eve", &["viewer"]).await;
    let (mut clock, _) = enrol_totp(&app, &user).await;
    // The owner changes the password while a sign-in with the old one waits for its code.
    let res = login_from(&app, "10.8.0.1", "eve", &user.password).await;
    let challenge = res.json()["challenge_id"].as_str().unwrap().to_owned();
    let new_password = "eve fresh lantern 91";
    let res = app
        .call(Method::PUT, "/api/users/me/password")
        .bearer(&user.token)
        .json(json!({"current_password": user.password, "new_password": new_password}))
        .send()
        .await;
    assert_eq!(res.status, 204, "{}", res.text());
    let res = verify_from(&app, "10.8.0.1", &challenge, &clock.next()).await;
    assert_eq!(res.status, 401, "{}", res.text());
    assert_eq!(res.error_code(), "invalid_challenge");
    // Same for an administrator's reset.
    let res = login_from(&app, "10.8.0.2", "eve", new_password).await;
    let challenge = res.json()["challenge_id"].as_str().unwrap().to_owned();
    let res = app
        .call(Method::PUT, &format!("/api/users/{}/password", user.id))
        .bearer(&admin.token)
        .json(json!({"new_password": "eve reset quarry 17"}))
        .send()
        .await;
    assert_eq!(res.status, 204, "{}", res.text());
    let res = verify_from(&app, "10.8.0.2", &challenge, &clock.next()).await;
    assert_eq!(res.error_code(), "invalid_challenge");
    app.cleanup().await;
}

#[tokio::test]
async fn account_delays_follow_the_user_whatever_login_named_it() {
    let app = app_behind_proxy().await;
    setup_admin(&app).await;
    let ip = "203.0.113.30";
    for (i, login) in ["admin", "ADMIN", "admin@example.com"]
        .into_iter()
        .enumerate()
    {
        let res = login_from(&app, ip, login, "wrong-password").await;
        assert_eq!(res.status, 401, "failure {i} ({login})");
    }
    // A fourth spelling is the same account: its delay has started.
    let res = login_from(&app, ip, "Admin@Example.com", ADMIN_PASSWORD).await;
    assert_eq!(res.status, 429, "{}", res.text());
    app.cleanup().await;
}

#[tokio::test]
async fn a_distributed_attack_never_locks_the_owner_out() {
    let app = app_behind_proxy().await;
    setup_admin(&app).await;
    // A hundred addresses, one wrong password each.
    for i in 0..100 {
        let ip = format!("198.18.{}.{}", i / 250, i % 250 + 1);
        let res = login_from(&app, &ip, "admin", "wrong-password").await;
        assert_eq!(res.status, 401, "failure {i}: {}", res.text());
    }
    // The owner, from an address without failures, gets in at once.
    let res = login_from(&app, "192.0.2.10", "admin", ADMIN_PASSWORD).await;
    assert_eq!(res.status, 200, "{}", res.text());
    // An address that failed waits a while, not an hour.
    let res = login_from(&app, "198.18.0.1", "admin", ADMIN_PASSWORD).await;
    assert_eq!(res.status, 429, "{}", res.text());
    let retry: u64 = res.header("retry-after").unwrap().parse().unwrap();
    assert!(retry <= 300, "{retry}");
    app.cleanup().await;
}
