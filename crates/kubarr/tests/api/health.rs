use axum::http::StatusCode;

use crate::helpers::TestApp;

#[tokio::test]
async fn health_is_ok() {
    let app = TestApp::new().await;
    let res = app.get("/api/health").await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.json(), serde_json::json!({"status": "ok"}));
    app.cleanup().await;
}

#[tokio::test]
async fn ready_reports_the_database() {
    let app = TestApp::new().await;
    let res = app.get("/api/ready").await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.json()["database"], "ok");
    assert_eq!(res.json()["cluster"], "not_configured");
    app.cleanup().await;
}

#[tokio::test]
async fn ready_is_503_when_the_database_is_gone() {
    let app = TestApp::new().await;
    app.state.db.clone().close().await.unwrap();
    let res = app.get("/api/ready").await;
    assert_eq!(res.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(res.json()["database"], "unavailable");
    app.cleanup().await;
}

#[tokio::test]
async fn every_response_carries_security_headers_and_a_request_id() {
    let app = TestApp::new().await;
    for path in ["/api/health", "/api/nope", "/some/page"] {
        let res = app.get(path).await;
        let csp = res.header("content-security-policy").unwrap_or_default();
        assert!(csp.contains("default-src 'self'"), "{path}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert_eq!(
            res.header("x-content-type-options"),
            Some("nosniff"),
            "{path}"
        );
        assert_eq!(res.header("referrer-policy"), Some("no-referrer"), "{path}");
        assert_eq!(res.header("x-frame-options"), Some("DENY"), "{path}");
        assert!(
            res.header("x-request-id").is_some_and(|v| v.len() >= 32),
            "{path}"
        );
    }
    app.cleanup().await;
}
