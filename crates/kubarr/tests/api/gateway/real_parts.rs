//! The download clients users open most, for real (Debian's daemons on 127.0.0.1), through the
//! gateway as a browser would: qBittorrent's login with its CSRF and Host-header checks,
//! Transmission's session-id handshake with credentials the gateway presents, Deluge's
//! JSON-RPC.

use axum::http::Method;
use kubarr_testbed::parts::deluge::Deluge;
use kubarr_testbed::parts::qbittorrent::{Qbittorrent, QbittorrentConfig};
use kubarr_testbed::parts::transmission::Transmission;
use serde_json::{json, Value};

use super::{assert_only_loopback_dialled, Gateway};

#[tokio::test]
async fn qbittorrent_signs_in_and_answers_through_the_gateway() {
    let mut config = QbittorrentConfig::with_password("gateway test pass 41");
    // As behind any reverse proxy: qBittorrent then checks Origin against X-Forwarded-Host.
    config.extra_preferences = vec![
        "WebUI\\ReverseProxySupportEnabled=true".into(),
        "WebUI\\TrustedReverseProxiesList=127.0.0.1".into(),
    ];
    let qbt = Qbittorrent::start_with(config).await.unwrap();
    let g = Gateway::start(&[("qbittorrent", format!("127.0.0.1:{}", qbt.port()))]).await;
    let member = g.member_for("hana", "qbittorrent").await;
    let browser = g.browser(&["qbittorrent"]);
    g.open(&browser, &member.token, "qbittorrent").await;
    let origin = g.origin("qbittorrent");

    // Its web UI loads.
    let page = browser.get(format!("{origin}/")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("qBittorrent"),
        "{}",
        &html[..html.len().min(300)]
    );
    // Its own login, with the Origin a browser sends.
    let login = browser
        .post(format!("{origin}/api/v2/auth/login"))
        .header("origin", &origin)
        .header("referer", format!("{origin}/"))
        .form(&[("username", qbt.username()), ("password", qbt.password())])
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 200);
    assert_eq!(login.text().await.unwrap(), "Ok.");
    let version = browser
        .get(format!("{origin}/api/v2/app/version"))
        .header("referer", format!("{origin}/"))
        .send()
        .await
        .unwrap();
    assert_eq!(version.status(), 200);
    assert!(version.text().await.unwrap().starts_with('v'));
    // A write from a foreign origin is still refused by qBittorrent's own CSRF check.
    let forged = browser
        .post(format!("{origin}/api/v2/app/setPreferences"))
        .header("origin", "http://evil.example")
        .form(&[("json", "{}")])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 401);
    assert_only_loopback_dialled(&g);
}

#[tokio::test]
async fn transmission_rpc_passes_the_session_id_handshake_with_gateway_credentials() {
    let tr = Transmission::start().await.unwrap();
    let g = Gateway::start(&[("transmission", format!("127.0.0.1:{}", tr.port()))]).await;
    let res =
        g.t.admin(
            Method::PUT,
            "/api/apps/transmission/gateway-credentials",
            Some(json!({"username": tr.username(), "password": tr.password()})),
        )
        .await;
    assert_eq!(res.status, 204, "{}", res.text());
    let overview = g.t.admin(Method::GET, "/api/gateway", None).await;
    assert_eq!(overview.json()["apps"][0]["credentials_set"], true);
    assert!(!overview.text().contains(tr.password()));
    let member = g.member_for("ivan", "transmission").await;
    let browser = g.browser(&["transmission"]);
    g.open(&browser, &member.token, "transmission").await;
    let rpc = format!("{}/transmission/rpc", g.origin("transmission"));
    let body =
        json!({"method": "session-get", "arguments": {"fields": ["version", "dht-enabled"]}});

    // The first call is refused with the session id to use; the second one carries it.
    let first = browser.post(&rpc).json(&body).send().await.unwrap();
    assert_eq!(first.status(), 409);
    let session_id = first.headers()["x-transmission-session-id"]
        .to_str()
        .unwrap()
        .to_owned();
    let second = browser
        .post(&rpc)
        .header("x-transmission-session-id", &session_id)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(second.status(), 200);
    let answer: Value = second.json().await.unwrap();
    assert_eq!(answer["result"], "success");
    assert_eq!(answer["arguments"]["dht-enabled"], false);

    // Without the gateway's credentials Transmission refuses: a user's own Authorization never
    // passes, and the password is needed.
    let res =
        g.t.admin(
            Method::DELETE,
            "/api/apps/transmission/gateway-credentials",
            None,
        )
        .await;
    assert_eq!(res.status, 204);
    let refused = browser
        .post(&rpc)
        .header("x-transmission-session-id", &session_id)
        .basic_auth(tr.username(), Some(tr.password()))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401);
}

#[tokio::test]
async fn deluge_json_rpc_works_through_the_gateway() {
    let deluge = Deluge::start().await.unwrap();
    let g = Gateway::start(&[("deluge", format!("127.0.0.1:{}", deluge.web_port()))]).await;
    let admin = g.t.admin_token.clone().unwrap();
    let browser = g.browser(&["deluge"]);
    g.open(&browser, &admin, "deluge").await;
    let json_url = format!("{}/json", g.origin("deluge"));
    let call = |method: &'static str, params: Value, id: u32| {
        browser
            .post(&json_url)
            .json(&json!({"method": method, "params": params, "id": id}))
            .send()
    };
    let login: Value = call("auth.login", json!([deluge.web_password()]), 1)
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(login["result"], true, "{login}");
    let hosts: Value = call("web.get_hosts", json!([]), 2)
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        hosts["result"].as_array().is_some_and(|h| !h.is_empty()),
        "{hosts}"
    );
    let checked: Value = call("auth.check_session", json!([]), 3)
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(checked["result"], true);
    assert_only_loopback_dialled(&g);
}
