//! The password policy at every place a password is set: common passwords (the top 3,000) and
//! ones an estimator finds easy to guess are refused with the reason, as `weak_password`.

use axum::http::Method;
use serde_json::json;

use crate::helpers::{TestApp, TestResponse};
use crate::identity_support::*;

fn assert_weak(res: &TestResponse, field: &str, why: &str) {
    assert_eq!(res.status, 422, "{}", res.text());
    assert_eq!(res.error_code(), "weak_password", "{}", res.text());
    let body = res.json();
    assert_eq!(body["error"]["field"], field, "{body}");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(message.contains(why), "{message}");
}

#[tokio::test]
async fn setup_refuses_common_and_guessable_passwords_and_says_why() {
    let app = TestApp::new().await;
    let setup = |password: String| {
        let app = &app;
        async move {
            app.call(Method::POST, "/api/setup")
                .json(json!({"username": "admin", "email": "admin@example.com", "password": password}))
                .send()
                .await
        }
    };
    assert_weak(
        &setup("password".into()).await,
        "password",
        "3,000 most common",
    );
    assert_weak(
        &setup("Admin123".into()).await,
        "password",
        "3,000 most common",
    );
    assert_weak(
        &setup("Password2024!".into()).await,
        "password",
        "too easy to guess",
    );
    assert_weak(&setup("x".repeat(73)).await, "password", "72 bytes");
    assert_weak(&setup("short".into()).await, "password", "72 bytes");
    // Still nobody: the first administrator is yet to come.
    assert_eq!(
        app.get("/api/setup/status").await.json()["setup_required"],
        true
    );
    // 64 characters and more (within bcrypt's 72 bytes) are welcome.
    let long = "lantern quartz mosaic ferry drizzle orbit sketch pebble tundra nyl";
    assert_eq!(long.len(), 66);
    assert_eq!(setup(long.into()).await.status, 201);
    app.cleanup().await;
}

#[tokio::test]
async fn every_other_place_a_password_is_set_refuses_them_too() {
    let app = TestApp::new().await;
    let admin = setup_admin(&app).await;

    // Creating a user.
    let res = app
        .call(Method::POST, "/api/users")
        .bearer(&admin.token)
        .json(json!({"username": "ann", "email": "ann@example.com", "password": "admin123"}))
        .send()
        .await;
    assert_weak(&res, "password", "3,000 most common");

    // Registering with an invite.
    let invite = app
        .call(Method::POST, "/api/invites")
        .bearer(&admin.token)
        .json(json!({}))
        .send()
        .await
        .json();
    let res = app
        .call(Method::POST, "/api/auth/register")
        .json(json!({"invite_token": invite["token"], "username": "bob", "email": "bob@example.com", "password": "iloveyou1"}))
        .send()
        .await;
    assert_weak(&res, "password", "3,000 most common");

    // Changing one's own password (the account's own name is a guessing aid too).
    let user = create_user(&app, &admin.token, "carol", &["viewer"]).await;
    for (weak, why) in [
        ("admin123", "3,000 most common"),
        ("carolcarol2024", "too easy to guess"),
    ] {
        let res = app
            .call(Method::PUT, "/api/users/me/password")
            .bearer(&user.token)
            .json(json!({"current_password": user.password, "new_password": weak}))
            .send()
            .await;
        assert_weak(&res, "new_password", why);
    }

    // An administrator's reset.
    let res = app
        .call(Method::PUT, &format!("/api/users/{}/password", user.id))
        .bearer(&admin.token)
        .json(json!({"new_password": "changeme"}))
        .send()
        .await;
    assert_weak(&res, "new_password", "3,000 most common");
    // The old password still works after all those refusals.
    login(&app, "carol", &user.password).await;
    app.cleanup().await;
}

#[tokio::test]
async fn the_configured_initial_administrator_needs_a_strong_password() {
    let database = kubarr_db::testing::TestDatabase::new().await;
    let dir = tempfile::tempdir().unwrap();
    let mut config = kubarr::config::Config::for_tests(&database.url, dir.path().to_path_buf());
    config.initial_admin = Some(kubarr::config::InitialAdmin {
        username: "admin".into(),
        email: "admin@example.com".into(),
        password: kubarr::config::Secret::new("password"),
    });
    let err = kubarr::bootstrap::create_initial_admin(&config, &database.db)
        .await
        .expect_err("a common password");
    assert!(err.to_string().contains("most common"), "{err}");
    assert_eq!(
        kubarr_db::queries::users::count(&database.db)
            .await
            .unwrap(),
        0
    );
    database.cleanup().await.unwrap();
}
