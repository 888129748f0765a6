//! Login timing, alone in its own test binary: test binaries run one after another, so no other
//! test's password hashing competes for the CPU while this one measures.
#![allow(
    dead_code,
    reason = "shares the API suite's helpers and uses only a few of them"
)]

#[path = "api/helpers.rs"]
mod helpers;
#[path = "api/identity_support.rs"]
mod identity_support;

use std::time::{Duration, Instant};

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

/// An unknown user takes about as long as a wrong password for a known one (a bcrypt
/// verification either way). Measured with a real cost so hashing dominates.
#[tokio::test]
async fn login_timing_does_not_reveal_whether_a_user_exists() {
    let app = TestApp::with_config(|c| {
        c.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
        c.auth.bcrypt_cost = 8;
    })
    .await;
    setup_admin(&app).await;
    // Warm up (the dummy hash is made on first use).
    login_from(&app, "10.4.0.1", "nobody", "wrong-password").await;
    let mut known = Vec::new();
    let mut unknown = Vec::new();
    for i in 0..9 {
        for (name, out) in [("admin", &mut known), ("nobody-here", &mut unknown)] {
            let ip = format!("10.4.{}.{}", if name == "admin" { 1 } else { 2 }, i);
            let start = Instant::now();
            let res = login_from(&app, &ip, name, "wrong-password").await;
            out.push(start.elapsed());
            assert_eq!(res.status, 401);
        }
    }
    // The fastest of several interleaved tries: other tests running in parallel only ever add
    // time, so the minimum shows the work each path really does.
    let fastest = |v: &Vec<Duration>| *v.iter().min().expect("samples");
    let (k, u) = (fastest(&known), fastest(&unknown));
    let ratio = u.as_secs_f64() / k.as_secs_f64();
    eprintln!("login timing: known {k:?}, unknown {u:?}, ratio {ratio:.2}");
    assert!(
        k > Duration::from_millis(2),
        "bcrypt should dominate: {k:?}"
    );
    assert!((0.5..2.0).contains(&ratio), "known {k:?} vs unknown {u:?}");
    app.cleanup().await;
}
