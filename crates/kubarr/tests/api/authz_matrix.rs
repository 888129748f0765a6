//! The authorization matrix, generated from the router's route table (`kubarr::router::routes`,
//! which `kubarr routes` prints): every route × {anonymous, viewer, operator, admin, a custom role
//! with per-app grants for `sonarr`} → expected status. A route whose handler declares no access
//! in `kubarr::router::ACCESS`, or without an entry in [`expected`], fails the test, so a new
//! route cannot skip review.
//!
//! To add a route: declare who may call it in `ACCESS`, and add an arm to [`expected`] giving
//! the concrete request to send and what an authorized caller gets ([`Outcome`]).

use axum::http::Method;
use serde_json::{json, Value};

use kubarr::router::Access;

use crate::identity_support::*;

/// What an authorized caller gets.
#[derive(Clone, Copy, Debug)]
pub enum Outcome {
    Status(u16),
    /// Authorization passed; the status depends on the cluster (anything but 401/403).
    Passes,
}

/// One row of the matrix.
pub struct Expectation {
    /// The concrete path to call (placeholders filled).
    pub path: String,
    pub body: Option<Value>,
    pub outcome: Outcome,
}

/// Ids of the objects the matrix requests point at.
pub struct Fixtures {
    pub victim_id: i64,
    pub other_user_id: i64,
    pub doomed_role_id: i64,
    pub custom_role_id: i64,
    pub invite_id: String,
}

fn e(path: impl Into<String>, body: Option<Value>, outcome: Outcome) -> Option<Expectation> {
    Some(Expectation {
        path: path.into(),
        body,
        outcome,
    })
}

/// The table. `None` = no entry (the test fails).
pub fn expected(method: &Method, path: &str, f: &Fixtures) -> Option<Expectation> {
    use Outcome::*;
    let m = method.as_str();
    let unique = format!("{:x}", rand_u64());
    match (m, path) {
        // Health and setup.
        ("GET", "/api/health") => e(path, None, Status(200)),
        ("GET", "/api/openapi.json") => e(path, None, Status(200)),
        ("GET", "/api/ready") => e(path, None, Passes),
        ("GET", "/api/setup/status") => e(path, None, Status(200)),
        ("POST", "/api/setup") => e(
            path,
            Some(
                json!({"username": "second", "email": "s@example.com", "password": "second plover marzipan 41"}),
            ),
            Status(409),
        ),
        // Authentication.
        ("POST", "/api/auth/login") => e(
            path,
            Some(json!({"username": "nobody", "password": "wrong-password"})),
            Status(401),
        ),
        ("POST", "/api/auth/2fa/verify") => e(
            path,
            Some(json!({"challenge_id": "kbc_nope", "code": "123456"})),
            Status(401),
        ),
        ("POST", "/api/auth/2fa/recover") => e(
            path,
            Some(json!({"challenge_id": "kbc_nope", "recovery_code": "AAAA-AAAA-AAAA-AAAA"})),
            Status(401),
        ),
        ("POST", "/api/auth/register") => e(
            path,
            Some(
                json!({"username": format!("r{unique}"), "email": format!("r{unique}@example.com"), "password": "register plover marzipan 42"}),
            ),
            Status(403),
        ),
        ("POST", "/api/auth/logout") => e(path, None, Status(204)),
        ("GET", "/api/auth/me") => e(path, None, Status(200)),
        ("GET", "/api/auth/sessions") => e(path, None, Status(200)),
        ("DELETE", "/api/auth/sessions/{id}") => e(
            format!("/api/auth/sessions/{}", "ab".repeat(32)),
            None,
            Status(404),
        ),
        ("POST", "/api/users/me/2fa/setup") => e(path, None, Status(200)),
        ("POST", "/api/users/me/2fa/enable") => e(
            path,
            Some(json!({"password": "x", "code": "abc"})),
            Status(409),
        ),
        ("POST", "/api/users/me/2fa/disable") => e(
            path,
            Some(json!({"password": "x", "code": "123456"})),
            Status(409),
        ),
        ("PUT", "/api/users/me/password") => e(
            path,
            Some(
                json!({"current_password": "wrong-password", "new_password": "another plover marzipan 43"}),
            ),
            Status(400),
        ),
        // Users, invites, roles, audit, settings.
        ("GET", "/api/users") => e(path, None, Status(200)),
        ("POST", "/api/users") => e(
            path,
            Some(
                json!({"username": format!("u{unique}"), "email": format!("u{unique}@example.com"), "password": "created plover marzipan 44", "role_ids": []}),
            ),
            Status(201),
        ),
        ("GET", "/api/users/{id}") => e(format!("/api/users/{}", f.victim_id), None, Status(200)),
        ("PATCH", "/api/users/{id}") => e(
            format!("/api/users/{}", f.victim_id),
            Some(json!({"email": format!("v{unique}@example.com")})),
            Status(200),
        ),
        ("DELETE", "/api/users/{id}") => {
            e(format!("/api/users/{}", f.victim_id), None, Status(204))
        }
        ("PUT", "/api/users/{id}/password") => e(
            format!("/api/users/{}/password", f.other_user_id),
            Some(json!({"new_password": "reset plover marzipan 45"})),
            Status(204),
        ),
        ("GET", "/api/invites") => e(path, None, Status(200)),
        ("POST", "/api/invites") => e(path, Some(json!({"expires_in_hours": 1})), Status(201)),
        ("DELETE", "/api/invites/{token}") => {
            e(format!("/api/invites/{}", f.invite_id), None, Status(204))
        }
        ("GET", "/api/permissions") => e(path, None, Status(200)),
        ("GET", "/api/roles") => e(path, None, Status(200)),
        ("POST", "/api/roles") => e(
            path,
            Some(json!({"name": format!("r{unique}"), "permissions": ["apps.view"]})),
            Status(201),
        ),
        ("GET", "/api/roles/{id}") => e(
            format!("/api/roles/{}", f.doomed_role_id),
            None,
            Status(200),
        ),
        ("PATCH", "/api/roles/{id}") => e(
            format!("/api/roles/{}", f.doomed_role_id),
            Some(json!({"description": "changed"})),
            Status(200),
        ),
        ("DELETE", "/api/roles/{id}") => e(
            format!("/api/roles/{}", f.doomed_role_id),
            None,
            Status(204),
        ),
        ("PUT", "/api/roles/{id}/permissions") => e(
            format!("/api/roles/{}/permissions", f.custom_role_id),
            Some(json!({"permissions": ["monitoring.view"]})),
            Status(200),
        ),
        ("PUT", "/api/roles/{id}/apps") => e(
            format!("/api/roles/{}/apps", f.custom_role_id),
            Some(
                json!({"grants": [{"app_name": "sonarr", "permission": "apps.view"}, {"app_name": "sonarr", "permission": "apps.restart"}]}),
            ),
            Status(200),
        ),
        ("GET", "/api/audit") => e(path, None, Status(200)),
        ("GET", "/api/settings") => e(path, None, Status(200)),
        ("PUT", "/api/settings/{key}") => e(
            "/api/settings/registration_enabled",
            Some(json!({"value": false})),
            Status(200),
        ),
        // Catalog and apps (owned by the app-lifecycle code; outcomes depend on the cluster).
        ("GET", "/api/apps/catalog") => e(path, None, Passes),
        ("GET", "/api/apps/catalog/{app}") => e("/api/apps/catalog/sonarr", None, Passes),
        ("GET", "/api/apps/catalog/{app}/icon") => e("/api/apps/catalog/sonarr/icon", None, Passes),
        ("POST", "/api/apps/catalog/reload") => e(path, None, Passes),
        ("POST", "/api/apps/install") => e(path, Some(json!({"app_name": "sonarr"})), Passes),
        ("GET", "/api/apps") => e(path, None, Passes),
        ("GET", "/api/apps/{app}/status") => e("/api/apps/sonarr/status", None, Passes),
        ("POST", "/api/apps/{app}/upgrade") => {
            e("/api/apps/sonarr/upgrade", Some(json!({})), Passes)
        }
        ("POST", "/api/apps/{app}/restart") => e("/api/apps/sonarr/restart", None, Passes),
        ("DELETE", "/api/apps/{app}") => e("/api/apps/sonarr", None, Passes),
        ("GET", "/api/apps/{app}/pods") => e("/api/apps/sonarr/pods", None, Passes),
        ("GET", "/api/apps/{app}/events") => e("/api/apps/sonarr/events", None, Passes),
        ("GET", "/api/apps/{app}/logs") => e("/api/apps/sonarr/logs?tail_lines=10", None, Passes),
        ("GET", "/api/events/stream") => e(path, None, Passes),
        // The gateway is off in the matrix: launch answers 503 once authorized.
        ("POST", "/api/apps/{app}/launch") => e("/api/apps/sonarr/launch", Some(json!({})), Passes),
        ("PUT", "/api/apps/{app}/access") => e(
            "/api/apps/sonarr/access",
            Some(json!({"mode": "gated"})),
            Passes,
        ),
        ("PUT", "/api/apps/{app}/gateway-credentials") => e(
            "/api/apps/sonarr/gateway-credentials",
            Some(json!({"username": "u", "password": "p"})),
            Passes,
        ),
        ("DELETE", "/api/apps/{app}/gateway-credentials") => {
            e("/api/apps/sonarr/gateway-credentials", None, Status(204))
        }
        // Nothing is installed: authorized callers learn so (404).
        ("GET", "/api/apps/{app}/account") => e("/api/apps/sonarr/account", None, Passes),
        ("PUT", "/api/apps/{app}/account") => e(
            "/api/apps/sonarr/account",
            Some(json!({"username": "u", "password": "p"})),
            Passes,
        ),
        ("DELETE", "/api/apps/{app}/account") => e("/api/apps/sonarr/account", None, Passes),
        ("GET", "/api/gateway/apps") => e(path, None, Status(200)),
        ("GET", "/api/gateway") => e(path, None, Status(200)),
        // Public, but it judges the app cookie (none here): signed out for everyone.
        ("GET", "/api/auth/forward") => e(path, None, Status(401)),
        // Stack wiring: nothing is installed, so there is no link to act on.
        ("GET", "/api/stack/wiring") => e(path, None, Status(200)),
        ("POST", "/api/stack/wiring/{id}/repair") => e(
            "/api/stack/wiring/sonarr:download-client:qbittorrent/repair",
            None,
            Status(404),
        ),
        ("PUT", "/api/stack/wiring/{id}") => e(
            "/api/stack/wiring/sonarr:download-client:qbittorrent",
            Some(json!({"enabled": false})),
            Status(404),
        ),
        _ => None,
    }
}

fn rand_u64() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(1);
    N.fetch_add(1, Ordering::Relaxed) * 0x9e37_79b9 % 0xffff_ffff
}

/// A caller of the matrix and what it holds.
struct Caller {
    name: &'static str,
    user_id: Option<i64>,
    global: Vec<&'static str>,
    /// Per-app grants for `sonarr`.
    sonarr: Vec<&'static str>,
}

impl Caller {
    fn allowed(&self, access: Access) -> Result<(), u16> {
        match access {
            Access::Public => Ok(()),
            _ if self.user_id.is_none() => Err(401),
            Access::SignedIn => Ok(()),
            Access::Global(p) => {
                let p = p.as_str();
                if self.global.contains(&p) || self.sonarr.contains(&p) {
                    Ok(())
                } else {
                    Err(403)
                }
            }
            Access::PerApp(p) => {
                let p = p.as_str();
                let sees = self.global.contains(&"apps.view") || self.sonarr.contains(&"apps.view");
                if !sees {
                    Err(404)
                } else if self.global.contains(&p) || self.sonarr.contains(&p) {
                    Ok(())
                } else {
                    Err(403)
                }
            }
        }
    }
}

const ALL: &[&str] = &[
    "users.view",
    "users.manage",
    "users.reset_password",
    "roles.view",
    "roles.manage",
    "apps.view",
    "apps.install",
    "apps.upgrade",
    "apps.restart",
    "apps.delete",
    "apps.open",
    "logs.view",
    "monitoring.view",
    "settings.view",
    "settings.manage",
    "audit.view",
    "notifications.view",
    "notifications.manage",
    "vpn.view",
    "vpn.manage",
];

#[tokio::test]
async fn every_route_enforces_its_permission_for_every_kind_of_caller() {
    let app = app_behind_proxy().await;
    let admin = setup_admin(&app).await;
    let viewer = create_user(&app, &admin.token, "viewer1", &["viewer"]).await;
    let operator = create_user(&app, &admin.token, "operator1", &["operator"]).await;
    let victim = create_user(&app, &admin.token, "victim", &["viewer"]).await;
    let other = create_user(&app, &admin.token, "other", &["viewer"]).await;
    let make_role = |name: &'static str, grants: Value| {
        let app = &app;
        let token = admin.token.clone();
        async move {
            let res = app
                .call(Method::POST, "/api/roles")
                .bearer(&token)
                .json(
                    json!({"name": name, "permissions": ["monitoring.view"], "app_grants": grants}),
                )
                .send()
                .await;
            assert_eq!(res.status, 201, "{}", res.text());
            res.json()["id"].as_i64().unwrap()
        }
    };
    let custom_role_id = make_role(
        "sonarr-keeper",
        json!([{"app_name": "sonarr", "permission": "apps.view"}, {"app_name": "sonarr", "permission": "apps.restart"}]),
    )
    .await;
    let doomed_role_id = make_role("doomed", json!([])).await;
    let custom = create_user(&app, &admin.token, "custom1", &["sonarr-keeper"]).await;
    let invite = app
        .call(Method::POST, "/api/invites")
        .bearer(&admin.token)
        .json(json!({"expires_in_hours": 24}))
        .send()
        .await;
    assert_eq!(invite.status, 201);
    let fixtures = Fixtures {
        victim_id: victim.id,
        other_user_id: other.id,
        doomed_role_id,
        custom_role_id,
        invite_id: invite.json()["id"].as_str().unwrap().to_owned(),
    };

    let callers = [
        Caller {
            name: "anonymous",
            user_id: None,
            global: vec![],
            sonarr: vec![],
        },
        Caller {
            name: "viewer",
            user_id: Some(viewer.id),
            global: vec!["apps.view", "logs.view", "monitoring.view"],
            sonarr: vec![],
        },
        Caller {
            name: "custom",
            user_id: Some(custom.id),
            global: vec!["monitoring.view"],
            sonarr: vec!["apps.view", "apps.restart"],
        },
        Caller {
            name: "operator",
            user_id: Some(operator.id),
            global: vec![
                "apps.view",
                "apps.install",
                "apps.upgrade",
                "apps.restart",
                "apps.delete",
                "apps.open",
                "logs.view",
                "monitoring.view",
            ],
            sonarr: vec![],
        },
        Caller {
            name: "admin",
            user_id: Some(admin.id),
            global: ALL.to_vec(),
            sonarr: vec![],
        },
    ];

    let mut missing = Vec::new();
    let mut failures = Vec::new();
    let mut checked = 0;
    let mut ip_counter = 0u32;
    let routes = kubarr::router::routes();
    assert!(routes.len() >= 45, "only {} routes", routes.len());
    for route in &routes {
        let (method, path) = (&route.method, route.path.as_str());
        {
            let Some(access) = route.access else {
                missing.push(format!("{method} {path}: no access declared"));
                continue;
            };
            for caller in &callers {
                let Some(exp) = expected(method, path, &fixtures) else {
                    missing.push(format!("{method} {path}: no request in the matrix"));
                    break;
                };
                ip_counter += 1;
                let ip = format!(
                    "10.{}.{}.{}",
                    ip_counter >> 16,
                    (ip_counter >> 8) & 255,
                    ip_counter & 255
                );
                let mut call = app.call(method.clone(), &exp.path).sent_from(&ip);
                if let Some(id) = caller.user_id {
                    call = call.bearer(&session_for(&app, id).await);
                }
                if let Some(body) = exp.body.clone() {
                    call = call.json(body);
                }
                let (req, _) = call.build();
                let res = app.router.clone().oneshot_status(req).await;
                checked += 1;
                let verdict = match (caller.allowed(access), exp.outcome) {
                    (Err(code), _) => {
                        res.0 == code && (code != 404 || res.1.as_deref() == Some("app_not_found"))
                    }
                    (Ok(()), Outcome::Status(code)) => res.0 == code,
                    // (A 404 is allowed: the app is not installed in the test cluster.)
                    (Ok(()), Outcome::Passes) => res.0 != 401 && res.0 != 403,
                };
                if !verdict {
                    failures.push(format!(
                        "{method} {} as {}: got {} ({:?}), expected {:?}/{:?}",
                        exp.path,
                        caller.name,
                        res.0,
                        res.1,
                        caller.allowed(access),
                        exp.outcome
                    ));
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "routes without an entry in the authorization matrix: {missing:#?}"
    );
    assert!(
        failures.is_empty(),
        "authorization matrix failures:\n{}",
        failures.join("\n")
    );
    assert!(checked >= 5 * 30, "only {checked} checks");
    app.cleanup().await;
}

/// Sends a request and returns the status and the error code (the body is read for at most a
/// second, so a stream does not block the matrix).
trait OneshotStatus {
    async fn oneshot_status(
        self,
        req: axum::http::Request<axum::body::Body>,
    ) -> (u16, Option<String>);
}

impl OneshotStatus for axum::Router {
    async fn oneshot_status(
        self,
        req: axum::http::Request<axum::body::Body>,
    ) -> (u16, Option<String>) {
        use http_body_util::BodyExt;
        use tower::ServiceExt;
        let res = self.oneshot(req).await.unwrap();
        let status = res.status().as_u16();
        let body = tokio::time::timeout(
            std::time::Duration::from_millis(300),
            res.into_body().collect(),
        )
        .await;
        let code = body
            .ok()
            .and_then(|b| b.ok())
            .and_then(|b| serde_json::from_slice::<Value>(&b.to_bytes()).ok())
            .and_then(|v| v["error"]["code"].as_str().map(str::to_owned));
        (status, code)
    }
}

#[tokio::test]
async fn an_app_the_caller_cannot_see_is_404_not_403() {
    let app = app_behind_proxy().await;
    let admin = setup_admin(&app).await;
    let res = app
        .call(Method::POST, "/api/roles")
        .bearer(&admin.token)
        .json(json!({"name": "sonarr-only", "app_grants": [{"app_name": "sonarr", "permission": "apps.view"}]}))
        .send()
        .await;
    assert_eq!(res.status, 201);
    let user = create_user(&app, &admin.token, "narrow", &["sonarr-only"]).await;
    let me = app.get_as("/api/auth/me", &user.token).send().await.json();
    assert_eq!(me["permissions"], json!([]));
    assert_eq!(me["app_permissions"], json!({"sonarr": ["apps.view"]}));
    for path in ["/api/apps/radarr/status", "/api/apps/radarr/pods"] {
        let res = app.get_as(path, &user.token).send().await;
        assert_eq!(res.status, 404, "{path}");
        assert_eq!(res.error_code(), "app_not_found");
    }
    let res = app
        .call(Method::POST, "/api/apps/sonarr/restart")
        .bearer(&user.token)
        .send()
        .await;
    assert_eq!(res.status, 403);
    // Revoking the grant takes effect on the next request.
    let role = role_id(&app, &admin.token, "sonarr-only").await;
    let res = app
        .call(Method::PUT, &format!("/api/roles/{role}/apps"))
        .bearer(&admin.token)
        .json(json!({"grants": []}))
        .send()
        .await;
    assert_eq!(res.status, 200);
    let res = app
        .get_as("/api/apps/sonarr/status", &user.token)
        .send()
        .await;
    assert_eq!(res.status, 404);
    app.cleanup().await;
}
