use std::time::Duration;

use axum::http::{Method, StatusCode};
use serde_json::json;

use kubarr_orchestrator::fake::HelmGate;
use kubarr_testbed::unique_suffix;

use crate::helpers::TestApp;

/// Nothing here reaches helm or the API server (every request is refused first), so the fakes
/// lose nothing.
#[tokio::test]
async fn bad_install_requests_are_refused_with_clear_errors() {
    let name = format!("jackett-{}", unique_suffix());
    let t = TestApp::builder()
        .charts(&[("jackett", &name)])
        .fake_cluster()
        .admin()
        .build()
        .await;
    // Not in the catalog, and namespaces that are not catalog apps.
    for bad in ["nope", "kube-system", "default", "../etc"] {
        let res = t
            .admin(
                Method::POST,
                "/api/apps/install",
                Some(json!({"app_name": bad})),
            )
            .await;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "{bad}: {}", res.text());
        assert_eq!(res.error_code(), "app_not_found");
    }
    // Values that fail the chart's schema: 422 naming the field.
    let res = t
        .admin(
            Method::POST,
            "/api/apps/install",
            Some(
                json!({"app_name": name, "values": {"persistence": {"config": {"size": "huge"}}}}),
            ),
        )
        .await;
    assert_eq!(
        res.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        res.text()
    );
    assert_eq!(
        res.json()["error"]["field"],
        "values.persistence.config.size"
    );
    let res = t
        .admin(
            Method::POST,
            "/api/apps/install",
            Some(json!({"app_name": name, "values": {"bogus": 1}})),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.json()["error"]["field"], "values.bogus");
    let res = t
        .admin(
            Method::POST,
            "/api/apps/install",
            Some(json!({"app_name": name, "values": [1]})),
        )
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    // Missing field.
    let res = t
        .admin(Method::POST, "/api/apps/install", Some(json!({})))
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert_eq!(res.json()["error"]["field"], "app_name");
    // Nothing was installed by any of that.
    let res = t.admin(Method::GET, "/api/apps", None).await;
    assert_eq!(res.json(), json!([]));
    // Operations on an app that is not installed.
    for (method, path) in [
        (Method::POST, format!("/api/apps/{name}/restart")),
        (Method::POST, format!("/api/apps/{name}/upgrade")),
        (Method::DELETE, format!("/api/apps/{name}")),
        (Method::GET, format!("/api/apps/{name}/pods")),
        (Method::GET, format!("/api/apps/{name}/logs")),
    ] {
        let res = t.admin(method.clone(), &path, None).await;
        assert_eq!(
            res.status,
            StatusCode::NOT_FOUND,
            "{method} {path}: {}",
            res.text()
        );
    }
    let res = t
        .admin(Method::GET, &format!("/api/apps/{name}/status"), None)
        .await;
    assert_eq!(res.json()["state"], "not_installed");
    t.cleanup().await;
}

/// Six concurrent installs of one app, then operations while it installs and after.
/// `gate` (the fakes) holds helm so the install is surely still running when the second
/// operation comes; real helm takes long enough by itself.
async fn concurrent_installs(t: TestApp, name: &str, gate: Option<HelmGate>) {
    let name = name.to_owned();
    let mut calls = Vec::new();
    for _ in 0..6 {
        calls.push(t.admin(
            Method::POST,
            "/api/apps/install",
            Some(json!({"app_name": name})),
        ));
    }
    let results = futures::future::join_all(calls).await;
    let accepted = results
        .iter()
        .filter(|r| r.status == StatusCode::ACCEPTED)
        .count();
    let conflicts = results
        .iter()
        .filter(|r| r.status == StatusCode::CONFLICT)
        .count();
    assert_eq!(
        (accepted, conflicts),
        (1, 5),
        "{:?}",
        results.iter().map(|r| r.status).collect::<Vec<_>>()
    );
    // A second operation while the install runs is refused too.
    let res = t
        .admin(Method::POST, &format!("/api/apps/{name}/restart"), None)
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert_eq!(res.error_code(), "app_busy");
    drop(gate);
    t.wait_state(&name, "installed", Duration::from_secs(180))
        .await;
    let res = t
        .admin(
            Method::POST,
            "/api/apps/install",
            Some(json!({"app_name": name})),
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert_eq!(res.error_code(), "already_installed");
    let res = t
        .admin(
            Method::DELETE,
            &format!("/api/apps/{name}?delete_data=true"),
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::ACCEPTED);
    t.wait_state(&name, "not_installed", Duration::from_secs(180))
        .await;
    t.cleanup().await;
}

#[tokio::test]
async fn concurrent_installs_of_one_app_let_exactly_one_through() {
    let name = format!("lidarr-{}", unique_suffix());
    let t = TestApp::builder()
        .charts(&[("lidarr", &name)])
        .fake_cluster()
        .admin()
        .build()
        .await;
    let gate = t.fake().hold_helm();
    concurrent_installs(t, &name, Some(gate)).await;
}

#[tokio::test]
#[ignore = "cluster tier"]
async fn concurrent_installs_of_one_app_let_exactly_one_through_on_the_cluster() {
    let name = format!("lidarr-{}", unique_suffix());
    let t = TestApp::builder()
        .charts(&[("lidarr", &name)])
        .real_cluster()
        .admin()
        .build()
        .await;
    concurrent_installs(t, &name, None).await;
}
