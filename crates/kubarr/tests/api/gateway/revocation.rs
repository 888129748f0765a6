//! An app session ends with the access behind it: logout, a revoked dashboard session,
//! deactivation and a removed grant close it for new requests and open WebSockets within 5 s.

use std::time::Duration;

use axum::http::Method;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::stub::Stub;
use super::traffic::{app_cookie, open_websocket};
use super::Gateway;
use crate::identity_support::{role_id, Api};

const WITHIN: Duration = Duration::from_secs(5);

/// Waits until the tunnel is closed (reads 0 bytes or an error) or panics after [`WITHIN`].
async fn closes_within(ws: &mut tokio::net::TcpStream) {
    let mut buf = [0u8; 64];
    let closed = tokio::time::timeout(WITHIN, async {
        loop {
            match ws.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    })
    .await;
    assert!(closed.is_ok(), "the tunnel stayed open");
}

async fn status(g: &Gateway, cookie: &str) -> u16 {
    g.browser(&["stub"])
        .get(format!("{}/echo", g.origin("stub")))
        .header("cookie", cookie)
        .header("accept", "application/json")
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn logout_ends_the_app_session_and_its_websocket() {
    let stub = Stub::start().await;
    let g = Gateway::start(&[("stub", stub.upstream())]).await;
    let member = g.member_for("carol", "stub").await;
    let cookie = app_cookie(&g, &member.token, "stub").await;
    assert_eq!(status(&g, &cookie).await, 200);
    let mut ws = open_websocket(&g, &cookie).await;
    ws.write_all(b"ping").await.unwrap();
    let mut back = [0u8; 4];
    ws.read_exact(&mut back).await.unwrap();

    let res =
        g.t.call(Method::POST, "/api/auth/logout")
            .bearer(&member.token)
            .send()
            .await;
    assert!(res.status.is_success(), "{}", res.text());
    let started = tokio::time::Instant::now();
    closes_within(&mut ws).await;
    assert_eq!(status(&g, &cookie).await, 401);
    assert!(started.elapsed() <= WITHIN);
}

#[tokio::test]
async fn losing_the_grant_ends_the_app_session_and_its_websocket() {
    let stub = Stub::start().await;
    let g = Gateway::start(&[("stub", stub.upstream())]).await;
    let member = g.member_for("dave", "stub").await;
    let cookie = app_cookie(&g, &member.token, "stub").await;
    let mut ws = open_websocket(&g, &cookie).await;

    let admin = g.t.admin_token.clone().unwrap();
    let role = role_id(&g.t, &admin, "dave-role").await;
    let res =
        g.t.admin(
            Method::PUT,
            &format!("/api/roles/{role}/apps"),
            Some(json!({"grants": [{"app_name": "stub", "permission": "apps.view"}]})),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    closes_within(&mut ws).await;
    assert_eq!(status(&g, &cookie).await, 403);
    let res = g.launch(&member.token, "stub", None).await;
    assert_eq!(res.status, 403);
}

#[tokio::test]
async fn deactivation_and_session_revocation_end_app_sessions() {
    let stub = Stub::start().await;
    let g = Gateway::start(&[("stub", stub.upstream())]).await;
    let erin = g.member_for("erin", "stub").await;
    let cookie = app_cookie(&g, &erin.token, "stub").await;
    let res =
        g.t.admin(
            Method::PATCH,
            &format!("/api/users/{}", erin.id),
            Some(json!({"is_active": false})),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(status(&g, &cookie).await, 401);

    let frank = g.member_for("frank", "stub").await;
    let cookie = app_cookie(&g, &frank.token, "stub").await;
    assert_eq!(status(&g, &cookie).await, 200);
    // Frank signs out everywhere else from a second session: the app session of the first dies.
    let sessions = g.t.get_as("/api/auth/sessions", &frank.token).send().await;
    let id = sessions.json()[0]["id"].as_str().unwrap().to_owned();
    let other = crate::identity_support::session_for(&g.t, frank.id).await;
    let res =
        g.t.call(Method::DELETE, &format!("/api/auth/sessions/{id}"))
            .bearer(&other)
            .send()
            .await;
    assert!(res.status.is_success(), "{}", res.text());
    assert_eq!(status(&g, &cookie).await, 401);
    // The app origin's own sign-out.
    let grace = g.member_for("grace", "stub").await;
    let cookie = app_cookie(&g, &grace.token, "stub").await;
    let r = g
        .browser(&["stub"])
        .get(format!("{}/_kubarr/sign-out", g.origin("stub")))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .contains("Max-Age=0"));
    assert_eq!(status(&g, &cookie).await, 401);
}

#[tokio::test]
async fn turning_an_app_off_or_back_to_sign_in_ends_open_websockets() {
    let stub = Stub::start().await;
    let g = Gateway::start(&[("stub", stub.upstream())]).await;
    let member = g.member_for("erin", "stub").await;
    let cookie = app_cookie(&g, &member.token, "stub").await;
    let set = |mode: &'static str| {
        g.t.admin(
            Method::PUT,
            "/api/apps/stub/access",
            Some(json!({"mode": mode})),
        )
    };

    // Gated traffic ends when the app is turned off.
    let mut ws = open_websocket(&g, &cookie).await;
    assert_eq!(set("off").await.status, 200);
    let started = tokio::time::Instant::now();
    closes_within(&mut ws).await;
    assert!(started.elapsed() <= WITHIN);

    // Traffic let in by native mode (no Kubarr sign-in) ends when the app needs it again.
    assert_eq!(set("native").await.status, 200);
    let mut ws = open_websocket(&g, "").await;
    ws.write_all(b"ping").await.unwrap();
    let mut back = [0u8; 4];
    ws.read_exact(&mut back).await.unwrap();
    assert_eq!(set("gated").await.status, 200);
    let started = tokio::time::Instant::now();
    closes_within(&mut ws).await;
    assert!(started.elapsed() <= WITHIN);
}
