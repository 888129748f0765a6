//! Settings: typed known keys, validation, audit, and their effect on sessions.

use axum::http::Method;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::json;

use crate::helpers::TestApp;
use crate::identity_support::*;

#[tokio::test]
async fn settings_are_typed_validated_and_audited() {
    let app = TestApp::new().await;
    let admin = setup_admin(&app).await;
    let list = app
        .get_as("/api/settings", &admin.token)
        .send()
        .await
        .json();
    let keys: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["key"].as_str().unwrap())
        .collect();
    for k in [
        "registration_enabled",
        "registration_requires_approval",
        "session_idle_timeout_minutes",
        "session_absolute_lifetime_hours",
        "media_storage",
    ] {
        assert!(keys.contains(&k), "{k}");
    }
    assert!(!keys.iter().any(|k| k.starts_with('_')));
    let put = |key: &str, value: serde_json::Value| {
        let app = &app;
        let token = admin.token.clone();
        let path = format!("/api/settings/{key}");
        async move {
            app.call(Method::PUT, &path)
                .bearer(&token)
                .json(json!({"value": value}))
                .send()
                .await
        }
    };
    let res = put(
        "media_storage",
        json!({"type": "nfs", "nfs_server": "nas.local", "nfs_path": "/export/media"}),
    )
    .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["value"]["nfs_server"], "nas.local");
    assert_eq!(res.json()["updated_by"], admin.id);
    let cases = [
        ("no_such_key", json!(true), 404, None),
        ("registration_enabled", json!("yes"), 400, Some("value")),
        (
            "session_idle_timeout_minutes",
            json!(-5),
            400,
            Some("value"),
        ),
        ("session_idle_timeout_minutes", json!(1), 422, Some("value")),
        (
            "session_absolute_lifetime_hours",
            json!(100000),
            422,
            Some("value"),
        ),
        (
            "media_storage",
            json!({"type": "host_path"}),
            422,
            Some("value.host_path"),
        ),
        (
            "media_storage",
            json!({"type": "nfs", "nfs_server": "nas", "nfs_path": "relative"}),
            422,
            Some("value.nfs_path"),
        ),
        (
            "media_storage",
            json!({"type": "tape"}),
            400,
            Some("value.type"),
        ),
        (
            "registration_default_role",
            json!("no-such-role"),
            422,
            Some("value"),
        ),
        (
            "public_url",
            json!("javascript:alert(1)"),
            422,
            Some("value"),
        ),
    ];
    for (key, value, status, field) in cases {
        let res = put(key, value.clone()).await;
        assert_eq!(res.status, status, "{key}={value}: {}", res.text());
        if let Some(f) = field {
            assert_eq!(res.json()["error"]["field"], f, "{key}={value}");
        }
    }
    // Idle timeout may not exceed the absolute lifetime.
    assert_eq!(
        put("session_absolute_lifetime_hours", json!(1))
            .await
            .status,
        422
    );
    assert_eq!(
        put("session_idle_timeout_minutes", json!(30)).await.status,
        200
    );
    assert_eq!(
        put("session_absolute_lifetime_hours", json!(1))
            .await
            .status,
        200
    );
    assert_eq!(
        put("session_idle_timeout_minutes", json!(120)).await.status,
        422
    );
    let rows = audit_rows(&app).await;
    let changed: Vec<_> = rows
        .iter()
        .filter(|r| r["action"] == "setting_changed")
        .collect();
    assert_eq!(changed.len(), 3);
    assert_eq!(changed[2]["details"], json!({"old": 168, "new": 1}));
    // Viewers cannot read settings.
    let viewer = create_user(&app, &admin.token, "viewer1", &["viewer"]).await;
    assert_eq!(
        app.get_as("/api/settings", &viewer.token)
            .send()
            .await
            .status,
        403
    );
    app.cleanup().await;
}

#[tokio::test]
async fn idle_sessions_expire_and_last_access_is_written_at_most_once_a_minute() {
    let app = TestApp::new().await;
    let admin = setup_admin(&app).await;
    let user = create_user(&app, &admin.token, "idler", &["viewer"]).await;
    let db = &app.state.db;
    let last_access = || async {
        let row = db
            .query_one(Statement::from_string(
                db.get_database_backend(),
                format!(
                    "SELECT last_accessed_at FROM sessions WHERE user_id = {}",
                    user.id
                ),
            ))
            .await
            .unwrap()
            .unwrap();
        row.try_get::<chrono::DateTime<chrono::Utc>>("", "last_accessed_at")
            .unwrap()
    };
    let first = last_access().await;
    app.get_as("/api/auth/me", &user.token).send().await;
    assert_eq!(last_access().await, first, "no write within a minute");
    let two_min_ago = chrono::Utc::now() - chrono::Duration::minutes(2);
    set_access(&app, user.id, two_min_ago).await;
    assert_eq!(
        app.get_as("/api/auth/me", &user.token).send().await.status,
        200
    );
    assert!(last_access().await > two_min_ago + chrono::Duration::seconds(60));
    // Past the idle timeout (default 12 h) the session is dead, and the purge removes it.
    set_access(
        &app,
        user.id,
        chrono::Utc::now() - chrono::Duration::hours(13),
    )
    .await;
    let res = app.get_as("/api/auth/me", &user.token).send().await;
    assert_eq!(res.status, 401);
    assert_eq!(res.error_code(), "session_expired");
    let purged = kubarr::auth::purge::purge_once(&app.state).await.unwrap();
    assert_eq!(purged.sessions, 1);
    // A shorter idle timeout set through the API applies to live sessions.
    let other = create_user(&app, &admin.token, "busy", &["viewer"]).await;
    let res = app
        .call(Method::PUT, "/api/settings/session_idle_timeout_minutes")
        .bearer(&admin.token)
        .json(json!({"value": 5}))
        .send()
        .await;
    assert_eq!(res.status, 200);
    assert_eq!(
        app.get_as("/api/auth/me", &other.token).send().await.status,
        200
    );
    set_access(
        &app,
        other.id,
        chrono::Utc::now() - chrono::Duration::minutes(10),
    )
    .await;
    assert_eq!(
        app.get_as("/api/auth/me", &other.token).send().await.status,
        401
    );
    app.cleanup().await;
}

/// Changes a session's last access behind the server's back (and drops its session cache).
async fn set_access(app: &TestApp, user_id: i64, at: chrono::DateTime<chrono::Utc>) {
    let db = &app.state.db;
    let backend = db.get_database_backend();
    let sql = if backend == sea_orm::DbBackend::Postgres {
        "UPDATE sessions SET last_accessed_at = $1 WHERE user_id = $2"
    } else {
        "UPDATE sessions SET last_accessed_at = ? WHERE user_id = ?"
    };
    db.execute(Statement::from_sql_and_values(
        backend,
        sql,
        [at.into(), user_id.into()],
    ))
    .await
    .unwrap();
    app.state.auth.sessions_changed();
}
