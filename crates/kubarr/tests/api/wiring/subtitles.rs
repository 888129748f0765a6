//! Bazarr is connected to Sonarr and Radarr with the keys Kubarr generated for them, proven by
//! Bazarr asking each arr for its version; an address a user changed in Bazarr is reported and
//! put back; an arr that goes is switched off in Bazarr.

use serde_json::Value;

use super::stack::{double_call, Stack};

const TO_SONARR: &str = "bazarr:subtitles:sonarr";
const TO_RADARR: &str = "bazarr:subtitles:radarr";

async fn bazarr_get(s: &Stack, path: &str) -> Value {
    let b = s.bazarr.as_ref().unwrap();
    let key = ("X-API-KEY", b.api_key());
    let (status, body) = double_call(&b.url(), key, reqwest::Method::GET, path, None).await;
    assert_eq!(status, 200, "{path}: {body}");
    body
}

async fn bazarr_set(s: &Stack, form: &[(&str, &str)]) {
    let b = s.bazarr.as_ref().unwrap();
    let status = reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .post(format!("{}/api/system/settings", b.url()))
        .header("X-API-KEY", b.api_key())
        .form(form)
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, 204);
}

#[tokio::test]
async fn bazarr_is_connected_to_the_arrs_kept_connected_and_let_go() {
    let mut s = Stack::new().await;
    s.install("bazarr").await;
    // Alone, Bazarr calls for nothing.
    s.pass().await;
    assert!(s.states().await.is_empty(), "{:#}", s.graph().await);
    s.install("sonarr").await;
    s.install("radarr").await;
    let report = s.pass().await;
    assert_eq!(report.failed, 0, "{report:?}: {:#}", s.graph().await);
    for id in [TO_SONARR, TO_RADARR] {
        let link = s.link(id).await;
        assert_eq!(link["state"], "ok", "{link:#}");
        assert_eq!(link["kind"], "subtitles");
    }
    assert_eq!(
        s.link(TO_SONARR).await["detail"],
        "Bazarr fetches subtitles for Sonarr's series"
    );
    // What a user would look at in Bazarr: both arrs answer it with the keys Kubarr gave it
    // (the double asks each arr's /system/status for real), and the keys read back masked.
    let status = bazarr_get(&s, "/api/system/status").await;
    assert_ne!(status["data"]["sonarr_version"], "", "{status}");
    assert_ne!(status["data"]["radarr_version"], "", "{status}");
    let settings = bazarr_get(&s, "/api/system/settings").await;
    assert_eq!(settings["general"]["use_sonarr"], true);
    assert_eq!(settings["sonarr"]["apikey"], "********");
    let graph = s.graph().await.to_string();
    for app in ["sonarr", "radarr", "bazarr"] {
        assert!(
            !graph.contains(&s.secret(app)["api-key"]),
            "a key in {graph}"
        );
    }

    // A steady pass only reads.
    s.bazarr.as_ref().unwrap().state().lock().requests.clear();
    let report = s.pass().await;
    assert_eq!(
        (report.applied, report.failed, report.in_sync),
        (0, 0, 4),
        "{report:?}"
    );
    let requests = s.bazarr.as_ref().unwrap().state().lock().requests.clone();
    assert!(
        requests.iter().all(|r| r.starts_with("GET ")),
        "{requests:?}"
    );

    // Somebody points Bazarr's Sonarr elsewhere: reported, then put back.
    bazarr_set(&s, &[("settings-sonarr-port", "9999")]).await;
    let report = s.pass().await;
    assert_eq!(report.applied, 1, "{report:?}: {:#}", s.graph().await);
    assert_eq!(s.link(TO_SONARR).await["state"], "ok");
    let settings = bazarr_get(&s, "/api/system/settings").await;
    assert_eq!(settings["sonarr"]["port"], s.arr("sonarr").port());
    let audit =
        s.t.admin(
            axum::http::Method::GET,
            "/api/audit?action=wiring_link_applied&resource_type=wiring_link",
            None,
        )
        .await
        .text();
    assert!(audit.contains(r#""was":"drifted""#), "{audit}");

    // Radarr goes: Bazarr stops using it, Sonarr stays.
    s.uninstall("radarr").await;
    let report = s.pass().await;
    // Bazarr's link and Radarr's own root-folder link.
    assert_eq!(report.removed, 2, "{report:?}");
    let settings = bazarr_get(&s, "/api/system/settings").await;
    assert_eq!(settings["general"]["use_radarr"], false);
    assert_eq!(settings["general"]["use_sonarr"], true);
    let states = s.states().await;
    assert!(!states.contains_key(TO_RADARR), "{states:?}");
    assert_eq!(states[TO_SONARR], "ok");
}
