//! The app gateway, end to end on loopback: Kubarr's router in-process for the API, the real
//! gateway listener on 127.0.0.1, and upstreams that are either the Debian download clients
//! (`real_parts`) or an in-process stub (`stub`). Apps are installed on the orchestrator's
//! fakes; the gateway reaches them through `gateway.upstreams`, and `gateway.loopback_only`
//! makes any other address undiallable.

mod credentials;
mod flow;
mod ingress;
mod ports;
mod real_parts;
mod revocation;
pub mod stub;
mod traffic;

use std::net::SocketAddr;
use std::time::Duration;

use axum::http::Method;
use serde_json::{json, Value};
use tokio::net::TcpListener;

use crate::helpers::TestApp;
use crate::identity_support::{create_user, Api, Principal};

/// The apps domain of the tests (never resolved: the client maps it to the gateway).
pub const DOMAIN: &str = "apps.test";

/// A Kubarr with the gateway listening on 127.0.0.1, apps installed on fakes.
pub struct Gateway {
    pub t: TestApp,
    pub address: SocketAddr,
    _serving: tokio::task::JoinHandle<()>,
}

impl Gateway {
    /// Host mode for `apps` (`(app, upstream host:port)`), each installed; the dashboard's
    /// public URL is `http://kubarr.test`.
    pub async fn start(apps: &[(&str, String)]) -> Self {
        Self::start_with(apps, |_| {}).await
    }

    pub async fn start_with(
        apps: &[(&str, String)],
        adjust: impl FnOnce(&mut kubarr::config::Config) + 'static,
    ) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let charts: Vec<(String, String)> = apps
            .iter()
            .map(|(a, _)| (chart_of(a).to_owned(), (*a).to_owned()))
            .collect();
        let upstreams: Vec<(String, String)> = apps
            .iter()
            .map(|(a, u)| ((*a).to_owned(), u.clone()))
            .collect();
        let chart_refs: Vec<(&str, &str)> = charts
            .iter()
            .map(|(c, a)| (c.as_str(), a.as_str()))
            .collect();
        let t = TestApp::builder()
            .charts(&chart_refs)
            .fake_cluster()
            .admin()
            .config(move |c| {
                c.gateway.listen = Some(address);
                c.gateway.apps_domain = Some(DOMAIN.into());
                c.gateway.upstreams = upstreams.into_iter().collect();
                c.gateway.loopback_only = true;
                adjust(c);
            })
            .build()
            .await;
        set_public_url(&t, "http://kubarr.test").await;
        for (app, _) in apps {
            install(&t, app).await;
        }
        let listeners = vec![kubarr::gateway::serve::GatewayListener {
            listener,
            port_mode_port: None,
        }];
        let serving = tokio::spawn(kubarr::gateway::serve::run(
            t.state.clone(),
            listeners,
            std::future::pending(),
        ));
        Self {
            t,
            address,
            _serving: serving,
        }
    }

    /// The origin of `app` as a browser sees it.
    pub fn origin(&self, app: &str) -> String {
        format!("http://{app}.{DOMAIN}:{}", self.address.port())
    }

    /// A browser-like client: `*.apps.test` resolves to the gateway, no redirect is followed,
    /// cookies are kept.
    pub fn browser(&self, apps: &[&str]) -> reqwest::Client {
        let mut b = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .cookie_store(true)
            .no_proxy()
            .timeout(Duration::from_secs(60));
        for app in apps {
            b = b.resolve(&format!("{app}.{DOMAIN}"), self.address);
        }
        b.build().unwrap()
    }

    /// `POST /api/apps/{app}/launch` as `token` (Bearer), with an optional `next`.
    pub async fn launch(
        &self,
        token: &str,
        app: &str,
        next: Option<&str>,
    ) -> crate::helpers::TestResponse {
        let body = match next {
            Some(n) => json!({"next": n}),
            None => json!({}),
        };
        self.t
            .call(Method::POST, &format!("/api/apps/{app}/launch"))
            .bearer(token)
            .json(body)
            .send()
            .await
    }

    /// Launches `app` as `token` and redeems the ticket in `browser`: afterwards the browser
    /// holds the app cookie.
    pub async fn open(&self, browser: &reqwest::Client, token: &str, app: &str) {
        let res = self.launch(token, app, Some("/")).await;
        assert_eq!(res.status, 200, "{}", res.text());
        let url = res.json()["url"].as_str().unwrap().to_owned();
        let r = browser.get(&url).send().await.unwrap();
        assert_eq!(r.status(), 302, "redeeming {url}");
    }

    /// A user holding `apps.open` (and `apps.view`) for `app` only, through a custom role.
    pub async fn member_for(&self, username: &str, app: &str) -> Principal {
        let admin = self.t.admin_token.clone().unwrap();
        let role = format!("{username}-role");
        let res = self
            .t
            .admin(
                Method::POST,
                "/api/roles",
                Some(json!({"name": role, "permissions": [], "app_grants": [
                    {"app_name": app, "permission": "apps.view"},
                    {"app_name": app, "permission": "apps.open"}]})),
            )
            .await;
        assert_eq!(res.status, 201, "{}", res.text());
        create_user(&self.t, &admin, username, &[&role]).await
    }
}

/// Which catalog chart an app of the tests is an instance of.
fn chart_of(app: &str) -> &str {
    match app {
        // Charts that ask for no credentials: the stub stands in for an app with its own login.
        "stub" | "stub2" => "jellyfin",
        // A Basic-auth app (Kubarr generates its account) and one that trusts the gateway.
        "basicstub" => "transmission",
        "externalstub" => "sonarr",
        other => other,
    }
}

async fn set_public_url(t: &TestApp, url: &str) {
    let res = t
        .admin(
            Method::PUT,
            "/api/settings/public_url",
            Some(json!({"value": url})),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
}

pub async fn install(t: &TestApp, app: &str) {
    let res = t
        .admin(
            Method::POST,
            "/api/apps/install",
            Some(json!({"app_name": app})),
        )
        .await;
    assert_eq!(res.status, 202, "{}", res.text());
    t.wait_state(app, "installed", Duration::from_secs(30))
        .await;
}

/// Every address the gateway dialled is on loopback.
pub fn assert_only_loopback_dialled(g: &Gateway) {
    let dialled = g.t.state.gateway.dialled();
    assert!(
        dialled.iter().all(|a| a.ip().is_loopback()),
        "the gateway dialled {dialled:?}"
    );
}

/// The ticket in a launch URL.
pub fn ticket_in(url: &str) -> &str {
    let query = url.split_once("ticket=").expect("a ticket in the URL").1;
    query.split('&').next().unwrap()
}

pub fn json_of(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|_| panic!("not JSON: {text}"))
}

/// Polls `probe` until it answers `Some` (the access table is cached for seconds, so a change
/// made by a background job shows within that bound), or fails after 15 s.
pub async fn wait_for<T, F, Fut>(mut probe: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    loop {
        if let Some(v) = probe().await {
            return v;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "condition not met within 15 s"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
