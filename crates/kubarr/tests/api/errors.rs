use axum::http::{Method, StatusCode};

use crate::helpers::TestApp;

#[tokio::test]
async fn unknown_api_path_is_a_json_404() {
    let app = TestApp::new().await;
    for path in ["/api/nope", "/api", "/api/health/extra"] {
        let res = app.get(path).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(res.error_code(), "not_found", "{path}");
    }
    app.cleanup().await;
}

#[tokio::test]
async fn wrong_method_is_a_json_405() {
    let app = TestApp::new().await;
    let res = app.request(Method::DELETE, "/api/health", None, "").await;
    assert_eq!(res.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(res.error_code(), "method_not_allowed");
    assert!(res.header("allow").is_some_and(|a| a.contains("GET")));
    app.cleanup().await;
}
