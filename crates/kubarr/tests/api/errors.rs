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

/// A known path with a method it does not serve is a 405 whose `Allow` lists exactly the
/// methods the path has (and HEAD wherever GET is), never a 404 and never another path's.
#[tokio::test]
async fn an_unsupported_method_on_a_known_path_is_405_with_its_own_allow() {
    let app = TestApp::new().await;
    for (method, path, allowed) in [
        (Method::PUT, "/api/settings", &["GET", "HEAD"][..]),
        (Method::GET, "/api/settings/registration_enabled", &["PUT"]),
        (
            Method::POST,
            "/api/users/1",
            &["GET", "HEAD", "PATCH", "DELETE"],
        ),
        (Method::PATCH, "/api/apps/sonarr", &["DELETE"]),
    ] {
        let res = app.request(method.clone(), path, None, "").await;
        assert_eq!(
            res.status,
            StatusCode::METHOD_NOT_ALLOWED,
            "{method} {path}"
        );
        assert_eq!(res.error_code(), "method_not_allowed");
        let mut allow: Vec<String> = res
            .header("allow")
            .unwrap_or_default()
            .split(',')
            .map(|m| m.trim().to_owned())
            .collect();
        allow.sort();
        let mut want: Vec<String> = allowed.iter().map(|m| (*m).to_owned()).collect();
        want.sort();
        assert_eq!(allow, want, "{method} {path}");
    }
    app.cleanup().await;
}
