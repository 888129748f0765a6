//! The audit log: filters and cursor pagination over `(created_at, id)`.

use std::collections::HashSet;

use kubarr_db::queries::audit::{record, Entry};
use serde_json::json;

use crate::helpers::TestApp;
use crate::identity_support::*;

#[tokio::test]
async fn audit_filters_and_paginates_without_gaps_or_repeats() {
    let app = TestApp::new().await;
    let admin = setup_admin(&app).await;
    // 25 entries, some sharing a timestamp bucket, of two actions.
    for i in 0..25 {
        let action = if i % 5 == 0 {
            "app_installed"
        } else {
            "catalog_reloaded"
        };
        record(
            &app.state.db,
            Entry::new(action, "app")
                .resource(format!("app{i}"))
                .actor(Some(admin.id), Some("admin".into()))
                .details(json!({"n": i})),
        )
        .await
        .unwrap();
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/audit?resource_type=app&limit=10&cursor={c}"),
            None => "/api/audit?resource_type=app&limit=10".into(),
        };
        let res = app.get_as(&path, &admin.token).send().await;
        assert_eq!(res.status, 200, "{}", res.text());
        let page = res.json();
        pages += 1;
        for e in page["items"].as_array().unwrap() {
            seen.push(e["details"]["n"].as_i64().unwrap());
        }
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(seen.len(), 25);
    assert_eq!(seen.iter().collect::<HashSet<_>>().len(), 25);
    assert_eq!(seen, (0..25).rev().collect::<Vec<_>>(), "newest first");
    // Filters.
    let page = app
        .get_as("/api/audit?action=app_installed", &admin.token)
        .send()
        .await
        .json();
    assert_eq!(page["items"].as_array().unwrap().len(), 5);
    let page = app
        .get_as(
            &format!("/api/audit?user_id={}&action=setup_completed", admin.id),
            &admin.token,
        )
        .send()
        .await
        .json();
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    let future = (chrono::Utc::now() + chrono::Duration::hours(1))
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let page = app
        .get_as(&format!("/api/audit?since={future}"), &admin.token)
        .send()
        .await
        .json();
    assert_eq!(page["items"].as_array().unwrap().len(), 0);
    let page = app
        .get_as(
            &format!("/api/audit?until={future}&limit=200"),
            &admin.token,
        )
        .send()
        .await
        .json();
    assert!(page["items"].as_array().unwrap().len() >= 27);
    for bad in [
        "/api/audit?since=yesterday",
        "/api/audit?limit=1000",
        "/api/audit?cursor=abc",
        "/api/audit?user_id=x",
    ] {
        let res = app.get_as(bad, &admin.token).send().await;
        assert_eq!(res.status, 400, "{bad}");
    }
    // Entries carry the actor and address.
    let page = app
        .get_as("/api/audit?action=setup_completed", &admin.token)
        .send()
        .await
        .json();
    let e = &page["items"][0];
    assert_eq!(e["username"], "admin");
    assert_eq!(e["ip_address"], "127.0.0.1");
    app.cleanup().await;
}
