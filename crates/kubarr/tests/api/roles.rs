//! Roles: system roles protected, custom roles with global and per-app permissions, the
//! permission list, and roles that require 2FA.

use axum::http::Method;
use serde_json::json;

use crate::helpers::TestApp;
use crate::identity_support::*;

#[tokio::test]
async fn system_roles_are_protected_and_custom_roles_work() {
    let app = TestApp::new().await;
    let admin = setup_admin(&app).await;
    let perms = app
        .get_as("/api/permissions", &admin.token)
        .send()
        .await
        .json();
    let perms = perms.as_array().unwrap();
    assert_eq!(perms.len(), 20);
    assert!(perms
        .iter()
        .all(|p| p["description"].as_str().is_some_and(|d| !d.is_empty())));
    assert!(perms
        .iter()
        .any(|p| p["name"] == "logs.view" && p["app_scopable"] == true));
    let roles = app.get_as("/api/roles", &admin.token).send().await.json();
    let admin_role = roles
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "admin")
        .unwrap()
        .clone();
    assert_eq!(admin_role["is_system"], true);
    assert_eq!(admin_role["permissions"].as_array().unwrap().len(), 20);
    assert_eq!(admin_role["user_count"], 1);
    let id = admin_role["id"].as_i64().unwrap();
    let denied = [
        (
            Method::PATCH,
            format!("/api/roles/{id}"),
            Some(json!({"name": "root"})),
        ),
        (Method::DELETE, format!("/api/roles/{id}"), None),
        (
            Method::PUT,
            format!("/api/roles/{id}/permissions"),
            Some(json!({"permissions": []})),
        ),
        (
            Method::PUT,
            format!("/api/roles/{id}/apps"),
            Some(json!({"grants": []})),
        ),
    ];
    for (m, p, body) in denied {
        let mut call = app.call(m.clone(), &p).bearer(&admin.token);
        if let Some(b) = body {
            call = call.json(b);
        }
        let res = call.send().await;
        assert_eq!(res.status, 409, "{m} {p}");
        assert_eq!(res.error_code(), "system_role");
    }
    // The description of a system role may change.
    let res = app
        .call(Method::PATCH, &format!("/api/roles/{id}"))
        .bearer(&admin.token)
        .json(json!({"description": "The people in charge."}))
        .send()
        .await;
    assert_eq!(res.status, 200);

    // Custom role: create, duplicate, bad names, unknown permissions, non-scopable grants.
    let res = app
        .call(Method::POST, "/api/roles")
        .bearer(&admin.token)
        .json(json!({"name": "Media team", "permissions": ["monitoring.view"], "app_grants": [{"app_name": "sonarr", "permission": "apps.upgrade"}]}))
        .send()
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let rid = res.json()["id"].as_i64().unwrap();
    assert_eq!(
        res.json()["app_grants"],
        json!([{"app_name": "sonarr", "permission": "apps.upgrade"}])
    );
    let res = app
        .call(Method::POST, "/api/roles")
        .bearer(&admin.token)
        .json(json!({"name": "MEDIA TEAM"}))
        .send()
        .await;
    assert_eq!(res.status, 409);
    let res = app
        .call(Method::PUT, &format!("/api/roles/{rid}/permissions"))
        .bearer(&admin.token)
        .json(json!({"permissions": ["apps.view", "apps.everything"]}))
        .send()
        .await;
    assert_eq!(res.status, 400);
    assert_eq!(res.json()["error"]["field"], "permissions[1]");
    let res = app
        .call(Method::PUT, &format!("/api/roles/{rid}/apps"))
        .bearer(&admin.token)
        .json(json!({"grants": [{"app_name": "sonarr", "permission": "users.manage"}]}))
        .send()
        .await;
    assert_eq!(res.status, 400);
    assert_eq!(res.json()["error"]["field"], "grants[0].permission");
    let res = app
        .call(Method::PUT, &format!("/api/roles/{rid}/apps"))
        .bearer(&admin.token)
        .json(json!({"grants": [{"app_name": "Not_An_App", "permission": "apps.view"}]}))
        .send()
        .await;
    assert_eq!(res.status, 400);
    assert_eq!(res.json()["error"]["field"], "grants[0].app_name");
    let res = app
        .call(Method::PUT, &format!("/api/roles/{rid}/permissions"))
        .bearer(&admin.token)
        .json(json!({"permissions": ["audit.view", "apps.view"]}))
        .send()
        .await;
    assert_eq!(res.status, 200);
    assert_eq!(
        res.json()["permissions"],
        json!(["apps.view", "audit.view"])
    );
    // A holder gets them on the next request; removing them takes effect at once.
    let member = create_user(&app, &admin.token, "member", &["Media team"]).await;
    assert_eq!(
        app.get_as("/api/audit", &member.token).send().await.status,
        200
    );
    app.call(Method::PUT, &format!("/api/roles/{rid}/permissions"))
        .bearer(&admin.token)
        .json(json!({"permissions": []}))
        .send()
        .await;
    assert_eq!(
        app.get_as("/api/audit", &member.token).send().await.status,
        403
    );
    let res = app
        .call(Method::PATCH, &format!("/api/roles/{rid}"))
        .bearer(&admin.token)
        .json(json!({"name": "Renamed"}))
        .send()
        .await;
    assert_eq!(res.json()["name"], "Renamed");
    let res = app
        .call(Method::DELETE, &format!("/api/roles/{rid}"))
        .bearer(&admin.token)
        .send()
        .await;
    assert_eq!(res.status, 204);
    assert_eq!(
        app.get_as(&format!("/api/roles/{rid}"), &admin.token)
            .send()
            .await
            .status,
        404
    );
    let me = app
        .get_as("/api/auth/me", &member.token)
        .send()
        .await
        .json();
    assert_eq!(me["roles"], json!([]));
    app.cleanup().await;
}

#[tokio::test]
async fn a_role_can_require_2fa_enrolment() {
    let app = TestApp::new().await;
    let admin = setup_admin(&app).await;
    let res = app
        .call(Method::POST, "/api/roles")
        .bearer(&admin.token)
        .json(json!({"name": "secure", "requires_2fa": true, "permissions": ["audit.view"]}))
        .send()
        .await;
    assert_eq!(res.status, 201);
    let user = create_user(&app, &admin.token, "careful", &["secure"]).await;
    // Nothing but enrolment, `me` and logout works until 2FA is on.
    let res = app.get_as("/api/audit", &user.token).send().await;
    assert_eq!(res.status, 403);
    assert_eq!(res.error_code(), "two_factor_enrollment_required");
    assert_eq!(
        app.get_as("/api/auth/sessions", &user.token)
            .send()
            .await
            .status,
        403
    );
    let me = app.get_as("/api/auth/me", &user.token).send().await;
    assert_eq!(me.status, 200);
    assert_eq!(me.json()["two_factor_enrollment_required"], true);
    let (mut clock, _) = enrol_totp(&app, &user).await;
    assert_eq!(
        app.get_as("/api/audit", &user.token).send().await.status,
        200
    );
    // And it cannot be switched off while the role requires it.
    let res = app
        .call(Method::POST, "/api/users/me/2fa/disable")
        .bearer(&user.token)
        .json(json!({"password": USER_PASSWORD, "code": clock.next()}))
        .send()
        .await;
    assert_eq!(res.status, 409);
    assert_eq!(res.error_code(), "two_factor_required_by_role");
    app.cleanup().await;
}
