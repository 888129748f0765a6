//! HTTP hardening: no caching of API responses, HSTS and the `__Host-` cookie behind an HTTPS
//! public URL, first-run setup only from loopback or with the setup token, audit retention, and
//! the listener's header read timeout and connection cap.

use std::time::Duration;

use axum::http::Method;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::helpers::TestApp;
use crate::identity_support::*;

#[tokio::test]
async fn api_responses_are_never_cached() {
    let app = TestApp::new().await;
    let res = app
        .call(Method::POST, "/api/setup")
        .json(
            json!({"username": "admin", "email": "admin@example.com", "password": ADMIN_PASSWORD}),
        )
        .send()
        .await;
    assert_eq!(res.status, 201);
    assert_eq!(res.header("cache-control"), Some("no-store"), "the token");
    let token = res.json()["token"].as_str().unwrap().to_owned();
    for path in [
        "/api/auth/me",
        "/api/setup/status",
        "/api/settings",
        "/api/nope",
    ] {
        let res = app.get_as(path, &token).send().await;
        assert_eq!(res.header("cache-control"), Some("no-store"), "{path}");
    }
    let res = app
        .call(Method::POST, "/api/users/me/2fa/setup")
        .bearer(&token)
        .send()
        .await;
    assert_eq!(
        res.header("cache-control"),
        Some("no-store"),
        "the TOTP seed"
    );
    app.cleanup().await;
}

#[tokio::test]
async fn an_https_public_url_brings_hsts_and_the_host_only_secure_cookie() {
    let app = TestApp::new().await;
    let admin = setup_admin(&app).await;
    let login = || async {
        app.call(Method::POST, "/api/auth/login")
            .json(json!({"username": "admin", "password": ADMIN_PASSWORD}))
            .send()
            .await
    };
    // Plain HTTP: no HSTS, the plain cookie.
    let res = login().await;
    assert!(res.header("strict-transport-security").is_none());
    assert!(res
        .header("set-cookie")
        .unwrap()
        .starts_with("kubarr_session="));

    let res = app
        .call(Method::PUT, "/api/settings/public_url")
        .bearer(&admin.token)
        .json(json!({"value": "https://kubarr.example.org"}))
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let res = login().await;
    assert_eq!(res.status, 200);
    assert_eq!(
        res.header("strict-transport-security"),
        Some("max-age=31536000")
    );
    let cookie = res.header("set-cookie").unwrap().to_owned();
    assert!(cookie.starts_with("__Host-kubarr_session="), "{cookie}");
    for attr in ["; Secure", "; Path=/", "; HttpOnly", "; SameSite=Strict"] {
        assert!(cookie.contains(attr), "{cookie}");
    }
    assert!(!cookie.contains("Domain"), "{cookie}");
    let token = res.json()["token"].as_str().unwrap().to_owned();
    // Only that cookie authenticates now: a plain one (which any http:// page or neighbouring
    // host could have planted) does not.
    let res = app
        .call(Method::GET, "/api/auth/me")
        .cookie(&token)
        .send()
        .await;
    assert_eq!(res.status, 401);
    let res = app
        .call(Method::GET, "/api/auth/me")
        .header("cookie", &format!("__Host-kubarr_session={token}"))
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    // HSTS on the web app's pages too.
    let res = app.get("/").await;
    assert_eq!(
        res.header("strict-transport-security"),
        Some("max-age=31536000")
    );
    // Logout clears both names.
    let res = app
        .call(Method::POST, "/api/auth/logout")
        .bearer(&token)
        .send()
        .await;
    let cleared: Vec<_> = res.headers.get_all("set-cookie").iter().collect();
    assert_eq!(cleared.len(), 2, "{cleared:?}");
    app.cleanup().await;
}

#[tokio::test]
async fn setup_from_another_machine_needs_the_setup_token() {
    let app = app_behind_proxy().await;
    let body = |token: Option<&str>| json!({"username": "admin", "email": "admin@example.com", "password": ADMIN_PASSWORD, "setup_token": token});
    let status = app
        .call(Method::GET, "/api/setup/status")
        .sent_from("203.0.113.7")
        .send()
        .await
        .json();
    assert_eq!(
        status,
        json!({"setup_required": true, "setup_token_required": true})
    );
    for token in [None, Some("kbt_wrong"), Some("not-a-token")] {
        let res = app
            .call(Method::POST, "/api/setup")
            .sent_from("203.0.113.7")
            .json(body(token))
            .send()
            .await;
        assert_eq!(res.status, 403, "{token:?}: {}", res.text());
        assert_eq!(res.error_code(), "setup_token_required");
    }
    // A proxy on the server's own machine forwarding someone else counts as someone else.
    let local = TestApp::new().await;
    let res = local
        .call(Method::POST, "/api/setup")
        .header("x-forwarded-for", "203.0.113.8")
        .json(body(None))
        .send()
        .await;
    assert_eq!(res.status, 403, "{}", res.text());
    local.cleanup().await;
    // The token printed in the log opens setup once.
    let token = app.state.auth.setup_token.reveal().to_owned();
    let res = app
        .call(Method::POST, "/api/setup")
        .sent_from("203.0.113.7")
        .json(body(Some(&token)))
        .send()
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let res = app
        .call(Method::POST, "/api/setup")
        .sent_from("203.0.113.7")
        .json(body(Some(&token)))
        .send()
        .await;
    assert_eq!(res.status, 409);
    app.cleanup().await;
}

#[tokio::test]
async fn audit_entries_past_the_retention_are_purged() {
    let app = TestApp::new().await;
    let admin = setup_admin(&app).await;
    let res = app
        .call(Method::PUT, "/api/settings/audit_retention_days")
        .bearer(&admin.token)
        .json(json!({"value": 30}))
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    for bad in [json!(3), json!(-1), json!("forever")] {
        let res = app
            .call(Method::PUT, "/api/settings/audit_retention_days")
            .bearer(&admin.token)
            .json(json!({"value": bad}))
            .send()
            .await;
        assert!(
            res.status == 400 || res.status == 422,
            "{bad}: {}",
            res.text()
        );
    }
    // Age the setup entries by 40 days; the setting change stays recent.
    {
        use kubarr_db::entities::audit_logs::{Column, Entity};
        use sea_orm::sea_query::Expr;
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        let old = chrono::Utc::now() - chrono::Duration::days(40);
        Entity::update_many()
            .col_expr(Column::CreatedAt, Expr::value(old))
            .filter(Column::Action.ne("setting_changed"))
            .exec(&app.state.db)
            .await
            .unwrap();
    }
    let before = audit_actions(&app).await;
    assert!(before.len() > 1, "{before:?}");
    let purged = kubarr::auth::purge::purge_once(&app.state).await.unwrap();
    assert_eq!(purged.audit as usize, before.len() - 1, "{before:?}");
    assert_eq!(audit_actions(&app).await, ["setting_changed"]);
    app.cleanup().await;
}

/// Serves the app on a loopback port with the given limits; returns the address.
async fn listen(
    app: &TestApp,
    header_timeout: u64,
    max_connections: usize,
) -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let mut http = app.state.config.http.clone();
    http.header_read_timeout_secs = header_timeout;
    http.max_connections = max_connections;
    let router = kubarr::router::build(app.state.clone());
    tokio::spawn(async move {
        kubarr::listener::run(listener, router, &http, std::future::pending())
            .await
            .unwrap();
    });
    addr
}

/// Reads until the peer closes (or resets) the connection; `None` if it stays open past `within`.
async fn closed_within(stream: &mut TcpStream, within: Duration) -> Option<Vec<u8>> {
    let mut seen = Vec::new();
    let mut buf = [0u8; 1024];
    tokio::time::timeout(within, async {
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => seen.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await
    .ok()
    .map(|_| seen)
}

async fn health(addr: std::net::SocketAddr) -> Option<String> {
    let mut s = TcpStream::connect(addr).await.ok()?;
    s.write_all(b"GET /api/health HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        .await
        .ok()?;
    let answer = closed_within(&mut s, Duration::from_secs(10)).await?;
    Some(String::from_utf8_lossy(&answer).into_owned())
}

#[tokio::test]
async fn a_client_that_trickles_its_headers_is_cut_off() {
    let app = TestApp::new().await;
    let addr = listen(&app, 1, 64).await;
    let mut slow = TcpStream::connect(addr).await.unwrap();
    slow.write_all(b"GET /api/health HTTP/1.1\r\nHost: t\r\n")
        .await
        .unwrap();
    // The headers never end: the server closes the connection after its header timeout.
    assert!(
        closed_within(&mut slow, Duration::from_secs(10))
            .await
            .is_some(),
        "a connection without complete headers stayed open"
    );
    assert!(health(addr).await.unwrap().starts_with("HTTP/1.1 200"));
    app.cleanup().await;
}

#[tokio::test]
async fn connections_beyond_the_cap_are_closed_at_once() {
    let app = TestApp::new().await;
    let addr = listen(&app, 30, 2).await;
    // Two idle keep-alive connections hold both places.
    let mut held = Vec::new();
    for _ in 0..2 {
        let mut s = TcpStream::connect(addr).await.unwrap();
        s.write_all(b"GET /api/health HTTP/1.1\r\nHost: t\r\n\r\n")
            .await
            .unwrap();
        let mut buf = [0u8; 512];
        let n = s.read(&mut buf).await.unwrap();
        assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200"));
        held.push(s);
    }
    let answer = health(addr).await.unwrap_or_default();
    assert!(answer.is_empty(), "a third connection was served: {answer}");
    // Once one closes, new connections are served again.
    drop(held.pop());
    kubarr_testbed::wait_until(
        Duration::from_secs(10),
        "a free connection slot",
        || async {
            Ok(health(addr)
                .await
                .is_some_and(|a| a.starts_with("HTTP/1.1 200")))
        },
    )
    .await
    .unwrap();
    app.cleanup().await;
}
