use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use http_body_util::BodyExt;
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{Namespace, PersistentVolumeClaim};
use kubarr_testbed::TestCluster;
use kube::Api;
use sea_orm::EntityTrait;
use serde_json::json;
use tower::ServiceExt;

use kubarr_testbed::unique_suffix;

use crate::helpers::TestApp;

const LONG: Duration = Duration::from_secs(180);

/// Reads `app_status` events from an SSE body until `pred` holds.
pub async fn wait_event(
    body: &mut Body,
    timeout: Duration,
    mut pred: impl FnMut(&serde_json::Value) -> bool,
) -> serde_json::Value {
    let deadline = tokio::time::Instant::now() + timeout;
    let mut buf = String::new();
    loop {
        let frame = tokio::time::timeout_at(deadline, body.frame())
            .await
            .expect("no matching SSE event in time");
        let frame = frame.expect("stream ended").unwrap();
        if let Ok(data) = frame.into_data() {
            buf.push_str(&String::from_utf8_lossy(&data));
        }
        while let Some(end) = buf.find("\n\n") {
            let block = buf[..end].to_owned();
            buf.drain(..end + 2);
            let is_status = block.lines().any(|l| l == "event: app_status");
            let data: String = block
                .lines()
                .filter_map(|l| l.strip_prefix("data: "))
                .collect();
            if is_status {
                let v: serde_json::Value = serde_json::from_str(&data).unwrap();
                if pred(&v) {
                    return v;
                }
            }
        }
    }
}

#[tokio::test]
#[ignore = "cluster tier"]
async fn install_restart_upgrade_uninstall_and_reinstall_through_the_api() {
    let name = format!("sonarr-{}", unique_suffix());
    let t = TestApp::builder()
        .charts(&[("sonarr", &name)])
        .real_cluster()
        .admin()
        .build()
        .await;
    let tc = TestCluster::get();

    // Listen on the event stream first, as the dashboard does.
    let req = Request::get("/api/events/stream")
        .header(
            "authorization",
            format!("Bearer {}", t.admin_token.as_deref().unwrap()),
        )
        .body(Body::empty())
        .unwrap();
    let res = t.router.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/event-stream"));
    let mut events = res.into_body();

    let started = Instant::now();
    let res = t
        .admin(
            Method::POST,
            "/api/apps/install",
            Some(json!({"app_name": name})),
        )
        .await;
    assert_eq!(res.status, StatusCode::ACCEPTED, "{}", res.text());
    assert_eq!(res.json(), json!({"app_name": name, "state": "installing"}));
    let first = wait_event(&mut events, LONG, |e| e["name"] == name.as_str()).await;
    assert_eq!(first["state"], "installing");
    wait_event(&mut events, LONG, |e| {
        e["name"] == name.as_str() && e["state"] == "installed"
    })
    .await;
    println!(
        "BENCH install→installed on SSE: {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let status = t.wait_state(&name, "installed", LONG).await;
    assert_eq!(status["message"], "Running");

    // Lists and details.
    let list = t.admin(Method::GET, "/api/apps", None).await.json();
    let item = &list.as_array().unwrap()[0];
    assert_eq!(item["name"], name.as_str());
    assert_eq!(item["namespace"], name.as_str());
    assert_eq!(item["version"], "1.2.0");
    assert!(item["total_pods"].as_u64().unwrap() >= 1);
    assert_eq!(item["ready_pods"], item["total_pods"]);
    let catalog = t.admin(Method::GET, "/api/apps/catalog", None).await.json();
    assert_eq!(catalog[0]["installed"], true);
    let pods = t
        .admin(Method::GET, &format!("/api/apps/{name}/pods"), None)
        .await
        .json();
    let pod = pods[0]["name"].as_str().unwrap().to_owned();
    assert_eq!(pods[0]["ready"], true);
    assert_eq!(pods[0]["phase"], "Running");
    assert!(pods[0]["node"].is_string());
    let evs = t
        .admin(Method::GET, &format!("/api/apps/{name}/events"), None)
        .await;
    assert_eq!(evs.status, StatusCode::OK);
    assert!(
        evs.json()
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["reason"] == "Scheduled"),
        "{}",
        evs.text()
    );

    // Status reads come from the watch caches: no API-server request for 1,000 of them.
    let before = t.cluster().request_count();
    for _ in 0..1000 {
        let res = t.admin(Method::GET, "/api/apps", None).await;
        assert_eq!(res.status, StatusCode::OK);
    }
    assert_eq!(
        t.cluster().request_count(),
        before,
        "GET /api/apps made API-server requests"
    );

    // Logs: a line appended to the pod's log reaches a follow stream.
    let marker = format!("kubarr-api-follow-{}", unique_suffix());
    let req = Request::get(format!(
        "/api/apps/{name}/logs?pod={pod}&follow=true&tail_lines=1"
    ))
    .header(
        "authorization",
        format!("Bearer {}", t.admin_token.as_deref().unwrap()),
    )
    .body(Body::empty())
    .unwrap();
    let res = t.router.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain"));
    let mut body = res.into_body();
    let found = tokio::time::timeout(Duration::from_secs(60), async {
        let mut seen = String::new();
        loop {
            tc.append_pod_log(&marker).unwrap();
            if let Ok(Some(Ok(frame))) =
                tokio::time::timeout(Duration::from_millis(500), body.frame()).await
            {
                if let Ok(data) = frame.into_data() {
                    seen.push_str(&String::from_utf8_lossy(&data));
                    if seen.contains(&marker) {
                        return true;
                    }
                }
            }
        }
    })
    .await
    .unwrap_or(false);
    assert!(found, "followed logs never showed the appended line");
    drop(body);
    let res = t
        .admin(
            Method::GET,
            &format!("/api/apps/{name}/logs?tail_lines=0"),
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    // Only a pod of this app, by a well-formed name: never a name passed on to the API server.
    for pod in ["nope", "..%2F..%2Fetc", "Other-Pod", &format!("{pod}.x")] {
        let res = t
            .admin(
                Method::GET,
                &format!("/api/apps/{name}/logs?pod={pod}"),
                None,
            )
            .await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "{pod}: {}", res.text());
        assert_eq!(res.json()["error"]["code"], "invalid_pod", "{pod}");
    }
    follow_ends_with_the_permission_and_the_session(&t, &name, &pod).await;

    // Restart replaces the pods.
    let res = t
        .admin(Method::POST, &format!("/api/apps/{name}/restart"), None)
        .await;
    assert_eq!(res.status, StatusCode::ACCEPTED, "{}", res.text());
    let deadline = Instant::now() + LONG;
    loop {
        let pods = t
            .admin(Method::GET, &format!("/api/apps/{name}/pods"), None)
            .await
            .json();
        let pods = pods.as_array().unwrap();
        if !pods.is_empty()
            && pods
                .iter()
                .all(|p| p["name"] != pod.as_str() && p["ready"] == true)
        {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "pods were not replaced: {pods:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    t.wait_state(&name, "installed", LONG).await;

    // Upgrade with changed values.
    let res = t
        .admin(
            Method::POST,
            &format!("/api/apps/{name}/upgrade"),
            Some(json!({"values": {"timezone": "Europe/Amsterdam"}})),
        )
        .await;
    assert_eq!(res.status, StatusCode::ACCEPTED, "{}", res.text());
    let client = t.cluster().client();
    let deadline = Instant::now() + LONG;
    loop {
        let d: Deployment = Api::namespaced(client.clone(), &name)
            .get(&name)
            .await
            .unwrap();
        let env = d.spec.unwrap().template.spec.unwrap().containers[0]
            .env
            .clone()
            .unwrap_or_default();
        if env
            .iter()
            .any(|e| e.name == "TZ" && e.value.as_deref() == Some("Europe/Amsterdam"))
        {
            break;
        }
        assert!(Instant::now() < deadline, "upgrade never applied");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    t.wait_state(&name, "installed", LONG).await;
    let res = t
        .admin(
            Method::POST,
            &format!("/api/apps/{name}/upgrade"),
            Some(json!({"version": "9.9.9"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Uninstall keeping data, then reinstall onto it.
    let pvcs: Vec<PersistentVolumeClaim> = Api::namespaced(client.clone(), &name)
        .list(&Default::default())
        .await
        .unwrap()
        .items;
    let uid = pvcs[0].metadata.uid.clone();
    let res = t
        .admin(Method::DELETE, &format!("/api/apps/{name}"), None)
        .await;
    assert_eq!(res.status, StatusCode::ACCEPTED);
    t.wait_state(&name, "not_installed", LONG).await;
    let pvcs: Vec<PersistentVolumeClaim> = Api::namespaced(client.clone(), &name)
        .list(&Default::default())
        .await
        .unwrap()
        .items;
    assert_eq!(pvcs.len(), 1, "the data claim is kept");
    let res = t
        .admin(
            Method::POST,
            "/api/apps/install",
            Some(json!({"app_name": name})),
        )
        .await;
    assert_eq!(res.status, StatusCode::ACCEPTED);
    t.wait_state(&name, "installed", LONG).await;
    let pvcs: Vec<PersistentVolumeClaim> = Api::namespaced(client.clone(), &name)
        .list(&Default::default())
        .await
        .unwrap()
        .items;
    assert_eq!(pvcs[0].metadata.uid, uid, "reinstalled onto the kept claim");

    // Uninstall with data: the namespace is gone.
    let res = t
        .admin(
            Method::DELETE,
            &format!("/api/apps/{name}?delete_data=true"),
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::ACCEPTED);
    t.wait_state(&name, "not_installed", LONG).await;
    assert!(Api::<Namespace>::all(client)
        .get_opt(&name)
        .await
        .unwrap()
        .is_none());

    // Every step is in the audit log with its outcome.
    let rows = kubarr_db::entities::audit_logs::Entity::find()
        .all(&t.state.db)
        .await
        .unwrap();
    let actions: Vec<String> = rows
        .iter()
        .filter(|r| r.resource_id.as_deref() == Some(name.as_str()))
        .map(|r| r.action.clone())
        .collect();
    for a in [
        "app_installed",
        "app_restarted",
        "app_upgraded",
        "app_uninstalled",
    ] {
        assert!(
            actions.iter().any(|x| x == a),
            "{a} missing from {actions:?}"
        );
    }
    t.cleanup().await;
}

/// Opens a followed log as `token`; returns a task that resolves when the body ends.
async fn follow(t: &TestApp, token: &str, app: &str, pod: &str) -> tokio::task::JoinHandle<()> {
    let req = Request::get(format!(
        "/api/apps/{app}/logs?pod={pod}&follow=true&tail_lines=1"
    ))
    .header("authorization", format!("Bearer {token}"))
    .body(Body::empty())
    .unwrap();
    let res = t.router.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let mut body = res.into_body();
    tokio::spawn(async move { while let Some(Ok(_)) = body.frame().await {} })
}

async fn assert_ends(stream: tokio::task::JoinHandle<()>, why: &str) {
    assert!(!stream.is_finished(), "the followed log ended before {why}");
    tokio::time::timeout(Duration::from_secs(15), stream)
        .await
        .unwrap_or_else(|_| panic!("the followed log outlived {why}"))
        .unwrap();
}

/// A followed log stops when its reader loses `logs.view` for the app, and when the session ends.
async fn follow_ends_with_the_permission_and_the_session(t: &TestApp, app: &str, pod: &str) {
    let res = t
        .admin(
            Method::POST,
            "/api/roles",
            Some(json!({"name": format!("logs-{app}"), "app_grants": [
                {"app_name": app, "permission": "apps.view"},
                {"app_name": app, "permission": "logs.view"}
            ]})),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    let role = res.json()["id"].as_i64().unwrap();
    let res = t
        .admin(
            Method::POST,
            "/api/users",
            Some(json!({"username": "reader", "email": "reader@example.test",
                "password": "reader plover marzipan 88", "role_ids": [role]})),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
    let reader = res.json()["id"].as_i64().unwrap();
    let token = crate::identity_support::session_for(t, reader).await;

    let stream = follow(t, &token, app, pod).await;
    let res = t
        .admin(
            Method::PUT,
            &format!("/api/roles/{role}/apps"),
            Some(json!({"grants": [{"app_name": app, "permission": "apps.view"}]})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    assert_ends(stream, "the loss of logs.view").await;

    let res = t
        .admin(
            Method::PUT,
            &format!("/api/roles/{role}/apps"),
            Some(json!({"grants": [
                {"app_name": app, "permission": "apps.view"},
                {"app_name": app, "permission": "logs.view"}
            ]})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    let stream = follow(t, &token, app, pod).await;
    let res = t
        .call_as(&token, Method::POST, "/api/auth/logout", None)
        .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    assert_ends(stream, "logout").await;
}
