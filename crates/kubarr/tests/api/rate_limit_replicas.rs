//! Two replicas on one database: two app states and routers, each with its own process memory and
//! connection pool. The login limits must hold however the attempts are spread over them.

use std::sync::Arc;
use std::time::Duration;

use axum::http::Method;
use serde_json::json;

use crate::helpers::{TestApp, TestResponse};
use crate::identity_support::*;

/// Another replica of `a`: same configuration and database, nothing else shared.
async fn second_replica(a: &TestApp) -> TestApp {
    let b = a.second_replica().await;
    assert!(!Arc::ptr_eq(&b.state.auth, &a.state.auth));
    b
}

async fn replicas() -> (TestApp, TestApp) {
    let a = app_behind_proxy().await;
    let b = second_replica(&a).await;
    (a, b)
}

async fn cleanup(a: TestApp, b: TestApp) {
    b.state.db.clone().close().await.unwrap();
    a.cleanup().await;
}

async fn login_from(app: &TestApp, ip: &str, username: &str, password: &str) -> TestResponse {
    app.call(Method::POST, "/api/auth/login")
        .sent_from(ip)
        .json(json!({"username": username, "password": password}))
        .send()
        .await
}

#[tokio::test]
async fn the_ip_limit_holds_when_attempts_alternate_between_replicas() {
    let (a, b) = replicas().await;
    setup_admin(&a).await;
    let ip = "203.0.113.20";
    // Ten failures, five on each replica; distinct names so no account delay kicks in.
    for i in 0..10 {
        let replica = if i % 2 == 0 { &a } else { &b };
        let res = login_from(replica, ip, &format!("nobody{i}"), "wrong-password").await;
        assert_eq!(res.status, 401, "attempt {i}: {}", res.text());
    }
    // The 11th within the minute is refused on either replica, even with the right password.
    for replica in [&a, &b] {
        let res = login_from(replica, ip, "admin", ADMIN_PASSWORD).await;
        assert_eq!(res.status, 429, "{}", res.text());
        assert_eq!(res.error_code(), "rate_limited");
        let retry: u64 = res.header("retry-after").unwrap().parse().unwrap();
        assert!((1..=60).contains(&retry), "{retry}");
    }
    // The real user, elsewhere, still gets in.
    let res = login_from(&b, "198.51.100.20", "admin", ADMIN_PASSWORD).await;
    assert_eq!(res.status, 200, "{}", res.text());
    cleanup(a, b).await;
}

#[tokio::test]
async fn the_account_delay_follows_the_address_across_replicas_and_a_success_clears_it() {
    let (a, b) = replicas().await;
    setup_admin(&a).await;
    let ip = "203.0.113.21";
    for i in 0..3 {
        let res = login_from(&a, ip, "admin", "wrong-password").await;
        assert_eq!(res.status, 401, "failure {i} on A");
    }
    // B, which saw none of them, makes the address wait.
    let res = login_from(&b, ip, "admin", ADMIN_PASSWORD).await;
    assert_eq!(res.status, 429, "{}", res.text());
    assert_eq!(res.error_code(), "rate_limited");
    assert_eq!(res.header("retry-after"), Some("1"));
    // Another address is not held back.
    let res = login_from(&b, "198.51.100.21", "admin", ADMIN_PASSWORD).await;
    assert_eq!(res.status, 200, "{}", res.text());
    // Once the delay is over, a success on B clears the count for A too.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let res = login_from(&b, ip, "admin", ADMIN_PASSWORD).await;
    assert_eq!(res.status, 200, "{}", res.text());
    // Three free failures again: without the reset the second would already wait 2 s.
    for i in 0..3 {
        let res = login_from(&a, ip, "admin", "wrong-password").await;
        assert_eq!(
            res.status,
            401,
            "failure {i} after the success: {}",
            res.text()
        );
    }
    let res = login_from(&b, ip, "admin", ADMIN_PASSWORD).await;
    assert_eq!(
        res.status, 429,
        "the delay starts again after three failures"
    );
    cleanup(a, b).await;
}
