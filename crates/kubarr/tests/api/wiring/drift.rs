//! Drift: a link changed or deleted by hand is reported `drifted` (in the API and as a `wiring`
//! event) and repaired; a turned-off link is left alone; objects a user made are never touched.

use std::time::Duration;

use axum::body::Body;
use axum::http::{Method as HttpMethod, Request, StatusCode};
use http_body_util::BodyExt;
use reqwest::Method;
use serde_json::{json, Value};
use tower::ServiceExt;

use super::stack::{field, Stack};

const SONARR_QBT: &str = "sonarr:download-client:qbittorrent";
const PROWLARR_SONARR: &str = "prowlarr:application:sonarr";

async fn wired() -> Stack {
    let mut s = Stack::new().await;
    for app in ["sonarr", "prowlarr", "qbittorrent"] {
        s.install(app).await;
    }
    let report = s.pass().await;
    assert_eq!(report.failed, 0, "{:#}", s.graph().await);
    s
}

/// Changes a field of an arr's object by hand (`forceSave`, as a user's save would).
async fn edit_field(
    s: &Stack,
    app: &str,
    api: &str,
    collection: &str,
    name: &str,
    key: &str,
    value: Value,
) {
    let mut object = s.arr_object(app, api, collection, name).await.unwrap();
    for f in object["fields"].as_array_mut().unwrap() {
        if f["name"] == key {
            f["value"] = value.clone();
        }
    }
    let id = object["id"].as_i64().unwrap();
    let (status, body) = s
        .arr_call(
            app,
            Method::PUT,
            &format!("{api}/{collection}/{id}?forceSave=true"),
            Some(object),
        )
        .await;
    assert_eq!(status, 202, "{body}");
}

/// The next `wiring` events of an SSE stream, until each `(id, state)` of `wanted` was seen.
async fn wait_for_events(body: &mut Body, wanted: &[(&str, &str)]) -> Vec<Value> {
    let mut seen: Vec<Value> = Vec::new();
    let mut buffer = String::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let frame = tokio::time::timeout_at(deadline, body.frame())
            .await
            .unwrap_or_else(|_| panic!("not all of {wanted:?}; saw {seen:?}"))
            .expect("stream open")
            .unwrap();
        let Some(data) = frame.data_ref() else {
            continue;
        };
        buffer.push_str(&String::from_utf8_lossy(data));
        while let Some(end) = buffer.find("\n\n") {
            let event: String = buffer.drain(..end + 2).collect();
            if !event.contains("event: wiring") {
                continue;
            }
            let data = event
                .lines()
                .find_map(|l| l.strip_prefix("data: "))
                .unwrap();
            seen.push(serde_json::from_str(data).unwrap());
            let all = wanted
                .iter()
                .all(|(id, state)| seen.iter().any(|v| v["id"] == *id && v["state"] == *state));
            if all {
                return seen;
            }
        }
    }
}

#[tokio::test]
async fn a_changed_category_and_a_deleted_application_are_reported_and_repaired() {
    let s = wired().await;
    let req = Request::get("/api/events/stream")
        .header(
            "authorization",
            format!("Bearer {}", s.t.admin_token.as_deref().unwrap()),
        )
        .body(Body::empty())
        .unwrap();
    let res = s.t.router.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let mut events = res.into_body();

    edit_field(
        &s,
        "sonarr",
        "/api/v3",
        "downloadclient",
        "qBittorrent (Kubarr)",
        "tvCategory",
        json!("by-hand"),
    )
    .await;
    let app = s
        .arr_object("prowlarr", "/api/v1", "applications", "Sonarr (Kubarr)")
        .await
        .unwrap();
    let (status, _) = s
        .arr_call(
            "prowlarr",
            Method::DELETE,
            &format!("/api/v1/applications/{}", app["id"]),
            None,
        )
        .await;
    assert_eq!(status, 200);

    let report = s.pass().await;
    assert_eq!(report.applied, 2, "{report:?}");
    // Each link went drifted, then ok, and the stream said so.
    let seen = wait_for_events(
        &mut events,
        &[
            (SONARR_QBT, "drifted"),
            (SONARR_QBT, "ok"),
            (PROWLARR_SONARR, "drifted"),
            (PROWLARR_SONARR, "ok"),
        ],
    )
    .await;
    let drifted = seen
        .iter()
        .find(|e| e["id"] == SONARR_QBT && e["state"] == "drifted")
        .unwrap_or_else(|| panic!("no drifted event: {seen:?}"));
    assert!(
        drifted["message"].as_str().unwrap().contains("tvCategory"),
        "{drifted}"
    );
    assert_eq!(drifted["can_manage"], true);

    let dc = s
        .arr_object(
            "sonarr",
            "/api/v3",
            "downloadclient",
            "qBittorrent (Kubarr)",
        )
        .await
        .unwrap();
    assert_eq!(field(&dc, "tvCategory"), "tv");
    assert!(s
        .arr_object("prowlarr", "/api/v1", "applications", "Sonarr (Kubarr)")
        .await
        .is_some());
    assert_eq!(s.link(SONARR_QBT).await["state"], "ok");

    // The audit log has each repair, without a secret.
    let audit =
        s.t.admin(HttpMethod::GET, "/api/audit?limit=200", None)
            .await
            .text();
    assert!(audit.contains("wiring_link_applied"), "{audit}");
    for secret in s.secret("qbittorrent").values() {
        assert!(!audit.contains(secret.as_str()));
    }
}

#[tokio::test]
async fn a_user_made_client_is_never_touched_and_a_disabled_link_is_left_alone() {
    let s = wired().await;
    // A download client the user added by hand, pointing at the same qBittorrent.
    let qbt = s.qbittorrent.as_ref().unwrap();
    let secret = s.secret("qbittorrent");
    let mine = json!({
        "name": "My qBittorrent", "implementation": "QBittorrent",
        "configContract": "QBittorrentSettings", "enable": true, "protocol": "torrent",
        "priority": 5, "tags": [],
        "fields": [
            {"name": "host", "value": "127.0.0.1"}, {"name": "port", "value": qbt.port()},
            {"name": "username", "value": secret["username"]},
            {"name": "password", "value": secret["password"]},
            {"name": "tvCategory", "value": "tv-mine"}
        ]
    });
    let (status, body) = s
        .arr_call("sonarr", Method::POST, "/api/v3/downloadclient", Some(mine))
        .await;
    assert_eq!(status, 201, "{body}");
    let before = s
        .arr_object("sonarr", "/api/v3", "downloadclient", "My qBittorrent")
        .await
        .unwrap();

    // Turned off: Kubarr stops repairing it.
    let res =
        s.t.admin(
            HttpMethod::PUT,
            &format!("/api/stack/wiring/{SONARR_QBT}"),
            Some(json!({"enabled": false})),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    assert_eq!(res.json()["state"], "disabled");
    edit_field(
        &s,
        "sonarr",
        "/api/v3",
        "downloadclient",
        "qBittorrent (Kubarr)",
        "tvCategory",
        json!("by-hand"),
    )
    .await;
    s.pass().await;
    s.pass().await;
    let ours = s
        .arr_object(
            "sonarr",
            "/api/v3",
            "downloadclient",
            "qBittorrent (Kubarr)",
        )
        .await
        .unwrap();
    assert_eq!(field(&ours, "tvCategory"), "by-hand");
    assert_eq!(s.link(SONARR_QBT).await["state"], "disabled");

    // On again: repaired on the next pass; the user's client is as it was.
    let res =
        s.t.admin(
            HttpMethod::PUT,
            &format!("/api/stack/wiring/{SONARR_QBT}"),
            Some(json!({"enabled": true})),
        )
        .await;
    assert_eq!(res.json()["state"], "pending");
    s.pass().await;
    let ours = s
        .arr_object(
            "sonarr",
            "/api/v3",
            "downloadclient",
            "qBittorrent (Kubarr)",
        )
        .await
        .unwrap();
    assert_eq!(field(&ours, "tvCategory"), "tv");
    let after = s
        .arr_object("sonarr", "/api/v3", "downloadclient", "My qBittorrent")
        .await
        .unwrap();
    assert_eq!(before, after);
    // And its category in qBittorrent is still there, untouched.
    let categories: Value = qbt
        .login()
        .await
        .unwrap()
        .get(qbt.api("torrents/categories"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(categories.get("tv-mine").is_some(), "{categories}");
}

#[tokio::test]
async fn the_leaders_loop_wires_a_stack_as_apps_come_up() {
    let mut s = Stack::new().await;
    let state = s.t.state.clone();
    let lead = tokio::spawn(kubarr::wiring::run(state));
    for app in ["qbittorrent", "radarr"] {
        s.install(app).await;
    }
    // A pass ran at each status change; the endpoints were set after the installs (so that
    // pass could not reach the apps), so ask for one more as a user's Repair would.
    let id = "radarr:download-client:qbittorrent";
    kubarr_testbed::wait_until(Duration::from_secs(30), "the link is known", || async {
        let links = s.graph().await["links"].clone();
        Ok(links.as_array().unwrap().iter().any(|l| l["id"] == id))
    })
    .await
    .unwrap();
    let res =
        s.t.admin(
            HttpMethod::POST,
            "/api/stack/wiring/radarr:download-client:qbittorrent/repair",
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::ACCEPTED, "{}", res.text());
    kubarr_testbed::wait_until(
        Duration::from_secs(30),
        "radarr → qbittorrent ok",
        || async { Ok(s.link("radarr:download-client:qbittorrent").await["state"] == "ok") },
    )
    .await
    .unwrap();
    lead.abort();
}

#[tokio::test]
async fn a_failed_link_is_tried_again_when_its_back_off_ends() {
    let mut s = Stack::new().await;
    let lead = tokio::spawn(kubarr::wiring::run(s.t.state.clone()));
    for app in ["qbittorrent", "radarr"] {
        s.install_stopped(app).await;
    }
    let id = "radarr:download-client:qbittorrent";
    kubarr_testbed::wait_until(Duration::from_secs(30), "the link failed", || async {
        let links = s.graph().await["links"].clone();
        Ok(links
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["id"] == id && l["state"] == "failed"))
    })
    .await
    .unwrap();
    // The apps come up; nobody wakes the loop, no status changes: only the back-off's end
    // (15 s after the first failure) brings the next attempt, well before the periodic recheck.
    for app in ["qbittorrent", "radarr"] {
        s.start(app).await;
    }
    kubarr_testbed::wait_until(
        Duration::from_secs(60),
        "radarr → qbittorrent ok",
        || async { Ok(s.link(id).await["state"] == "ok") },
    )
    .await
    .unwrap();
    lead.abort();
}
