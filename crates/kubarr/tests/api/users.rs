//! Users: CRUD, pagination, guard rails (last admin, granting only what one holds), password
//! reset.

use axum::http::Method;
use serde_json::json;

use crate::helpers::TestApp;
use crate::identity_support::*;

#[tokio::test]
async fn create_read_update_delete_and_paginate() {
    let app = TestApp::new().await;
    let admin = setup_admin(&app).await;
    let viewer = role_id(&app, &admin.token, "viewer").await;
    let res = app
        .call(Method::POST, "/api/users")
        .bearer(&admin.token)
        .json(json!({"username": "Ann", "email": "ann@example.com", "password": "ann plover marzipan 51", "role_ids": [viewer]}))
        .send()
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let ann = res.json();
    assert_eq!(ann["roles"], json!(["viewer"]));
    assert!(ann.get("hashed_password").is_none() && ann.get("totp_secret").is_none());
    let id = ann["id"].as_i64().unwrap();
    // Duplicates (any case, or by e-mail) are 409.
    for (u, e) in [("ann", "x@example.com"), ("bob", "ANN@example.com")] {
        let res = app
            .call(Method::POST, "/api/users")
            .bearer(&admin.token)
            .json(json!({"username": u, "email": e, "password": "some plover marzipan 52"}))
            .send()
            .await;
        assert_eq!(res.status, 409, "{u} {e}");
    }
    // Bad input names the field (400); unknown roles and passwords the policy refuses are 422.
    let cases = [
        (
            json!({"username": "bob", "email": "nope", "password": "bob plover marzipan 53"}),
            400,
            "email",
        ),
        (
            json!({"username": "bob", "email": "b@example.com", "password": "short"}),
            422,
            "password",
        ),
        (
            json!({"username": "bobbobbob", "email": "b@example.com", "password": "BOBBOBBOB"}),
            422,
            "password",
        ),
        (
            json!({"username": "bob", "email": "b@example.com", "password": "x".repeat(73)}),
            422,
            "password",
        ),
        (
            json!({"username": "bob", "email": "b@example.com", "password": "bob plover marzipan 53", "role_ids": [999]}),
            422,
            "role_ids",
        ),
        (
            json!({"username": "bob", "email": "b@example.com"}),
            400,
            "password",
        ),
    ];
    for (body, status, field) in cases {
        let res = app
            .call(Method::POST, "/api/users")
            .bearer(&admin.token)
            .json(body.clone())
            .send()
            .await;
        assert_eq!(res.status, status, "{body}: {}", res.text());
        assert_eq!(res.json()["error"]["field"], field, "{body}");
    }
    let res = app
        .get_as(&format!("/api/users/{id}"), &admin.token)
        .send()
        .await;
    assert_eq!(res.json()["username"], "Ann");
    assert_eq!(
        app.get_as("/api/users/9999", &admin.token)
            .send()
            .await
            .status,
        404
    );
    let res = app
        .call(Method::PATCH, &format!("/api/users/{id}"))
        .bearer(&admin.token)
        .json(json!({"email": "ann2@example.com", "role_ids": []}))
        .send()
        .await;
    assert_eq!(res.status, 200);
    assert_eq!(res.json()["email"], "ann2@example.com");
    assert_eq!(res.json()["roles"], json!([]));
    // Pagination.
    for i in 0..4 {
        create_user(&app, &admin.token, &format!("page{i}"), &[]).await;
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/users?limit=2&cursor={c}"),
            None => "/api/users?limit=2".into(),
        };
        let page = app.get_as(&path, &admin.token).send().await.json();
        for u in page["items"].as_array().unwrap() {
            seen.push(u["id"].as_i64().unwrap());
        }
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen.len(), 6);
    assert!(seen.windows(2).all(|w| w[0] < w[1]));
    assert_eq!(
        app.get_as("/api/users?limit=0", &admin.token)
            .send()
            .await
            .status,
        400
    );
    assert_eq!(
        app.get_as("/api/users?cursor=garbage!", &admin.token)
            .send()
            .await
            .status,
        400
    );
    // Delete.
    let res = app
        .call(Method::DELETE, &format!("/api/users/{id}"))
        .bearer(&admin.token)
        .send()
        .await;
    assert_eq!(res.status, 204);
    assert_eq!(
        app.get_as(&format!("/api/users/{id}"), &admin.token)
            .send()
            .await
            .status,
        404
    );
    let actions = audit_actions(&app).await;
    assert!(actions.contains(&"user_deleted".to_owned()));
    app.cleanup().await;
}

#[tokio::test]
async fn the_last_active_admin_stays() {
    let app = TestApp::new().await;
    let admin = setup_admin(&app).await;
    let viewer = role_id(&app, &admin.token, "viewer").await;
    let path = format!("/api/users/{}", admin.id);
    for body in [
        json!({"is_active": false}),
        json!({"is_approved": false}),
        json!({"role_ids": [viewer]}),
    ] {
        let res = app
            .call(Method::PATCH, &path)
            .bearer(&admin.token)
            .json(body.clone())
            .send()
            .await;
        assert_eq!(res.status, 409, "{body}");
        assert_eq!(res.error_code(), "last_admin");
    }
    // Self-deletion is refused; a second admin can delete the first once there are two.
    let res = app
        .call(Method::DELETE, &path)
        .bearer(&admin.token)
        .send()
        .await;
    assert_eq!(res.status, 409);
    let second = create_user(&app, &admin.token, "second", &["admin"]).await;
    let res = app
        .call(Method::DELETE, &path)
        .bearer(&second.token)
        .send()
        .await;
    assert_eq!(res.status, 204);
    let res = app
        .call(Method::PATCH, &format!("/api/users/{}", second.id))
        .bearer(&second.token)
        .json(json!({"is_active": false}))
        .send()
        .await;
    assert_eq!(res.status, 409);
    app.cleanup().await;
}

#[tokio::test]
async fn nobody_grants_or_touches_more_than_they_hold() {
    let app = TestApp::new().await;
    let admin = setup_admin(&app).await;
    let res = app
        .call(Method::POST, "/api/roles")
        .bearer(&admin.token)
        .json(json!({"name": "helpdesk", "permissions": ["users.view", "users.manage", "users.reset_password", "roles.view", "roles.manage", "apps.view", "logs.view", "monitoring.view"]}))
        .send()
        .await;
    assert_eq!(res.status, 201);
    let helpdesk = create_user(&app, &admin.token, "helper", &["helpdesk"]).await;
    let admin_role = role_id(&app, &admin.token, "admin").await;
    let viewer_role = role_id(&app, &admin.token, "viewer").await;
    let operator_role = role_id(&app, &admin.token, "operator").await;
    // Creating an admin, or an operator (apps.install…), is refused.
    for role in [admin_role, operator_role] {
        let res = app
            .call(Method::POST, "/api/users")
            .bearer(&helpdesk.token)
            .json(json!({"username": format!("user{role}"), "email": format!("user{role}@example.com"), "password": "x plover marzipan 54", "role_ids": [role]}))
            .send()
            .await;
        assert_eq!(res.status, 403, "{}", res.text());
        assert_eq!(res.error_code(), "cannot_grant");
    }
    // Promoting oneself is refused too.
    let res = app
        .call(Method::PATCH, &format!("/api/users/{}", helpdesk.id))
        .bearer(&helpdesk.token)
        .json(json!({"role_ids": [admin_role]}))
        .send()
        .await;
    assert_eq!(res.status, 403);
    // Resetting the admin's password or deactivating the admin is refused.
    let res = app
        .call(Method::PUT, &format!("/api/users/{}/password", admin.id))
        .bearer(&helpdesk.token)
        .json(json!({"new_password": "taken plover marzipan 55"}))
        .send()
        .await;
    assert_eq!(res.status, 403);
    let res = app
        .call(Method::PATCH, &format!("/api/users/{}", admin.id))
        .bearer(&helpdesk.token)
        .json(json!({"is_active": false}))
        .send()
        .await;
    assert_eq!(res.status, 403);
    // Within their own permissions all is fine.
    let viewer = create_user(&app, &admin.token, "vee1", &["viewer"]).await;
    let res = app
        .call(Method::PUT, &format!("/api/users/{}/password", viewer.id))
        .bearer(&helpdesk.token)
        .json(json!({"new_password": "reset plover marzipan 56"}))
        .send()
        .await;
    assert_eq!(res.status, 204);
    // The reset ended the viewer's sessions; the new password works.
    assert_eq!(
        app.get_as("/api/auth/me", &viewer.token)
            .send()
            .await
            .status,
        401
    );
    login(&app, "vee1", "reset plover marzipan 56").await;
    // Granting roles.manage cannot be used to widen a role beyond one's own permissions.
    let custom = role_id(&app, &admin.token, "helpdesk").await;
    let res = app
        .call(Method::PUT, &format!("/api/roles/{custom}/permissions"))
        .bearer(&helpdesk.token)
        .json(json!({"permissions": ["settings.manage"]}))
        .send()
        .await;
    assert_eq!(res.status, 403);
    let res = app
        .call(Method::POST, "/api/users")
        .bearer(&helpdesk.token)
        .json(json!({"username": "vee2", "email": "vee2@example.com", "password": "vee2 plover marzipan 57", "role_ids": [viewer_role]}))
        .send()
        .await;
    assert_eq!(
        res.status, 201,
        "helpdesk holds everything the viewer role has"
    );
    app.cleanup().await;
}
