//! Credentials Kubarr generates for an app reach it through the gateway, never through a user:
//! a Basic-auth app gets the account from its credentials Secret on every request (until an
//! administrator sets others), and an app that trusts the gateway's sign-in cannot be opened
//! with "its own login" (it has none).

use axum::http::Method;
use base64::Engine;
use serde_json::{json, Value};

use super::stub::Stub;
use super::{assert_only_loopback_dialled, Gateway};

async fn echoed_authorization(g: &Gateway, browser: &reqwest::Client, app: &str) -> Vec<String> {
    let echo: Value = browser
        .get(format!("{}/echo", g.origin(app)))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    echo["headers"]["authorization"]
        .as_array()
        .map(|a| a.iter().map(|v| v.as_str().unwrap().to_owned()).collect())
        .unwrap_or_default()
}

#[tokio::test]
async fn a_basic_auth_app_is_signed_in_with_the_account_kubarr_generated() {
    let stub = Stub::start().await;
    let g = Gateway::start(&[("basicstub", stub.upstream())]).await;
    let secret =
        g.t.fake()
            .credentials_secret("basicstub")
            .expect("the credentials Secret is written before the deploy");
    // The account, and the password in the form Transmission's seeded settings.json stores it.
    assert_eq!(
        secret.keys().map(String::as_str).collect::<Vec<_>>(),
        ["password", "password-ssha1", "username"]
    );
    let expected = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD
            .encode(format!("{}:{}", secret["username"], secret["password"]))
    );

    let overview = g.t.admin(Method::GET, "/api/gateway", None).await;
    assert_eq!(overview.json()["apps"][0]["credentials_set"], true);
    assert!(!overview.text().contains(&secret["password"]));

    let member = g.member_for("gina", "basicstub").await;
    let browser = g.browser(&["basicstub"]);
    g.open(&browser, &member.token, "basicstub").await;
    assert_eq!(
        echoed_authorization(&g, &browser, "basicstub").await,
        std::slice::from_ref(&expected)
    );

    // An administrator's own credentials win; clearing them leaves none until the next deploy,
    // which offers the generated account again.
    let res =
        g.t.admin(
            Method::PUT,
            "/api/apps/basicstub/gateway-credentials",
            Some(json!({"username": "own", "password": "choice"})),
        )
        .await;
    assert_eq!(res.status, 204, "{}", res.text());
    let own = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode("own:choice")
    );
    let seen = super::wait_for(|| async {
        let got = echoed_authorization(&g, &browser, "basicstub").await;
        (got == [own.clone()]).then_some(got)
    })
    .await;
    assert_eq!(seen, [own]);
    let res =
        g.t.admin(
            Method::DELETE,
            "/api/apps/basicstub/gateway-credentials",
            None,
        )
        .await;
    assert_eq!(res.status, 204);
    let res =
        g.t.admin(Method::POST, "/api/apps/basicstub/upgrade", Some(json!({})))
            .await;
    assert_eq!(res.status, 202, "{}", res.text());
    g.t.wait_state("basicstub", "installed", std::time::Duration::from_secs(20))
        .await;
    let seen = super::wait_for(|| async {
        let got = echoed_authorization(&g, &browser, "basicstub").await;
        (got == [expected.clone()]).then_some(got)
    })
    .await;
    assert_eq!(seen, [expected]);
    // The same account as before: an upgrade never changes what the app was set up with.
    assert_eq!(
        g.t.fake().credentials_secret("basicstub").unwrap()["password"],
        secret["password"]
    );
    assert_only_loopback_dialled(&g);
}

#[tokio::test]
async fn an_app_that_trusts_the_gateway_cannot_be_served_with_its_own_login() {
    let stub = Stub::start().await;
    let g = Gateway::start(&[("externalstub", stub.upstream())]).await;
    let res =
        g.t.admin(
            Method::PUT,
            "/api/apps/externalstub/access",
            Some(json!({"mode": "native"})),
        )
        .await;
    assert_eq!(res.status, 422, "{}", res.text());
    assert_eq!(res.error_code(), "app_needs_gateway_sign_in");
    assert_eq!(res.json()["error"]["field"], "mode");
    let overview = g.t.admin(Method::GET, "/api/gateway", None).await;
    assert_eq!(overview.json()["apps"][0]["access_mode"], "gated");
    // Off stays possible.
    let res =
        g.t.admin(
            Method::PUT,
            "/api/apps/externalstub/access",
            Some(json!({"mode": "off"})),
        )
        .await;
    assert_eq!(res.status, 200);
    // It never gets gateway credentials: it reads its API key from the Secret itself.
    let overview = g.t.admin(Method::GET, "/api/gateway", None).await;
    assert_eq!(overview.json()["apps"][0]["credentials_set"], false);
    let secret = g.t.fake().credentials_secret("externalstub").unwrap();
    assert_eq!(
        secret.keys().map(String::as_str).collect::<Vec<_>>(),
        ["api-key"]
    );
}

/// The account Kubarr generates for qBittorrent works in the real qBittorrent: its profile is
/// seeded with exactly the Secret's values (what the chart's seed step writes before the first
/// start), and the Secret's password signs in.
#[tokio::test]
async fn qbittorrent_accepts_the_account_kubarr_generated() {
    let stub = Stub::start().await;
    let g = Gateway::start(&[("qbittorrent", stub.upstream())]).await;
    let secret = g.t.fake().credentials_secret("qbittorrent").unwrap();
    let qbt = kubarr_testbed::parts::qbittorrent::Qbittorrent::start_with(
        kubarr_testbed::parts::qbittorrent::QbittorrentConfig {
            username: secret["username"].clone(),
            password: Some(secret["password"].clone()),
            password_pbkdf2: Some(secret["password-pbkdf2"].clone()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    qbt.login()
        .await
        .expect("qBittorrent accepts Kubarr's password hash");
}
