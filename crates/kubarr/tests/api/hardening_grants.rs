//! "Grant only what you hold", everywhere: the registration role, invites, replacing a role's
//! permissions or grants, the public URL, and permission extractors that cannot be satisfied by a
//! grant for some other app.

use axum::http::{Method, StatusCode};
use axum::routing::get;
use serde_json::{json, Value};

use crate::helpers::TestApp;
use crate::identity_support::*;

/// Creates a custom role (as the admin); returns its id.
async fn custom_role(
    app: &TestApp,
    admin: &Principal,
    name: &str,
    perms: &[&str],
    grants: Value,
) -> i64 {
    let res = app
        .call(Method::POST, "/api/roles")
        .bearer(&admin.token)
        .json(json!({"name": name, "permissions": perms, "app_grants": grants}))
        .send()
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    res.json()["id"].as_i64().unwrap()
}

async fn put_setting(
    app: &TestApp,
    token: &str,
    key: &str,
    value: Value,
) -> crate::helpers::TestResponse {
    app.call(Method::PUT, &format!("/api/settings/{key}"))
        .bearer(token)
        .json(json!({ "value": value }))
        .send()
        .await
}

const VIEWER_PERMS: [&str; 3] = ["apps.view", "logs.view", "monitoring.view"];

#[tokio::test]
async fn only_a_holder_of_the_role_decides_what_new_accounts_get() {
    let app = TestApp::new().await;
    let admin = setup_admin(&app).await;
    let mut perms = vec!["settings.view", "settings.manage"];
    perms.extend(VIEWER_PERMS);
    custom_role(&app, &admin, "configurer", &perms, json!([])).await;
    let cfg = create_user(&app, &admin.token, "cfg", &["configurer"]).await;

    // The role they hold (viewer's permissions): fine. More: refused.
    let res = put_setting(
        &app,
        &cfg.token,
        "registration_default_role",
        json!("viewer"),
    )
    .await;
    assert_eq!(res.status, 200, "{}", res.text());
    for role in ["admin", "operator"] {
        let res = put_setting(&app, &cfg.token, "registration_default_role", json!(role)).await;
        assert_eq!(res.status, 403, "{role}: {}", res.text());
        assert_eq!(res.error_code(), "cannot_grant");
    }
    // Once an administrator made the default role `operator`, opening registration or dropping
    // approval would hand it out: the same rule.
    let res = put_setting(
        &app,
        &admin.token,
        "registration_default_role",
        json!("operator"),
    )
    .await;
    assert_eq!(res.status, 200, "{}", res.text());
    for (key, value) in [
        ("registration_enabled", json!(true)),
        ("registration_requires_approval", json!(false)),
    ] {
        let res = put_setting(&app, &cfg.token, key, value).await;
        assert_eq!(res.status, 403, "{key}: {}", res.text());
        assert_eq!(res.error_code(), "cannot_grant");
    }
    let res = put_setting(&app, &admin.token, "registration_enabled", json!(true)).await;
    assert_eq!(res.status, 200, "{}", res.text());
    app.cleanup().await;
}

#[tokio::test]
async fn an_invite_needs_the_right_to_create_its_account() {
    let app = TestApp::new().await;
    let admin = setup_admin(&app).await;
    custom_role(
        &app,
        &admin,
        "door",
        &["users.view", "users.manage"],
        json!([]),
    )
    .await;
    let mut perms = vec!["users.view", "users.manage"];
    perms.extend(VIEWER_PERMS);
    custom_role(&app, &admin, "host", &perms, json!([])).await;
    let door = create_user(&app, &admin.token, "door", &["door"]).await;
    let host = create_user(&app, &admin.token, "host", &["host"]).await;

    // The invite creates a `viewer`; `door` could not create a viewer themselves.
    let invite = |token: String| {
        let app = &app;
        async move {
            app.call(Method::POST, "/api/invites")
                .bearer(&token)
                .json(json!({}))
                .send()
                .await
        }
    };
    let res = invite(door.token.clone()).await;
    assert_eq!(res.status, 403, "{}", res.text());
    assert_eq!(res.error_code(), "cannot_grant");
    assert_eq!(invite(host.token.clone()).await.status, 201);
    // A stronger registration role is out of reach for `host` too.
    let res = put_setting(
        &app,
        &admin.token,
        "registration_default_role",
        json!("operator"),
    )
    .await;
    assert_eq!(res.status, 200);
    let res = invite(host.token.clone()).await;
    assert_eq!(res.status, 403, "{}", res.text());
    assert_eq!(res.error_code(), "cannot_grant");
    assert_eq!(invite(admin.token.clone()).await.status, 201);
    app.cleanup().await;
}

#[tokio::test]
async fn replacing_a_roles_permissions_or_grants_needs_what_it_holds_now() {
    let app = TestApp::new().await;
    let admin = setup_admin(&app).await;
    let strong = custom_role(
        &app,
        &admin,
        "strong",
        &["users.manage", "users.view"],
        json!([]),
    )
    .await;
    let granted = custom_role(
        &app,
        &admin,
        "granted",
        &[],
        json!([{"app_name": "sonarr", "permission": "apps.delete"}]),
    )
    .await;
    custom_role(
        &app,
        &admin,
        "role-editor",
        &["roles.view", "roles.manage", "apps.view"],
        json!([]),
    )
    .await;
    let editor = create_user(&app, &admin.token, "editor", &["role-editor"]).await;

    // Asking for less than the role has (apps.view, which the editor holds) still touches what
    // the editor does not hold: refused, as PATCH and DELETE are.
    let res = app
        .call(Method::PUT, &format!("/api/roles/{strong}/permissions"))
        .bearer(&editor.token)
        .json(json!({"permissions": ["apps.view"]}))
        .send()
        .await;
    assert_eq!(res.status, 403, "{}", res.text());
    assert_eq!(res.error_code(), "cannot_grant");
    let res = app
        .call(Method::PUT, &format!("/api/roles/{granted}/apps"))
        .bearer(&editor.token)
        .json(json!({"grants": [{"app_name": "sonarr", "permission": "apps.view"}]}))
        .send()
        .await;
    assert_eq!(res.status, 403, "{}", res.text());
    assert_eq!(res.error_code(), "cannot_grant");
    // Nothing changed.
    let role = app
        .get_as(&format!("/api/roles/{strong}"), &admin.token)
        .send()
        .await
        .json();
    assert_eq!(role["permissions"], json!(["users.view", "users.manage"]));
    // A role within the editor's reach can be edited.
    let mine = custom_role(&app, &admin, "mine", &["apps.view"], json!([])).await;
    let res = app
        .call(Method::PUT, &format!("/api/roles/{mine}/permissions"))
        .bearer(&editor.token)
        .json(json!({"permissions": []}))
        .send()
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    app.cleanup().await;
}

#[tokio::test]
async fn only_an_administrator_changes_the_public_url_and_it_is_audited() {
    let app = TestApp::new().await;
    let admin = setup_admin(&app).await;
    // Everything but the admin role: still not enough for the base of invite links.
    let res = app
        .get_as("/api/permissions", &admin.token)
        .send()
        .await
        .json();
    let every: Vec<String> = res
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_owned())
        .collect();
    let every: Vec<&str> = every.iter().map(String::as_str).collect();
    custom_role(&app, &admin, "almost-admin", &every, json!([])).await;
    let almost = create_user(&app, &admin.token, "almost", &["almost-admin"]).await;
    let res = put_setting(
        &app,
        &almost.token,
        "public_url",
        json!("https://evil.example"),
    )
    .await;
    assert_eq!(res.status, 403, "{}", res.text());
    let res = put_setting(
        &app,
        &admin.token,
        "public_url",
        json!("https://kubarr.example.org/"),
    )
    .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["value"], "https://kubarr.example.org");
    assert_eq!(res.json()["updated_by"], admin.id);
    let rows = audit_rows(&app).await;
    let change = rows
        .iter()
        .rev()
        .find(|r| r["action"] == "setting_changed" && r["resource_id"] == "public_url")
        .expect("audited");
    assert_eq!(change["user_id"], admin.id);
    assert_eq!(change["details"]["new"], "https://kubarr.example.org");
    assert_eq!(change["details"]["old"], Value::Null);
    app.cleanup().await;
}

async fn probe(_: kubarr::auth::Require<kubarr::auth::perm::AppsRestart>) -> StatusCode {
    StatusCode::NO_CONTENT
}

#[tokio::test]
async fn a_global_check_is_not_passed_by_a_grant_for_one_app() {
    let app = TestApp::new().await;
    let admin = setup_admin(&app).await;
    custom_role(
        &app,
        &admin,
        "sonarr-restarter",
        &[],
        json!([
            {"app_name": "sonarr", "permission": "apps.view"},
            {"app_name": "sonarr", "permission": "apps.restart"}
        ]),
    )
    .await;
    let one_app = create_user(&app, &admin.token, "oneapp", &["sonarr-restarter"]).await;
    let operator = create_user(&app, &admin.token, "oper", &["operator"]).await;
    // A handler written against `Require<P>` gets only callers holding P everywhere.
    let router = axum::Router::new()
        .route("/probe", get(probe))
        .with_state(app.state.clone());
    let call = |token: String| {
        let router = router.clone();
        async move {
            use tower::ServiceExt;
            let req = axum::http::Request::get("/probe")
                .header("authorization", format!("Bearer {token}"))
                .body(axum::body::Body::empty())
                .unwrap();
            router.oneshot(req).await.unwrap().status()
        }
    };
    assert_eq!(call(one_app.token.clone()).await, StatusCode::FORBIDDEN);
    assert_eq!(call(operator.token.clone()).await, StatusCode::NO_CONTENT);
    // The per-app extractor still lets them act on their app, and only it.
    let res = app
        .call(Method::POST, "/api/apps/sonarr/restart")
        .bearer(&one_app.token)
        .send()
        .await;
    assert_ne!(res.status, 403, "{}", res.text());
    let res = app
        .call(Method::POST, "/api/apps/radarr/restart")
        .bearer(&one_app.token)
        .send()
        .await;
    assert_eq!(res.status, 404, "{}", res.text());
    app.cleanup().await;
}
