use axum::http::{Method, StatusCode};

use crate::helpers::TestApp;

fn write_build(app: &TestApp) {
    let web = app.web_dir();
    std::fs::create_dir_all(web.join("assets")).unwrap();
    std::fs::write(
        web.join("index.html"),
        "<!doctype html><div id=root>kubarr-spa</div>",
    )
    .unwrap();
    std::fs::write(web.join("assets/index-abc123.js"), "console.log('kubarr')").unwrap();
    std::fs::write(web.join("favicon.svg"), "<svg/>").unwrap();
}

#[tokio::test]
async fn client_routes_fall_back_to_index_html_without_caching() {
    let app = TestApp::new().await;
    write_build(&app);
    for path in ["/", "/apps/sonarr", "/login", "/settings/deep/link"] {
        let res = app.get(path).await;
        assert_eq!(res.status, StatusCode::OK, "{path}");
        assert!(res.text().contains("kubarr-spa"), "{path}");
        assert_eq!(res.header("cache-control"), Some("no-cache"), "{path}");
        assert!(res.header("content-type").unwrap().starts_with("text/html"));
    }
    app.cleanup().await;
}

#[tokio::test]
async fn hashed_assets_are_cached_for_a_year() {
    let app = TestApp::new().await;
    write_build(&app);
    let res = app.get("/assets/index-abc123.js").await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.text(), "console.log('kubarr')");
    assert_eq!(
        res.header("cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    let res = app.get("/favicon.svg").await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.header("cache-control"), Some("no-cache"));
    app.cleanup().await;
}

#[tokio::test]
async fn missing_files_are_404_not_index() {
    let app = TestApp::new().await;
    write_build(&app);
    let res = app.get("/assets/missing-123.js").await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    // Path traversal never reaches outside the web directory.
    let res = app.get("/../../etc/passwd").await;
    assert!(!res.text().contains("root:"), "{}", res.text());
    let res = app.get("/assets/..%2f..%2f..%2fetc%2fpasswd").await;
    assert!(!res.text().contains("root:"), "{}", res.text());
    app.cleanup().await;
}

#[tokio::test]
async fn without_a_build_a_page_explains_how_to_build_it() {
    let app = TestApp::new().await;
    let res = app.get("/").await;
    assert_eq!(res.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(res.text().contains("make web"), "{}", res.text());
    // The API keeps working.
    assert_eq!(app.get("/api/health").await.status, StatusCode::OK);
    app.cleanup().await;
}

#[tokio::test]
async fn non_get_on_spa_paths_is_rejected() {
    let app = TestApp::new().await;
    write_build(&app);
    let res = app.request(Method::POST, "/login", None, "").await;
    assert_eq!(res.status, StatusCode::METHOD_NOT_ALLOWED);
    app.cleanup().await;
}
