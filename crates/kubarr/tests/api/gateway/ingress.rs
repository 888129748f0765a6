//! Ingress mode: `GET /api/auth/forward` asked the way Traefik's ForwardAuth and ingress-nginx's
//! `auth-url` ask (the fast tier, on the orchestrator's fakes), the `gateway.ingress.*` keys,
//! and — cluster tier — the objects the catalog charts render for each controller, accepted by
//! the test bed's API server (with the Middleware CRD of `testbed/fixtures`).

use std::net::SocketAddr;
use std::time::Duration;

use axum::http::Method;
use kubarr::config::{IngressConfig, IngressController, Sources};

use super::{install, set_public_url, ticket_in, DOMAIN};
use crate::helpers::{TestApp, TestResponse};
use crate::identity_support::{create_user, Api};

const AUTH_URL: &str = "http://kubarr.kubarr.svc.cluster.local:8080/api/auth/forward";
const GATEWAY_SERVICE: &str = "kubarr-gateway.kubarr.svc.cluster.local";

fn ingress(controller: IngressController) -> IngressConfig {
    IngressConfig {
        controller,
        class_name: None,
        tls_secret: None,
        auth_url: AUTH_URL.into(),
        gateway_service: Some((GATEWAY_SERVICE.into(), 8081)),
        controller_namespace: None,
    }
}

/// Host mode with Ingress mode on `controller`, `app` installed on the fakes, the public URL
/// `http://kubarr.test`. (Only the API is served: the forward endpoint needs no listener.)
async fn start(app: &str, controller: IngressController) -> TestApp {
    start_apps(&[app], Some(controller)).await
}

/// [`start`] for several apps, and with Ingress mode possibly unconfigured.
async fn start_apps(apps: &[&str], controller: Option<IngressController>) -> TestApp {
    let charts: Vec<(&str, &str)> = apps.iter().map(|a| ("sonarr", *a)).collect();
    let t = TestApp::builder()
        .charts(&charts)
        .fake_cluster()
        .admin()
        .config(move |c| {
            c.gateway.listen = Some(SocketAddr::from(([127, 0, 0, 1], 0)));
            c.gateway.apps_domain = Some(DOMAIN.into());
            c.gateway.loopback_only = true;
            c.gateway.ingress = controller.map(ingress);
        })
        .build()
        .await;
    set_public_url(&t, "http://kubarr.test").await;
    for app in apps {
        install(&t, app).await;
    }
    t
}

/// A forward-auth request the way Traefik sends it (`trustForwardHeader: false`: Traefik's own
/// X-Forwarded-*, plus the request's headers).
async fn traefik(
    t: &TestApp,
    app: &str,
    method: &str,
    uri: &str,
    accept: &str,
    cookie: Option<&str>,
) -> TestResponse {
    let mut c = t
        .call(Method::GET, "/api/auth/forward")
        .header("x-forwarded-method", method)
        .header("x-forwarded-proto", "https")
        .header("x-forwarded-host", &format!("{app}.{DOMAIN}"))
        .header("x-forwarded-uri", uri)
        .header("x-forwarded-for", "203.0.113.7")
        .header("accept", accept);
    if let Some(cookie) = cookie {
        c = c.header("cookie", cookie);
    }
    c.send().await
}

/// A forward-auth subrequest the way ingress-nginx sends it.
async fn nginx(t: &TestApp, url: &str, cookie: Option<&str>) -> TestResponse {
    let mut c = t
        .call(Method::GET, "/api/auth/forward")
        .header("x-original-url", url)
        .header("x-original-method", "GET")
        .header("x-sent-from", "nginx-ingress-controller")
        .header("x-auth-request-redirect", "/calendar")
        .header("accept", "text/html");
    if let Some(cookie) = cookie {
        c = c.header("cookie", cookie);
    }
    c.send().await
}

/// `name=value` of a `Set-Cookie`.
fn cookie_pair(set_cookie: &str) -> String {
    set_cookie.split(';').next().unwrap().to_owned()
}

const PAGE: &str = "text/html,application/xhtml+xml";

#[tokio::test]
async fn traefik_shaped_requests_sign_in_redeem_and_pass() {
    let app = "ingtraefik";
    let t = start(app, IngressController::Traefik).await;
    let admin = t.admin_token.clone().unwrap();

    // Signed out: a page load goes to the sign-in with the app and a relative next; scripts 401.
    let r = traefik(&t, app, "GET", "/calendar?week=2", PAGE, None).await;
    assert_eq!(r.status, 302, "{}", r.text());
    assert_eq!(
        r.header("location").unwrap(),
        "http://kubarr.test/login?app=ingtraefik&next=%2Fcalendar%3Fweek%3D2"
    );
    let r = traefik(&t, app, "GET", "/api/v3/series", "application/json", None).await;
    assert_eq!(r.status, 401);
    assert_eq!(r.error_code(), "unauthenticated");
    let r = traefik(&t, app, "POST", "/calendar", PAGE, None).await;
    assert_eq!(r.status, 401, "only GET/HEAD page loads are redirected");
    // A next that would leave the app's origin falls back to /.
    let r = traefik(&t, app, "GET", "//evil.example/", PAGE, None).await;
    assert_eq!(r.status, 302);
    assert!(
        r.header("location").unwrap().ends_with("next=%2F"),
        "{:?}",
        r.header("location")
    );

    // Launch: the ticket is redeemed through forward-auth (Traefik hands the browser the 302
    // and its Set-Cookie as they are). Over https the cookie is __Host- and Secure.
    let res = t
        .call(Method::POST, &format!("/api/apps/{app}/launch"))
        .bearer(&admin)
        .json(serde_json::json!({"next": "/calendar"}))
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let url = res.json()["url"].as_str().unwrap().to_owned();
    assert!(
        url.starts_with(&format!("http://{app}.{DOMAIN}/_kubarr/auth?ticket=kbl_")),
        "Ingress mode's origins have no listener port: {url}"
    );
    let ticket = ticket_in(&url).to_owned();
    let uri = format!("/_kubarr/auth?ticket={ticket}&next=%2Fcalendar");
    let r = traefik(&t, app, "GET", &uri, PAGE, None).await;
    assert_eq!(r.status, 302, "{}", r.text());
    assert_eq!(r.header("location").unwrap(), "/calendar");
    let set_cookie = r.header("set-cookie").unwrap().to_owned();
    assert!(
        set_cookie.starts_with(&format!("__Host-kubarr_app_{app}=kba_")),
        "{set_cookie}"
    );
    for attr in ["HttpOnly", "Secure", "SameSite=Lax", "Path=/"] {
        assert!(set_cookie.contains(attr), "{set_cookie} lacks {attr}");
    }
    let cookie = cookie_pair(&set_cookie);

    // The ticket worked once.
    let again = traefik(&t, app, "GET", &uri, PAGE, None).await;
    assert_eq!(again.status, 403);
    assert!(again.header("set-cookie").is_none());

    // With the cookie: 200 and the user for the app.
    let r = traefik(&t, app, "GET", "/calendar", PAGE, Some(&cookie)).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.header("x-kubarr-user").unwrap(), crate::helpers::ADMIN.0);
    let r = traefik(&t, app, "POST", "/api/v3/command", "*/*", Some(&cookie)).await;
    assert_eq!(r.status, 200);
    // The cookie names its app only.
    let other = traefik(&t, "otherapp", "GET", "/", PAGE, Some(&cookie)).await;
    assert_ne!(other.status, 200);

    // Sign-out on the app origin, answered by forward-auth too: the cookie no longer works.
    let r = traefik(&t, app, "GET", "/_kubarr/sign-out", PAGE, Some(&cookie)).await;
    assert_eq!(r.status, 200);
    assert!(r.header("set-cookie").unwrap().contains("Max-Age=0"));
    let r = traefik(
        &t,
        app,
        "GET",
        "/calendar",
        "application/json",
        Some(&cookie),
    )
    .await;
    assert_eq!(r.status, 401);
    // Other /_kubarr/ paths are Kubarr's, never the app's.
    let r = traefik(&t, app, "GET", "/_kubarr/other", PAGE, Some(&cookie)).await;
    assert_eq!(r.status, 404);
}

#[tokio::test]
async fn traefik_refuses_users_without_the_grant() {
    let app = "ingnogrant";
    let t = start(app, IngressController::Traefik).await;
    let admin = t.admin_token.clone().unwrap();
    // A member granted the app redeems a ticket, then loses the grant: 403.
    let role = "ingress-openers";
    let res = t
        .admin(
            Method::POST,
            "/api/roles",
            Some(
                serde_json::json!({"name": role, "permissions": [], "app_grants": [
                {"app_name": app, "permission": "apps.view"},
                {"app_name": app, "permission": "apps.open"}]}),
            ),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let role_id = res.json()["id"].as_i64().unwrap();
    let member = create_user(&t, &admin, "ingrid", &[role]).await;
    let res = t
        .call(Method::POST, &format!("/api/apps/{app}/launch"))
        .bearer(&member.token)
        .json(serde_json::json!({}))
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let ticket = ticket_in(res.json()["url"].as_str().unwrap()).to_owned();
    let r = traefik(
        &t,
        app,
        "GET",
        &format!("/_kubarr/auth?ticket={ticket}"),
        PAGE,
        None,
    )
    .await;
    assert_eq!(r.status, 302);
    assert_eq!(r.header("location").unwrap(), "/");
    let cookie = cookie_pair(r.header("set-cookie").unwrap());
    let r = traefik(&t, app, "GET", "/", PAGE, Some(&cookie)).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("x-kubarr-user").unwrap(), "ingrid");

    let res = t
        .admin(
            Method::PUT,
            &format!("/api/roles/{role_id}/apps"),
            Some(serde_json::json!({"grants": [{"app_name": app, "permission": "apps.view"}]})),
        )
        .await;
    assert!(res.status.is_success(), "{}", res.text());
    let r = traefik(&t, app, "GET", "/", PAGE, Some(&cookie)).await;
    assert_eq!(r.status, 403, "{}", r.text());
    assert_eq!(r.error_code(), "forbidden");
    assert!(r.header("x-kubarr-user").is_none());
}

#[tokio::test]
async fn nginx_shaped_requests_answer_200_401_403() {
    let app = "ingnginx";
    let t = start(app, IngressController::Nginx).await;
    let admin = t.admin_token.clone().unwrap();
    let url = format!("https://{app}.{DOMAIN}/calendar?week=2");

    // Signed out: 401 even for a page load (nginx sends the browser to auth-signin itself).
    let r = nginx(&t, &url, None).await;
    assert_eq!(r.status, 401);
    assert!(r.header("location").is_none());
    assert_eq!(r.error_code(), "unauthenticated");

    // Redemption happens on the gateway listener (the /_kubarr/ Ingress); here, a cookie made
    // the same way: launch and redeem through the gateway's own code path.
    let res = t
        .call(Method::POST, &format!("/api/apps/{app}/launch"))
        .bearer(&admin)
        .json(serde_json::json!({}))
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let ticket = ticket_in(res.json()["url"].as_str().unwrap()).to_owned();
    // Asked about a /_kubarr/ path, forward-auth admits no one (nginx routes those elsewhere)
    // and does not redeem the ticket.
    let r = nginx(
        &t,
        &format!("https://{app}.{DOMAIN}/_kubarr/auth?ticket={ticket}"),
        None,
    )
    .await;
    assert_eq!(r.status, 401);
    assert!(r.header("set-cookie").is_none());
    let cookie = redeem_on_gateway(&t, app, &ticket).await;

    let r = nginx(&t, &url, Some(&cookie)).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.header("x-kubarr-user").unwrap(), crate::helpers::ADMIN.0);
    // Another app's host does not take this app's cookie.
    let r = nginx(&t, &format!("https://other.{DOMAIN}/"), Some(&cookie)).await;
    assert_ne!(r.status, 200);
    // A host outside the apps domain names no app.
    let r = nginx(&t, &format!("https://{app}.evil.example/"), Some(&cookie)).await;
    assert_eq!(r.status, 401);

    // The admin turns the app's access off: 403.
    let res = t
        .admin(
            Method::PUT,
            &format!("/api/apps/{app}/access"),
            Some(serde_json::json!({"mode": "off"})),
        )
        .await;
    assert!(res.status.is_success(), "{}", res.text());
    let r = nginx(&t, &url, Some(&cookie)).await;
    assert_eq!(r.status, 403, "{}", r.text());
}

#[tokio::test]
async fn the_other_controllers_headers_never_name_the_app() {
    // Each controller passes a client's headers on, setting only its own: a request for app B
    // that also names app A in the other controller's header must be judged as one for B.
    let (a, b) = ("ingspoofa", "ingspoofb");
    for controller in [
        Some(IngressController::Traefik),
        Some(IngressController::Nginx),
        None,
    ] {
        let t = start_apps(&[a, b], controller).await;
        let admin = t.admin_token.clone().unwrap();
        let role = "a-openers";
        let res = t
            .admin(
                Method::POST,
                "/api/roles",
                Some(
                    serde_json::json!({"name": role, "permissions": [], "app_grants": [
                    {"app_name": a, "permission": "apps.view"},
                    {"app_name": a, "permission": "apps.open"}]}),
                ),
            )
            .await;
        assert_eq!(res.status, 201, "{}", res.text());
        let member = create_user(&t, &admin, "ada", &[role]).await;
        let res = t
            .call(Method::POST, &format!("/api/apps/{a}/launch"))
            .bearer(&member.token)
            .json(serde_json::json!({}))
            .send()
            .await;
        assert_eq!(res.status, 200, "{}", res.text());
        let cookie = redeem_on_gateway(&t, a, ticket_in(res.json()["url"].as_str().unwrap())).await;
        let ask = |shape: &'static str, host: &'static str, cookie: String| {
            let c = t
                .call(Method::GET, "/api/auth/forward")
                .header("accept", "application/json")
                .header("cookie", &cookie);
            match shape {
                "traefik" => c
                    .header("x-forwarded-host", &format!("{host}.{DOMAIN}"))
                    .header("x-forwarded-uri", "/")
                    .header("x-forwarded-method", "GET"),
                _ => c.header("x-original-url", &format!("http://{host}.{DOMAIN}/")),
            }
        };
        // The honest shape of this controller: A passes with A's cookie.
        let honest = match controller {
            Some(IngressController::Nginx) => "nginx",
            _ => "traefik",
        };
        let r = ask(honest, a, cookie.clone()).send().await;
        assert_eq!(r.status, 200, "{controller:?}: {}", r.text());
        // A request for B carrying A in the other shape's header.
        let (real, forged) = match controller {
            Some(IngressController::Nginx) => ("nginx", "traefik"),
            _ => ("traefik", "nginx"),
        };
        let mut c = ask(real, b, cookie.clone());
        c = match forged {
            "traefik" => c.header("x-forwarded-host", &format!("{a}.{DOMAIN}")),
            _ => c.header("x-original-url", &format!("http://{a}.{DOMAIN}/")),
        };
        let r = c.send().await;
        assert_eq!(r.status, 401, "{controller:?}: {}", r.text());
        t.cleanup().await;
    }
}

/// Redeems `ticket` on the gateway's own listener (what ingress-nginx's `/_kubarr/` Ingress
/// reaches) and returns the app cookie as `name=value`.
async fn redeem_on_gateway(t: &TestApp, app: &str, ticket: &str) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let serving = tokio::spawn(kubarr::gateway::serve::run(
        t.state.clone(),
        vec![kubarr::gateway::serve::GatewayListener {
            listener,
            port_mode_port: None,
        }],
        std::future::pending(),
    ));
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .resolve(&format!("{app}.{DOMAIN}"), address)
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let r = client
        .get(format!(
            "http://{app}.{DOMAIN}:{}/_kubarr/auth?ticket={ticket}",
            address.port()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 302);
    let cookie = cookie_pair(r.headers()["set-cookie"].to_str().unwrap());
    serving.abort();
    cookie
}

/// Loads the configuration from environment variables only.
fn load(env: &[(&str, &str)]) -> Result<kubarr::config::Config, kubarr::config::ConfigError> {
    Sources::new(
        None,
        env.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
    )
    .load()
}

const HOST_MODE: &[(&str, &str)] = &[
    ("KUBARR_GATEWAY__LISTEN", "0.0.0.0:8081"),
    ("KUBARR_GATEWAY__APPS_DOMAIN", "apps.home.example"),
];

fn with(extra: &[(&'static str, &'static str)]) -> Vec<(&'static str, &'static str)> {
    HOST_MODE.iter().chain(extra).copied().collect()
}

fn problems(env: &[(&str, &str)]) -> String {
    load(env)
        .expect_err("the configuration must be refused")
        .problems
        .join("\n")
}

#[test]
fn ingress_keys_are_checked_together() {
    // Off by default.
    assert!(load(HOST_MODE).unwrap().gateway.ingress.is_none());

    let c = load(&with(&[
        ("KUBARR_GATEWAY__INGRESS__CONTROLLER", "Traefik"),
        ("KUBARR_GATEWAY__INGRESS__AUTH_URL", AUTH_URL),
        ("KUBARR_GATEWAY__INGRESS__CLASS_NAME", "traefik"),
        ("KUBARR_GATEWAY__INGRESS__TLS_SECRET", "apps-tls"),
        (
            "KUBARR_GATEWAY__INGRESS__CONTROLLER_NAMESPACE",
            "kube-system",
        ),
    ]))
    .unwrap();
    let i = c.gateway.ingress.unwrap();
    assert_eq!(i.controller, IngressController::Traefik);
    assert_eq!(i.auth_url, AUTH_URL);
    assert_eq!(i.class_name.as_deref(), Some("traefik"));
    assert_eq!(i.tls_secret.as_deref(), Some("apps-tls"));
    assert_eq!(i.gateway_service, None);
    assert_eq!(i.controller_namespace.as_deref(), Some("kube-system"));

    let c = load(&with(&[
        ("KUBARR_GATEWAY__INGRESS__CONTROLLER", "nginx"),
        ("KUBARR_GATEWAY__INGRESS__AUTH_URL", AUTH_URL),
        ("KUBARR_GATEWAY__INGRESS__GATEWAY_SERVICE", GATEWAY_SERVICE),
    ]))
    .unwrap();
    assert_eq!(
        c.gateway.ingress.unwrap().gateway_service,
        Some((GATEWAY_SERVICE.to_owned(), 80))
    );

    // Each refusal names its key.
    let cases: &[(&[(&str, &str)], &str)] = &[
        (
            &[("KUBARR_GATEWAY__INGRESS__CONTROLLER", "haproxy")],
            "gateway.ingress.controller: `haproxy` must be traefik or nginx",
        ),
        (
            &[("KUBARR_GATEWAY__INGRESS__CONTROLLER", "traefik")],
            "gateway.ingress.auth_url: Ingress mode needs",
        ),
        (
            &[
                ("KUBARR_GATEWAY__INGRESS__CONTROLLER", "traefik"),
                ("KUBARR_GATEWAY__INGRESS__AUTH_URL", "ftp://kubarr/forward"),
            ],
            "gateway.ingress.auth_url: `ftp://kubarr/forward` must be an http(s) URL",
        ),
        (
            &[
                ("KUBARR_GATEWAY__INGRESS__CONTROLLER", "traefik"),
                ("KUBARR_GATEWAY__INGRESS__AUTH_URL", "http://kubarr/\"x"),
            ],
            "gateway.ingress.auth_url",
        ),
        (
            &[
                ("KUBARR_GATEWAY__INGRESS__CONTROLLER", "nginx"),
                ("KUBARR_GATEWAY__INGRESS__AUTH_URL", AUTH_URL),
            ],
            "gateway.ingress.gateway_service: ingress-nginx mode needs",
        ),
        (
            &[
                ("KUBARR_GATEWAY__INGRESS__CONTROLLER", "nginx"),
                ("KUBARR_GATEWAY__INGRESS__AUTH_URL", AUTH_URL),
                (
                    "KUBARR_GATEWAY__INGRESS__GATEWAY_SERVICE",
                    "not a name:99999",
                ),
            ],
            "gateway.ingress.gateway_service: `not a name:99999`",
        ),
        (
            &[
                ("KUBARR_GATEWAY__INGRESS__CONTROLLER", "traefik"),
                ("KUBARR_GATEWAY__INGRESS__AUTH_URL", AUTH_URL),
                ("KUBARR_GATEWAY__INGRESS__TLS_SECRET", "Apps_TLS"),
            ],
            "gateway.ingress.tls_secret: `Apps_TLS` is not a Kubernetes object name",
        ),
        (
            &[
                ("KUBARR_GATEWAY__INGRESS__CONTROLLER", "traefik"),
                ("KUBARR_GATEWAY__INGRESS__AUTH_URL", AUTH_URL),
                ("KUBARR_GATEWAY__INGRESS__CLASS_NAME", "a b"),
            ],
            "gateway.ingress.class_name",
        ),
        (
            &[
                ("KUBARR_GATEWAY__INGRESS__CONTROLLER", "traefik"),
                ("KUBARR_GATEWAY__INGRESS__AUTH_URL", AUTH_URL),
                (
                    "KUBARR_GATEWAY__INGRESS__CONTROLLER_NAMESPACE",
                    "kube.system",
                ),
            ],
            "gateway.ingress.controller_namespace: `kube.system` is not a namespace name",
        ),
    ];
    for (extra, want) in cases {
        let got = problems(&with(extra));
        assert!(got.contains(want), "want `{want}` in:\n{got}");
    }
    // Ingress mode needs host mode.
    let got = problems(&[
        ("KUBARR_GATEWAY__INGRESS__CONTROLLER", "traefik"),
        ("KUBARR_GATEWAY__INGRESS__AUTH_URL", AUTH_URL),
    ]);
    assert!(
        got.contains("gateway.ingress.controller: Ingress mode needs host mode"),
        "{got}"
    );
    let got = problems(&[
        ("KUBARR_GATEWAY__LISTEN", "0.0.0.0:8081"),
        ("KUBARR_GATEWAY__PORT_RANGE", "18100-18110"),
        ("KUBARR_GATEWAY__INGRESS__CONTROLLER", "traefik"),
        ("KUBARR_GATEWAY__INGRESS__AUTH_URL", AUTH_URL),
    ]);
    assert!(got.contains("needs host mode"), "{got}");
}

/// The cluster tier: installing with Ingress mode on the test bed, the API server accepts the
/// chart's objects, with the expected host, annotations and backends.
mod cluster {
    use std::time::Duration;

    use axum::http::{Method, StatusCode};
    use k8s_openapi::api::core::v1::Service;
    use k8s_openapi::api::networking::v1::{Ingress, NetworkPolicy};
    use kube::api::{ApiResource, DynamicObject, GroupVersionKind};
    use kube::Api;
    use serde_json::json;

    use super::*;
    use kubarr_testbed::unique_suffix;

    async fn install_with(controller: IngressController) -> (TestApp, String) {
        let name = format!("sonarr-{}", unique_suffix());
        let t = TestApp::builder()
            .charts(&[("sonarr", &name)])
            .real_cluster()
            .admin()
            .config(move |c| {
                c.gateway.listen = Some(SocketAddr::from(([127, 0, 0, 1], 0)));
                c.gateway.apps_domain = Some("apps.home.example".into());
                c.gateway.loopback_only = true;
                let mut i = ingress(controller);
                i.class_name = Some(controller.as_str().into());
                i.tls_secret = Some("apps-tls".into());
                i.controller_namespace = Some(format!("{}-system", controller.as_str()));
                c.gateway.ingress = Some(i);
            })
            .build()
            .await;
        set_public_url(&t, "https://kubarr.home.example").await;
        let res = t
            .admin(
                Method::POST,
                "/api/apps/install",
                Some(json!({"app_name": name})),
            )
            .await;
        assert_eq!(res.status, StatusCode::ACCEPTED, "{}", res.text());
        let status = t
            .wait_state(&name, "installed", Duration::from_secs(300))
            .await;
        assert_eq!(status["message"], "Running", "{status}");
        // The controller's namespace is let through the app's NetworkPolicy.
        let np: NetworkPolicy = Api::namespaced(t.cluster().client(), &name)
            .get(&name)
            .await
            .unwrap();
        let want = format!("{}-system", controller.as_str());
        let lets_in = np.spec.unwrap().ingress.unwrap().iter().any(|rule| {
            rule.from.iter().flatten().any(|peer| {
                peer.namespace_selector
                    .as_ref()
                    .and_then(|s| s.match_labels.as_ref())
                    .and_then(|l| l.get("kubernetes.io/metadata.name"))
                    == Some(&want)
            })
        });
        assert!(lets_in, "the NetworkPolicy does not let {want} in");
        (t, name)
    }

    async fn uninstall(t: TestApp, name: &str) {
        let res = t
            .admin(
                Method::DELETE,
                &format!("/api/apps/{name}?delete_data=true"),
                None,
            )
            .await;
        assert_eq!(res.status, StatusCode::ACCEPTED, "{}", res.text());
        t.wait_state(name, "not_installed", Duration::from_secs(300))
            .await;
        t.cleanup().await;
    }

    /// An object's annotations but Helm's own (`meta.helm.sh/*`).
    fn ours(ing: &Ingress) -> std::collections::BTreeMap<String, String> {
        let mut all = ing.metadata.annotations.clone().unwrap_or_default();
        all.retain(|k, _| !k.starts_with("meta.helm.sh/"));
        all
    }

    /// The one rule of an Ingress: (host, path, backend service, port name or number), its
    /// class and TLS hosts/secret.
    fn shape(ing: &Ingress) -> (String, String, String, String, Option<String>, String) {
        let spec = ing.spec.clone().unwrap();
        let rule = &spec.rules.as_ref().unwrap()[0];
        let path = &rule.http.as_ref().unwrap().paths[0];
        assert_eq!(path.path_type, "Prefix");
        let svc = path.backend.service.as_ref().unwrap();
        let port = svc.port.as_ref().unwrap();
        let port = port
            .name
            .clone()
            .unwrap_or_else(|| port.number.unwrap().to_string());
        let tls = spec
            .tls
            .map(|t| {
                format!(
                    "{:?}:{}",
                    t[0].hosts.clone().unwrap(),
                    t[0].secret_name.clone().unwrap()
                )
            })
            .unwrap_or_default();
        (
            rule.host.clone().unwrap(),
            path.path.clone().unwrap(),
            svc.name.clone(),
            port,
            spec.ingress_class_name,
            tls,
        )
    }

    #[tokio::test]
    #[ignore = "cluster tier"]
    async fn traefik_ingress_and_middleware_are_accepted() {
        let (t, name) = install_with(IngressController::Traefik).await;
        let client = t.cluster().client();
        let host = format!("{name}.apps.home.example");
        let ing: Ingress = Api::namespaced(client.clone(), &name)
            .get(&name)
            .await
            .unwrap();
        assert_eq!(
            shape(&ing),
            (
                host.clone(),
                "/".into(),
                name.clone(),
                "http".into(),
                Some("traefik".into()),
                format!("[{host:?}]:apps-tls"),
            )
        );
        let middleware = format!("{name}-kubarr-auth");
        let ann = ours(&ing);
        assert_eq!(ann.len(), 1, "{ann:?}");
        assert_eq!(
            ann["traefik.ingress.kubernetes.io/router.middlewares"],
            format!("{name}-{middleware}@kubernetescrd")
        );
        let gvk = GroupVersionKind::gvk("traefik.io", "v1alpha1", "Middleware");
        let ar = ApiResource::from_gvk(&gvk);
        let mw: DynamicObject = Api::namespaced_with(client.clone(), &name, &ar)
            .get(&middleware)
            .await
            .unwrap();
        assert_eq!(
            mw.data["spec"],
            json!({"forwardAuth": {"address": AUTH_URL, "trustForwardHeader": false,
                "authResponseHeaders": ["X-Kubarr-User"]}})
        );
        assert_eq!(
            mw.metadata.labels.unwrap()["app.kubernetes.io/managed-by"],
            "Helm"
        );
        uninstall(t, &name).await;
    }

    #[tokio::test]
    #[ignore = "cluster tier"]
    async fn nginx_ingresses_and_gateway_service_are_accepted() {
        let (t, name) = install_with(IngressController::Nginx).await;
        let client = t.cluster().client();
        let host = format!("{name}.apps.home.example");
        let ingresses: Api<Ingress> = Api::namespaced(client.clone(), &name);
        let ing = ingresses.get(&name).await.unwrap();
        assert_eq!(
            shape(&ing),
            (
                host.clone(),
                "/".into(),
                name.clone(),
                "http".into(),
                Some("nginx".into()),
                format!("[{host:?}]:apps-tls"),
            )
        );
        let ann = ours(&ing);
        let want = [
            ("nginx.ingress.kubernetes.io/auth-url", AUTH_URL.to_owned()),
            ("nginx.ingress.kubernetes.io/auth-method", "GET".into()),
            (
                "nginx.ingress.kubernetes.io/auth-response-headers",
                "X-Kubarr-User".into(),
            ),
            (
                "nginx.ingress.kubernetes.io/auth-signin",
                format!("https://kubarr.home.example/login?app={name}&next=$escaped_request_uri"),
            ),
            (
                "nginx.ingress.kubernetes.io/auth-signin-redirect-param",
                "next".into(),
            ),
        ];
        assert_eq!(ann.len(), want.len(), "{ann:?}");
        for (k, v) in want {
            assert_eq!(ann.get(k), Some(&v), "{k}");
        }
        let gateway_svc = format!("{name}-kubarr-gateway");
        let auth = ingresses.get(&format!("{name}-kubarr")).await.unwrap();
        assert!(ours(&auth).is_empty(), "{:?}", ours(&auth));
        assert_eq!(
            shape(&auth),
            (
                host.clone(),
                "/_kubarr/".into(),
                gateway_svc.clone(),
                "8081".into(),
                Some("nginx".into()),
                format!("[{host:?}]:apps-tls"),
            )
        );
        let svc: Service = Api::namespaced(client.clone(), &name)
            .get(&gateway_svc)
            .await
            .unwrap();
        let spec = svc.spec.unwrap();
        assert_eq!(spec.type_.as_deref(), Some("ExternalName"));
        assert_eq!(spec.external_name.as_deref(), Some(GATEWAY_SERVICE));
        assert_eq!(spec.ports.unwrap()[0].port, 8081);
        uninstall(t, &name).await;
    }
}
