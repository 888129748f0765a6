//! Seerr is given Sonarr and Radarr as its servers, with the keys Kubarr generated and each
//! arr's library folder (the double's save asks the arr for its profiles and root folders for
//! real); a server a user added is left alone; an address changed in Seerr is put back; an arr
//! that goes is taken out of Seerr.

use reqwest::Method;
use serde_json::{json, Value};

use super::stack::{double_call, Stack};

const TO_SONARR: &str = "seerr:requests:sonarr";
const TO_RADARR: &str = "seerr:requests:radarr";

async fn seerr_call(s: &Stack, method: Method, path: &str, body: Option<Value>) -> Value {
    let seerr = s.seerr.as_ref().unwrap();
    let key = ("X-Api-Key", seerr.api_key());
    let path = format!("/api/v1{path}");
    let (status, body) = double_call(&seerr.url(), key, method, &path, body).await;
    assert!((200..300).contains(&status), "{path}: {status} {body}");
    body
}

fn named<'a>(list: &'a Value, name: &str) -> Option<&'a Value> {
    list.as_array()?.iter().find(|e| e["name"] == name)
}

#[tokio::test]
async fn seerr_sends_requests_to_the_arrs_and_lets_go_of_one_that_goes() {
    let mut s = Stack::new().await;
    s.install("seerr").await;
    // Alone, Seerr calls for nothing.
    s.pass().await;
    assert!(s.states().await.is_empty(), "{:#}", s.graph().await);
    s.install("sonarr").await;
    s.install("radarr").await;
    // One pass wires it all: the arrs' root folders come first, so Seerr's test finds them.
    let report = s.pass().await;
    assert_eq!(report.failed, 0, "{report:?}: {:#}", s.graph().await);
    for id in [TO_SONARR, TO_RADARR] {
        let link = s.link(id).await;
        assert_eq!(link["state"], "ok", "{link:#}");
        assert_eq!(link["kind"], "requests");
    }
    assert_eq!(
        s.link(TO_SONARR).await["detail"],
        "Seerr sends approved requests to Sonarr, filed in /data/media/tv"
    );

    // What a user sees in Seerr's settings: one server per arr, its key masked.
    let sonarrs = seerr_call(&s, Method::GET, "/settings/sonarr", None).await;
    let ours = named(&sonarrs, "Sonarr (Kubarr)").unwrap_or_else(|| panic!("{sonarrs:#}"));
    assert_eq!(ours["activeDirectory"], "/data/media/tv");
    assert_eq!(ours["port"], s.arr("sonarr").port());
    assert_eq!(ours["apiKey"], "********");
    assert_eq!(ours["isDefault"], true);
    // The key Seerr holds is the one Sonarr was started with.
    let held = s.seerr.as_ref().unwrap().state().lock().sonarr[0]["apiKey"].clone();
    assert_eq!(held, s.secret("sonarr")["api-key"]);
    let radarrs = seerr_call(&s, Method::GET, "/settings/radarr", None).await;
    assert_eq!(
        named(&radarrs, "Radarr (Kubarr)").unwrap()["activeDirectory"],
        "/data/media/movies"
    );
    let graph = s.graph().await.to_string();
    for app in ["sonarr", "radarr", "seerr"] {
        assert!(
            !graph.contains(&s.secret(app)["api-key"]),
            "a key in {graph}"
        );
    }

    // A user adds a 4K Radarr server of their own.
    let mine = json!({
        "name": "Radarr 4K", "hostname": "127.0.0.1", "port": s.arr("radarr").port(),
        "apiKey": s.secret("radarr")["api-key"], "useSsl": false, "activeProfileId": 1,
        "activeProfileName": "Any", "activeDirectory": "/data/media/movies", "is4k": true,
        "minimumAvailability": "released", "isDefault": true,
    });
    seerr_call(&s, Method::POST, "/settings/radarr", Some(mine)).await;

    // A steady pass only reads.
    s.seerr.as_ref().unwrap().state().lock().requests.clear();
    let report = s.pass().await;
    assert_eq!(
        (report.applied, report.failed, report.in_sync),
        (0, 0, 4),
        "{report:?}"
    );
    let requests = s.seerr.as_ref().unwrap().state().lock().requests.clone();
    assert!(
        requests.iter().all(|r| r.starts_with("GET ")),
        "{requests:?}"
    );

    // Somebody points Kubarr's Sonarr server elsewhere in Seerr: reported, then put back.
    let mut moved = ours.clone();
    moved["hostname"] = json!("localhost");
    let id = ours["id"].as_i64().unwrap();
    seerr_call(
        &s,
        Method::PUT,
        &format!("/settings/sonarr/{id}"),
        Some(moved),
    )
    .await;
    let report = s.pass().await;
    assert_eq!(report.applied, 1, "{report:?}: {:#}", s.graph().await);
    assert_eq!(s.link(TO_SONARR).await["state"], "ok");
    let sonarrs = seerr_call(&s, Method::GET, "/settings/sonarr", None).await;
    assert_eq!(sonarrs.as_array().unwrap().len(), 1, "{sonarrs:#}");
    assert_eq!(sonarrs[0]["hostname"], "127.0.0.1");
    assert_eq!(sonarrs[0]["id"], id, "updated in place");
    let audit =
        s.t.admin(
            axum::http::Method::GET,
            "/api/audit?action=wiring_link_applied&resource_type=wiring_link",
            None,
        )
        .await
        .text();
    assert!(audit.contains(r#""was":"drifted""#), "{audit}");

    // Radarr goes: Kubarr's server leaves Seerr, the user's own stays; Sonarr is untouched.
    s.uninstall("radarr").await;
    let report = s.pass().await;
    // Seerr's link and Radarr's own root-folder link.
    assert_eq!(report.removed, 2, "{report:?}");
    let radarrs = seerr_call(&s, Method::GET, "/settings/radarr", None).await;
    let names: Vec<&str> = radarrs
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["name"].as_str())
        .collect();
    assert_eq!(names, ["Radarr 4K"]);
    let states = s.states().await;
    assert!(!states.contains_key(TO_RADARR), "{states:?}");
    assert_eq!(states[TO_SONARR], "ok");
}
