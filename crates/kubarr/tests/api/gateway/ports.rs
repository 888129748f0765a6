//! Port mode (no apps domain): each app gets a port of `gateway.port_range` for good, so the
//! origins differ by port; the cookie of one app is no key to another on the same host.

use std::net::SocketAddr;
use std::time::Duration;

use axum::http::Method;
use serde_json::json;
use tokio::net::TcpListener;

use super::stub::Stub;
use super::{install, set_public_url};
use crate::helpers::TestApp;
use crate::identity_support::Api;

/// Two consecutive free ports on 127.0.0.1, held (so nothing else can take them).
async fn two_ports() -> (TcpListener, TcpListener, u16) {
    let mut base = 20_000 + (std::process::id() % 10_000) as u16 * 2;
    for _ in 0..200 {
        if let (Ok(a), Ok(b)) = (
            TcpListener::bind(("127.0.0.1", base)).await,
            TcpListener::bind(("127.0.0.1", base + 1)).await,
        ) {
            return (a, b, base);
        }
        base = 20_000 + (base - 20_000 + 2) % 20_000;
    }
    panic!("no two consecutive free ports");
}

#[tokio::test]
async fn apps_get_a_port_each_and_keep_it() {
    let stub = Stub::start().await;
    let (a, b, base) = two_ports().await;
    let upstream = stub.upstream();
    let t = TestApp::builder()
        .charts(&[("sonarr", "stub"), ("radarr", "stub2")])
        .fake_cluster()
        .admin()
        .config(move |c| {
            c.gateway.listen = Some(SocketAddr::from(([127, 0, 0, 1], 0)));
            c.gateway.port_range = Some(base..=base + 1);
            c.gateway.upstreams = [
                ("stub".to_owned(), upstream.clone()),
                ("stub2".to_owned(), upstream),
            ]
            .into_iter()
            .collect();
            c.gateway.loopback_only = true;
        })
        .build()
        .await;
    set_public_url(&t, "http://kubarr.test").await;
    install(&t, "stub").await;
    install(&t, "stub2").await;
    let listeners = vec![
        kubarr::gateway::serve::GatewayListener {
            listener: a,
            port_mode_port: Some(base),
        },
        kubarr::gateway::serve::GatewayListener {
            listener: b,
            port_mode_port: Some(base + 1),
        },
    ];
    tokio::spawn(kubarr::gateway::serve::run(
        t.state.clone(),
        listeners,
        std::future::pending(),
    ));
    let admin = t.admin_token.clone().unwrap();
    let launch = |app: &'static str| {
        t.call(Method::POST, &format!("/api/apps/{app}/launch"))
            .bearer(&admin)
            .json(json!({}))
            .send()
    };
    let url1 = launch("stub").await.json()["url"]
        .as_str()
        .unwrap()
        .to_owned();
    let url2 = launch("stub2").await.json()["url"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        url1.starts_with(&format!("http://kubarr.test:{base}/_kubarr/auth?")),
        "{url1}"
    );
    assert!(
        url2.starts_with(&format!("http://kubarr.test:{}/_kubarr/auth?", base + 1)),
        "{url2}"
    );
    // The same port again on the next launch.
    let again = launch("stub").await.json()["url"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(again.starts_with(&format!("http://kubarr.test:{base}/")));

    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .resolve("kubarr.test", SocketAddr::from(([127, 0, 0, 1], base)))
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let r = browser.get(&url1).send().await.unwrap();
    assert_eq!(r.status(), 302);
    let cookie = r.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    assert!(cookie.starts_with("kubarr_app_stub="), "{cookie}");
    let ok = browser
        .get(format!("http://kubarr.test:{base}/echo"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    // Browsers send it to every port of the host: stub2's port does not accept it.
    let other = browser
        .get(format!("http://kubarr.test:{}/echo", base + 1))
        .header("cookie", &cookie)
        .header("accept", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), 401);
    // The settings page shows port mode and the range.
    let overview = t.admin(Method::GET, "/api/gateway", None).await;
    assert_eq!(overview.json()["mode"], "port");
    assert_eq!(
        overview.json()["port_range"],
        format!("{base}-{}", base + 1)
    );
}
