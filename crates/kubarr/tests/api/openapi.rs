//! The OpenAPI document is served and matches the committed snapshot `docs/openapi.json`.
//! After an intended API change, refresh it with `make openapi` (or `UPDATE_SNAPSHOTS=1`).

use axum::http::StatusCode;

use crate::helpers::TestApp;

fn snapshot_path() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/openapi.json")
}

#[tokio::test]
async fn openapi_document_is_served_and_matches_the_snapshot() {
    let app = TestApp::new().await;
    let res = app.get("/api/openapi.json").await;
    assert_eq!(res.status, StatusCode::OK);
    let served = res.json();
    assert_eq!(served["info"]["title"], "Kubarr API");
    assert!(served["paths"]["/api/health"]["get"].is_object());
    let generated = format!("{}\n", kubarr::router::openapi().to_pretty_json().unwrap());
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&generated).unwrap(),
        served
    );
    let path = snapshot_path();
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/openapi.json is out of date: run `make openapi` and review the diff"
    );
    app.cleanup().await;
}

#[test]
fn every_route_is_documented() {
    let doc = kubarr::router::openapi();
    for path in ["/api/health", "/api/ready"] {
        assert!(
            doc.paths.paths.contains_key(path),
            "{path} missing from OpenAPI"
        );
    }
}
