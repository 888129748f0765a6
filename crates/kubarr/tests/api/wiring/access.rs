//! Who sees and changes links: both apps visible to see one, `apps.upgrade` on both to change
//! it; unknown links and bad bodies get clear errors.

use axum::http::{Method, StatusCode};
use serde_json::json;

use super::stack::Stack;
use crate::helpers::TestApp;

#[tokio::test]
async fn links_follow_the_callers_grants() {
    let mut s = Stack::new().await;
    for app in ["sonarr", "qbittorrent"] {
        s.install(app).await;
    }
    s.pass().await;
    // Sees and may upgrade sonarr only: the qBittorrent link is not theirs to see.
    let token = user_with_grants(
        &s.t,
        "member",
        &[("sonarr", &["apps.view", "apps.upgrade"])],
    )
    .await;
    let res =
        s.t.call_as(&token, Method::GET, "/api/stack/wiring", None)
            .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    let graph = res.json();
    let ids: Vec<&str> = graph["links"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["sonarr:root-folder:sonarr"], "{graph}");
    assert_eq!(graph["apps"].as_array().unwrap().len(), 1);
    assert_eq!(graph["links"][0]["can_manage"], true);
    let res =
        s.t.call_as(
            &token,
            Method::POST,
            "/api/stack/wiring/sonarr:download-client:qbittorrent/repair",
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert_eq!(res.error_code(), "link_not_found");

    // Sees both, may upgrade neither: 403 on changes, `can_manage` false.
    let viewer = user_with_grants(
        &s.t,
        "viewer",
        &[("sonarr", &["apps.view"]), ("qbittorrent", &["apps.view"])],
    )
    .await;
    let res =
        s.t.call_as(&viewer, Method::GET, "/api/stack/wiring", None)
            .await;
    assert!(res.json()["links"]
        .as_array()
        .unwrap()
        .iter()
        .all(|l| l["can_manage"] == false));
    let res =
        s.t.call_as(
            &viewer,
            Method::PUT,
            "/api/stack/wiring/sonarr:download-client:qbittorrent",
            Some(json!({"enabled": false})),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.text());

    // Bad input: clear errors, nothing changed.
    let res =
        s.t.admin(
            Method::PUT,
            "/api/stack/wiring/sonarr:download-client:qbittorrent",
            Some(json!({"enabled": "no"})),
        )
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST, "{}", res.text());
    let res =
        s.t.admin(
            Method::POST,
            "/api/stack/wiring/nothing:here:at-all/repair",
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert_eq!(res.error_code(), "link_not_found");
    assert_eq!(
        s.link("sonarr:download-client:qbittorrent").await["state"],
        "ok"
    );
}

/// A user whose one role grants `grants` (app, permissions); their token.
async fn user_with_grants(t: &TestApp, name: &str, grants: &[(&str, &[&str])]) -> String {
    let role = t
        .admin(
            Method::POST,
            "/api/roles",
            Some(json!({"name": format!("{name}-role"), "description": "Wiring test"})),
        )
        .await;
    assert_eq!(role.status, StatusCode::CREATED, "{}", role.text());
    let role_id = role.json()["id"].as_i64().unwrap();
    let grants: Vec<_> = grants
        .iter()
        .flat_map(|(app, perms)| {
            perms
                .iter()
                .map(move |p| json!({"app_name": app, "permission": p}))
        })
        .collect();
    let res = t
        .admin(
            Method::PUT,
            &format!("/api/roles/{role_id}/apps"),
            Some(json!({ "grants": grants })),
        )
        .await;
    assert!(res.status.is_success(), "{}", res.text());
    let password = format!("{name} plover marzipan 62");
    let user = t
        .admin(
            Method::POST,
            "/api/users",
            Some(json!({"username": name, "email": format!("{name}@example.test"), "password": password, "role_ids": [role_id]})),
        )
        .await;
    assert_eq!(user.status, StatusCode::CREATED, "{}", user.text());
    let login = t
        .request(
            Method::POST,
            "/api/auth/login",
            Some("application/json"),
            json!({"username": name, "password": password}).to_string(),
        )
        .await;
    assert_eq!(login.status, StatusCode::OK, "{}", login.text());
    login.json()["token"].as_str().unwrap().to_owned()
}
