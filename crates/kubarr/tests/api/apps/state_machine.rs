//! The operation state machine on the orchestrator's fakes: every transition a user sees
//! (installing → installed → upgrading/restart → uninstalling → not installed, failures,
//! degraded pods, a cluster outage, a namespace Kubarr does not own) in milliseconds. The same
//! walk against the real cluster and helm is `lifecycle.rs` (cluster tier).

use std::time::Duration;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use sea_orm::EntityTrait;
use serde_json::json;
use tower::ServiceExt;

use kubarr_testbed::unique_suffix;

use super::lifecycle::wait_event;
use crate::helpers::TestApp;

const SOON: Duration = Duration::from_secs(20);

/// A fresh Kubarr on the fakes with `chart` installable under a unique name (returned).
pub(super) async fn on_fakes(chart: &str) -> (TestApp, String) {
    let name = format!("{chart}-{}", unique_suffix());
    let t = TestApp::builder()
        .charts(&[(chart, &name)])
        .fake_cluster()
        .admin()
        .build()
        .await;
    (t, name)
}

async fn install(t: &TestApp, name: &str) {
    let res = t
        .admin(
            Method::POST,
            "/api/apps/install",
            Some(json!({"app_name": name})),
        )
        .await;
    assert_eq!(res.status, StatusCode::ACCEPTED, "{}", res.text());
}

#[tokio::test]
async fn install_restart_upgrade_uninstall_and_reinstall_on_fakes() {
    let (t, name) = on_fakes("sonarr").await;
    let req = Request::get("/api/events/stream")
        .header(
            "authorization",
            format!("Bearer {}", t.admin_token.as_deref().unwrap()),
        )
        .body(Body::empty())
        .unwrap();
    let res = t.router.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let mut events = res.into_body();

    // Install: held by the fake helm, so `installing` (and its operation) can be seen.
    let gate = t.fake().hold_helm();
    let res = t
        .admin(
            Method::POST,
            "/api/apps/install",
            Some(json!({"app_name": name})),
        )
        .await;
    assert_eq!(res.status, StatusCode::ACCEPTED, "{}", res.text());
    assert_eq!(res.json(), json!({"app_name": name, "state": "installing"}));
    let status = t
        .admin(Method::GET, &format!("/api/apps/{name}/status"), None)
        .await
        .json();
    assert_eq!(status["state"], "installing");
    let list = t.admin(Method::GET, "/api/apps", None).await.json();
    assert_eq!(list[0]["operation"], "install");
    let first = wait_event(&mut events, SOON, |e| e["name"] == name.as_str()).await;
    assert_eq!(first["state"], "installing");
    drop(gate);
    wait_event(&mut events, SOON, |e| {
        e["name"] == name.as_str() && e["state"] == "installed"
    })
    .await;
    let status = t.wait_state(&name, "installed", SOON).await;
    assert_eq!(status["message"], "Running");
    assert_eq!(
        (status["ready_pods"].as_u64(), status["stale"].as_bool()),
        (Some(1), Some(false))
    );

    // Lists and details.
    let list = t.admin(Method::GET, "/api/apps", None).await.json();
    let item = &list.as_array().unwrap()[0];
    assert_eq!(item["name"], name.as_str());
    assert_eq!(item["version"], "1.2.0");
    assert_eq!(item["operation"], serde_json::Value::Null);
    let catalog = t.admin(Method::GET, "/api/apps/catalog", None).await.json();
    assert_eq!(catalog[0]["installed"], true);
    let pods = t
        .admin(Method::GET, &format!("/api/apps/{name}/pods"), None)
        .await
        .json();
    assert_eq!(
        (pods[0]["ready"].as_bool(), pods[0]["phase"].as_str()),
        (Some(true), Some("Running"))
    );
    let evs = t
        .admin(Method::GET, &format!("/api/apps/{name}/events"), None)
        .await
        .json();
    assert!(
        evs.as_array()
            .unwrap()
            .iter()
            .any(|e| e["reason"] == "Scheduled"),
        "{evs}"
    );
    let logs = t
        .admin(
            Method::GET,
            &format!("/api/apps/{name}/logs?tail_lines=2"),
            None,
        )
        .await;
    assert_eq!(logs.status, StatusCode::OK);
    assert_eq!(logs.text().lines().count(), 2, "{}", logs.text());
    for (query, status) in [
        ("tail_lines=0", StatusCode::BAD_REQUEST),
        // Not one of the app's pods in the watch cache: refused before any API request.
        ("pod=nope", StatusCode::BAD_REQUEST),
        ("container=nope", StatusCode::BAD_REQUEST),
    ] {
        let res = t
            .admin(Method::GET, &format!("/api/apps/{name}/logs?{query}"), None)
            .await;
        assert_eq!(res.status, status, "{query}: {}", res.text());
    }

    // Status reads come from the caches: no API request for 1,000 of them.
    let before = t.fake().request_count();
    for _ in 0..1000 {
        assert_eq!(
            t.admin(Method::GET, "/api/apps", None).await.status,
            StatusCode::OK
        );
    }
    assert_eq!(t.fake().request_count(), before);

    // Restart, upgrade with values, an unavailable version.
    let res = t
        .admin(Method::POST, &format!("/api/apps/{name}/restart"), None)
        .await;
    assert_eq!(res.status, StatusCode::ACCEPTED, "{}", res.text());
    assert_eq!(res.json()["state"], "installed");
    t.wait_state(&name, "installed", SOON).await;
    let res = t
        .admin(
            Method::POST,
            &format!("/api/apps/{name}/upgrade"),
            Some(json!({"values": {"timezone": "Europe/Amsterdam"}})),
        )
        .await;
    assert_eq!(res.status, StatusCode::ACCEPTED, "{}", res.text());
    assert_eq!(res.json()["state"], "upgrading");
    t.wait_state(&name, "installed", SOON).await;
    assert_eq!(t.fake().release(&name).unwrap().revision, 2);
    let res = t
        .admin(
            Method::POST,
            &format!("/api/apps/{name}/upgrade"),
            Some(json!({"version": "9.9.9"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.json()["error"]["field"], "version");

    // Uninstall keeping data (the namespace stays), reinstall, uninstall with data.
    let res = t
        .admin(Method::DELETE, &format!("/api/apps/{name}"), None)
        .await;
    assert_eq!(res.status, StatusCode::ACCEPTED);
    assert_eq!(res.json()["state"], "uninstalling");
    t.wait_state(&name, "not_installed", SOON).await;
    assert!(t.fake().has_namespace(&name) && t.fake().release(&name).is_none());
    install(&t, &name).await;
    t.wait_state(&name, "installed", SOON).await;
    let res = t
        .admin(
            Method::DELETE,
            &format!("/api/apps/{name}?delete_data=true"),
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::ACCEPTED);
    t.wait_state(&name, "not_installed", SOON).await;
    assert!(!t.fake().has_namespace(&name));

    // Every step is in the audit log with its outcome.
    let rows = kubarr_db::entities::audit_logs::Entity::find()
        .all(&t.state.db)
        .await
        .unwrap();
    let actions: Vec<&str> = rows
        .iter()
        .filter(|r| r.resource_id.as_deref() == Some(name.as_str()))
        .map(|r| r.action.as_str())
        .collect();
    for a in [
        "app_installed",
        "app_restarted",
        "app_upgraded",
        "app_uninstalled",
    ] {
        assert!(actions.contains(&a), "{a} missing from {actions:?}");
    }
}

#[tokio::test]
async fn a_failed_install_shows_helms_reason_and_can_be_retried() {
    let (t, name) = on_fakes("radarr").await;
    t.fake().fail_next_helm(
        "upgrade",
        "Error: INSTALLATION FAILED: context deadline exceeded",
    );
    install(&t, &name).await;
    let status = t.wait_state(&name, "error", SOON).await;
    assert_eq!(
        status["message"],
        "Install failed: INSTALLATION FAILED: context deadline exceeded"
    );
    assert!(t.fake().release(&name).is_none());
    // A new install replaces the failed one.
    install(&t, &name).await;
    t.wait_state(&name, "installed", SOON).await;
    let audit = kubarr_db::entities::audit_logs::Entity::find()
        .all(&t.state.db)
        .await
        .unwrap();
    assert!(audit.iter().any(|r| r.action == "app_operation_failed"));
}

#[tokio::test]
async fn pods_that_are_not_ready_make_the_app_degraded() {
    let (t, name) = on_fakes("lidarr").await;
    t.fake().pods_never_ready(&name);
    install(&t, &name).await;
    let status = t.wait_state(&name, "degraded", SOON).await;
    assert_eq!(
        status["message"],
        format!("deployment {name}: 0/1 replicas ready")
    );
    assert_eq!(
        (status["ready_pods"].as_u64(), status["total_pods"].as_u64()),
        (Some(0), Some(1))
    );
}

#[tokio::test]
async fn a_cluster_outage_refuses_operations_and_marks_the_status_stale() {
    let (t, name) = on_fakes("prowlarr").await;
    install(&t, &name).await;
    t.wait_state(&name, "installed", SOON).await;
    t.fake().set_reachable(false);
    let res = t
        .admin(Method::POST, &format!("/api/apps/{name}/restart"), None)
        .await;
    assert_eq!(
        res.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        res.text()
    );
    assert_eq!(res.error_code(), "cluster_unavailable");
    let res = t
        .admin(Method::GET, &format!("/api/apps/{name}/events"), None)
        .await;
    assert_eq!(
        res.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        res.text()
    );
    let status = t
        .admin(Method::GET, &format!("/api/apps/{name}/status"), None)
        .await
        .json();
    assert_eq!(status["stale"], true);
    assert_eq!(status["state"], "installed");
    let ready = t.get("/api/ready").await;
    assert_eq!(ready.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(ready.json()["cluster"], "unavailable");
    t.fake().set_reachable(true);
    let res = t
        .admin(Method::POST, &format!("/api/apps/{name}/restart"), None)
        .await;
    assert_eq!(res.status, StatusCode::ACCEPTED, "{}", res.text());
    t.wait_state(&name, "installed", SOON).await;
}

#[tokio::test]
async fn a_namespace_kubarr_did_not_create_is_never_taken_over() {
    let (t, name) = on_fakes("bazarr").await;
    t.fake().add_foreign_namespace(&name);
    install(&t, &name).await;
    let status = t.wait_state(&name, "error", SOON).await;
    assert_eq!(
        status["message"],
        format!("Install failed: namespace {name} exists and is not managed by Kubarr")
    );
    assert!(t.fake().release(&name).is_none());
}
