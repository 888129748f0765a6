//! The OpenAPI document is served and matches the committed snapshot `docs/openapi.json`.
//! After an intended API change, refresh it with `make openapi` (or `UPDATE_SNAPSHOTS=1`).

use axum::http::StatusCode;
use serde_json::json;

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

/// What the server enforces is stated in the document (the typed client and schemathesis
/// rely on it).
#[test]
fn the_document_states_the_constraints_the_server_enforces() {
    let doc = serde_json::to_value(kubarr::router::openapi()).unwrap();
    let paths = &doc["paths"];
    let schemas = &doc["components"]["schemas"];
    for list in ["/api/users", "/api/invites", "/api/audit"] {
        let limit = paths[list]["get"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == "limit")
            .unwrap();
        assert_eq!(
            (
                limit["schema"]["minimum"].as_f64(),
                limit["schema"]["maximum"].as_f64()
            ),
            (Some(1.0), Some(200.0)),
            "{list}"
        );
    }
    let create = &schemas["CreateUserRequest"]["properties"];
    assert_eq!(
        create["username"]["pattern"],
        "^[A-Za-z0-9][A-Za-z0-9._-]{2,63}$"
    );
    assert!(create["email"]["pattern"].is_string());
    assert_eq!(create["password"]["minLength"], 8);
    let hours = &schemas["CreateInviteRequest"]["properties"]["expires_in_hours"];
    assert_eq!(
        (hours["minimum"].as_f64(), hours["maximum"].as_f64()),
        (Some(1.0), Some(720.0))
    );
    let permissions = &schemas["SetPermissionsRequest"]["properties"]["permissions"]["items"];
    assert!(permissions["enum"]
        .as_array()
        .unwrap()
        .contains(&json!("users.view")));
    let grant = &schemas["AppGrant"]["properties"];
    assert_eq!(
        grant["app_name"]["pattern"],
        kubarr_orchestrator::AppName::PATTERN
    );
    assert!(!grant["permission"]["enum"]
        .as_array()
        .unwrap()
        .contains(&json!("users.view")));
    let value = &schemas["SettingResponse"]["properties"]["value"]["oneOf"];
    assert_eq!(value.as_array().unwrap().len(), 5);
    assert!(paths.get("/api/settings/{key}").is_none());
    let put = &paths["/api/settings/registration_enabled"]["put"];
    assert_eq!(
        put["requestBody"]["content"]["application/json"]["schema"]["properties"]["value"]["type"],
        "boolean"
    );
    let uninstall = &paths["/api/apps/{app}"]["delete"];
    assert!(
        uninstall["responses"]["400"].is_object(),
        "delete_data=x is a 400"
    );
    let app_param = &uninstall["parameters"][0];
    assert_eq!(
        app_param["schema"]["pattern"],
        kubarr_orchestrator::AppName::PATTERN
    );
    let code = &schemas["ErrorDetail"]["properties"]["code"];
    assert_eq!(code["$ref"], "#/components/schemas/ErrorCode");
}
