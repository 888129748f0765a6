use axum::http::{Method, StatusCode};

use kubarr_testbed::unique_suffix;

use crate::helpers::TestApp;

#[tokio::test]
async fn catalog_lists_every_shipped_app_with_metadata() {
    let app = TestApp::with_config(|c| {
        c.charts_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../charts/catalog")
    })
    .await;
    let res = app
        .request(Method::POST, "/api/setup", Some("application/json"),
            serde_json::json!({"username": "admin", "email": "a@example.test", "password": "admin plover marzipan 60"}).to_string())
        .await;
    let token = res.json()["token"].as_str().unwrap().to_owned();
    let get = |path: &'static str| {
        let req = axum::http::Request::get(path)
            .header("authorization", format!("Bearer {token}"))
            .body(axum::body::Body::empty())
            .unwrap();
        app.send(req)
    };
    let res = get("/api/apps/catalog").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    let items = res.json();
    let names: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 19, "{names:?}");
    let sonarr = items
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["name"] == "sonarr")
        .unwrap();
    assert_eq!(sonarr["display_name"], "Sonarr");
    assert_eq!(sonarr["category"], "media-manager");
    assert_eq!(sonarr["installed"], false);
    assert_eq!(sonarr["icon_url"], "/api/apps/catalog/sonarr/icon");

    let res = get("/api/apps/catalog/sonarr").await;
    assert_eq!(res.status, StatusCode::OK);
    let detail = res.json();
    assert_eq!(detail["values_schema"]["type"], "object");
    assert_eq!(detail["default_values"]["service"]["port"], 8989);
    assert_eq!(
        get("/api/apps/catalog/nope").await.status,
        StatusCode::NOT_FOUND
    );

    // The icon is public and cacheable.
    let res = app.get("/api/apps/catalog/sonarr/icon").await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.header("content-type"), Some("image/svg+xml"));
    assert!(res.header("cache-control").unwrap().contains("max-age"));
    assert!(res.text().contains("<svg"));
    assert_eq!(
        app.get("/api/apps/catalog/nope/icon").await.status,
        StatusCode::NOT_FOUND
    );

    // Without a cluster, operations say so.
    let req = axum::http::Request::post("/api/apps/install")
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/json")
        .body(axum::body::Body::from(r#"{"app_name":"sonarr"}"#))
        .unwrap();
    let res = app.send(req).await;
    assert_eq!(
        res.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        res.text()
    );
    assert_eq!(res.error_code(), "cluster_unavailable");
    app.cleanup().await;
}

#[tokio::test]
async fn catalog_reload_picks_up_new_charts_and_reports_broken_ones() {
    let name = format!("bazarr-{}", unique_suffix());
    let t = TestApp::builder()
        .charts(&[("bazarr", &name)])
        .admin()
        .build()
        .await;
    let res = t.admin(Method::GET, "/api/apps/catalog", None).await;
    assert_eq!(res.json().as_array().unwrap().len(), 1);
    let dir = t.state.config.charts_dir.clone();
    std::fs::create_dir_all(dir.join("broken")).unwrap();
    std::fs::write(dir.join("broken/Chart.yaml"), "name: [").unwrap();
    let res = t
        .admin(Method::POST, "/api/apps/catalog/reload", None)
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    assert_eq!(res.json()["apps"], 1);
    assert_eq!(res.json()["problems"].as_array().unwrap().len(), 1);
    t.cleanup().await;
}
