use std::time::Duration;

use axum::http::{Method, StatusCode};
use serde_json::json;

use kubarr_testbed::unique_suffix;

use crate::helpers::TestApp;

/// Builds the app with `sonarr-<tag>` and `radarr-<tag>` on the fakes or on the test cluster.
async fn two_apps(real: bool) -> (TestApp, String, String) {
    let tag = unique_suffix();
    let (a, b) = (format!("sonarr-{tag}"), format!("radarr-{tag}"));
    let builder = TestApp::builder().charts(&[("sonarr", &a), ("radarr", &b)]);
    let builder = if real {
        builder.real_cluster()
    } else {
        builder.fake_cluster()
    };
    (builder.admin().build().await, a, b)
}

#[tokio::test]
async fn per_app_grants_allow_one_app_and_hide_the_others() {
    let (t, a, b) = two_apps(false).await;
    per_app_grants(t, a, b).await;
}

#[tokio::test]
#[ignore = "cluster tier"]
async fn per_app_grants_allow_one_app_and_hide_the_others_on_the_cluster() {
    let (t, a, b) = two_apps(true).await;
    per_app_grants(t, a, b).await;
}

/// A user whose role may view and restart app A only: restarts A, gets 404 for B, and sees only
/// A in every list.
async fn per_app_grants(t: TestApp, a: String, b: String) {
    let tag = unique_suffix();
    for app in [&a, &b] {
        let res = t
            .admin(
                Method::POST,
                "/api/apps/install",
                Some(json!({"app_name": app})),
            )
            .await;
        assert_eq!(res.status, StatusCode::ACCEPTED);
    }
    let role = t
        .admin(
            Method::POST,
            "/api/roles",
            Some(json!({"name": format!("sonarr-keeper-{tag}"), "description": "Restarts Sonarr"})),
        )
        .await;
    assert_eq!(role.status, StatusCode::CREATED, "{}", role.text());
    let role_id = role.json()["id"].as_i64().unwrap();
    let res = t
        .admin(
            Method::PUT,
            &format!("/api/roles/{role_id}/apps"),
            Some(json!({"grants": [{"app_name": a, "permission": "apps.view"}, {"app_name": a, "permission": "apps.restart"}]})),
        )
        .await;
    assert!(res.status.is_success(), "{}", res.text());
    let user = t
        .admin(
            Method::POST,
            "/api/users",
            Some(json!({"username": "keeper", "email": "keeper@example.test", "password": "keeper plover marzipan 61", "role_ids": [role_id]})),
        )
        .await;
    assert_eq!(user.status, StatusCode::CREATED, "{}", user.text());
    let login = t
        .request(
            Method::POST,
            "/api/auth/login",
            Some("application/json"),
            json!({"username": "keeper", "password": "keeper plover marzipan 61"}).to_string(),
        )
        .await;
    assert_eq!(login.status, StatusCode::OK, "{}", login.text());
    let token = login.json()["token"].as_str().unwrap().to_owned();
    for app in [&a, &b] {
        t.wait_state(app, "installed", Duration::from_secs(180))
            .await;
    }

    let res = t
        .call_as(
            &token,
            Method::POST,
            &format!("/api/apps/{a}/restart"),
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::ACCEPTED, "{}", res.text());
    let res = t
        .call_as(
            &token,
            Method::POST,
            &format!("/api/apps/{b}/restart"),
            None,
        )
        .await;
    assert_eq!(
        res.status,
        StatusCode::NOT_FOUND,
        "B is invisible, not forbidden: {}",
        res.text()
    );
    let res = t
        .call_as(&token, Method::GET, &format!("/api/apps/{b}/status"), None)
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    let res = t
        .call_as(&token, Method::DELETE, &format!("/api/apps/{a}"), None)
        .await;
    assert_eq!(
        res.status,
        StatusCode::FORBIDDEN,
        "viewing A does not allow deleting it"
    );
    let res = t
        .call_as(&token, Method::GET, &format!("/api/apps/{a}/logs"), None)
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "no logs.view for A");
    let res = t
        .call_as(
            &token,
            Method::POST,
            "/api/apps/install",
            Some(json!({"app_name": b})),
        )
        .await;
    // B is invisible to them, so installing it is a 404 like every other request about B.
    assert_eq!(res.status, StatusCode::NOT_FOUND, "{}", res.text());
    let res = t
        .call_as(
            &token,
            Method::POST,
            "/api/apps/install",
            Some(json!({"app_name": a})),
        )
        .await;
    assert_eq!(
        res.status,
        StatusCode::FORBIDDEN,
        "A is visible, apps.install missing"
    );
    let list = t
        .call_as(&token, Method::GET, "/api/apps", None)
        .await
        .json();
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, [a.as_str()]);
    let catalog = t
        .call_as(&token, Method::GET, "/api/apps/catalog", None)
        .await
        .json();
    let names: Vec<&str> = catalog
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, [a.as_str()]);

    for app in [&a, &b] {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        loop {
            let res = t
                .admin(
                    Method::DELETE,
                    &format!("/api/apps/{app}?delete_data=true"),
                    None,
                )
                .await;
            if res.status == StatusCode::ACCEPTED {
                break;
            }
            assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.text());
            assert!(tokio::time::Instant::now() < deadline);
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
    for app in [&a, &b] {
        t.wait_state(app, "not_installed", Duration::from_secs(180))
            .await;
    }
    t.cleanup().await;
}
