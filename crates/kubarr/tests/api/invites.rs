//! Invites: create (token once), list without tokens, revoke, expiry and e-mail binding.

use axum::http::Method;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::json;

use crate::helpers::TestApp;
use crate::identity_support::*;

#[tokio::test]
async fn invites_are_listed_revoked_expire_and_bind_their_email() {
    let app = TestApp::new().await;
    let admin = setup_admin(&app).await;
    let mut made = Vec::new();
    for (email, hours) in [(Some("ed@example.com"), 2), (None, 1), (None, 3)] {
        let res = app
            .call(Method::POST, "/api/invites")
            .bearer(&admin.token)
            .json(json!({"email": email, "expires_in_hours": hours}))
            .send()
            .await;
        assert_eq!(res.status, 201, "{}", res.text());
        made.push(res.json());
    }
    for bad in [
        json!({"expires_in_hours": 0}),
        json!({"expires_in_hours": 100000}),
        json!({"email": "nope"}),
    ] {
        let res = app
            .call(Method::POST, "/api/invites")
            .bearer(&admin.token)
            .json(bad.clone())
            .send()
            .await;
        assert_eq!(res.status, 400, "{bad}");
    }
    // Listing shows ids, never tokens; two pages of two.
    let page = app
        .get_as("/api/invites?limit=2", &admin.token)
        .send()
        .await
        .json();
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
    let text = page.to_string();
    for m in &made {
        assert!(!text.contains(m["token"].as_str().unwrap()));
    }
    let cursor = page["next_cursor"].as_str().unwrap();
    let page2 = app
        .get_as(
            &format!("/api/invites?limit=2&cursor={cursor}"),
            &admin.token,
        )
        .send()
        .await
        .json();
    assert_eq!(page2["items"].as_array().unwrap().len(), 1);
    assert!(page2["next_cursor"].is_null());

    let register = |token: &str, name: &str, email: &str| {
        let app = &app;
        let body = json!({"invite_token": token, "username": name, "email": email, "password": "invitee plover marzipan 58"});
        async move {
            app.call(Method::POST, "/api/auth/register")
                .json(body)
                .send()
                .await
        }
    };
    // Bound to an address.
    let res = register(
        made[0]["token"].as_str().unwrap(),
        "someone",
        "someone@example.com",
    )
    .await;
    assert_eq!(res.status, 422);
    assert_eq!(res.json()["error"]["field"], "email");
    assert_eq!(
        register(
            made[0]["token"].as_str().unwrap(),
            "eddie",
            "ED@example.com"
        )
        .await
        .status,
        201
    );
    // Revoked.
    let id = made[1]["id"].as_str().unwrap();
    let res = app
        .call(Method::DELETE, &format!("/api/invites/{id}"))
        .bearer(&admin.token)
        .send()
        .await;
    assert_eq!(res.status, 204);
    let res = app
        .call(Method::DELETE, &format!("/api/invites/{id}"))
        .bearer(&admin.token)
        .send()
        .await;
    assert_eq!(res.status, 404);
    assert_eq!(
        register(made[1]["token"].as_str().unwrap(), "fay", "fay@example.com")
            .await
            .error_code(),
        "invalid_invite"
    );
    // Expired.
    let db = &app.state.db;
    db.execute(Statement::from_string(
        db.get_database_backend(),
        "UPDATE invites SET expires_at = created_at",
    ))
    .await
    .unwrap();
    assert_eq!(
        register(made[2]["token"].as_str().unwrap(), "gus", "gus@example.com")
            .await
            .error_code(),
        "invalid_invite"
    );
    // Open registration is off by default.
    let res = app
        .call(Method::POST, "/api/auth/register")
        .json(json!({"username": "hal", "email": "hal@example.com", "password": "hal plover marzipan 59"}))
        .send()
        .await;
    assert_eq!(res.status, 403);
    assert_eq!(res.error_code(), "registration_closed");
    let actions = audit_actions(&app).await;
    assert!(actions.contains(&"invite_revoked".to_owned()));
    app.cleanup().await;
}
