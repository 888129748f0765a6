//! Jellyfin's libraries and Seerr's media server: Kubarr never runs Jellyfin's setup wizard
//! (the household's administrator comes from it), so the links wait, held, until a user signs
//! Kubarr in to Jellyfin; Kubarr then makes its own API key there, adds a library per arr
//! folder, and gives Seerr the account (the Seerr double signs in to the Jellyfin double for
//! real and reads its libraries).

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use super::stack::Stack;

const SHOWS: &str = "jellyfin:library:sonarr";
const MOVIES: &str = "jellyfin:library:radarr";
const SEERR: &str = "seerr:media-server:jellyfin";
const ADMIN: &str = "household";
const ADMIN_PASSWORD: &str = "jf-Household-admin-7";

/// What the household does in Jellyfin's own first-run wizard, plus a second, ordinary user.
async fn finish_jellyfin_setup(s: &Stack) {
    let base = s.jellyfin.as_ref().unwrap().url();
    let c = reqwest::Client::builder().no_proxy().build().unwrap();
    for (path, body) in [
        (
            "/Startup/Configuration",
            json!({"UICulture": "en-US", "MetadataCountryCode": "US", "PreferredMetadataLanguage": "en"}),
        ),
        (
            "/Startup/User",
            json!({"Name": ADMIN, "Password": ADMIN_PASSWORD}),
        ),
    ] {
        let r = c
            .post(format!("{base}{path}"))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 204, "{path}");
    }
    let r = c
        .post(format!("{base}/Startup/Complete"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let signed_in: Value = c
        .post(format!("{base}/Users/AuthenticateByName"))
        .header(
            "Authorization",
            r#"MediaBrowser Client="test", Device="test", DeviceId="test", Version="1""#,
        )
        .json(&json!({"Username": ADMIN, "Pw": ADMIN_PASSWORD}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let r = c
        .post(format!("{base}/Users/New"))
        .header("X-Emby-Token", signed_in["AccessToken"].as_str().unwrap())
        .json(&json!({"Name": "kid", "Password": "kid-password"}))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.status());
}

async fn give_account(s: &Stack, app: &str, username: &str, password: &str) -> (StatusCode, Value) {
    let res =
        s.t.admin(
            Method::PUT,
            &format!("/api/apps/{app}/account"),
            Some(json!({"username": username, "password": password})),
        )
        .await;
    (res.status, res.json())
}

#[tokio::test]
async fn jellyfin_links_wait_for_an_account_then_libraries_and_seerr_are_wired() {
    let mut s = Stack::new().await;
    for app in ["jellyfin", "seerr", "sonarr", "radarr"] {
        s.install(app).await;
    }
    let report = s.pass().await;
    // Seerr's arr servers need no account; Jellyfin's links wait for one.
    let states = s.states().await;
    assert_eq!(states["seerr:requests:sonarr"], "ok", "{states:?}");
    for id in [SHOWS, MOVIES, SEERR] {
        let link = s.link(id).await;
        assert_eq!(link["state"], "failed", "{link:#}");
        assert!(
            link["message"]
                .as_str()
                .unwrap()
                .contains("sign Kubarr in to Jellyfin on its page"),
            "{link:#}"
        );
    }
    assert_eq!(report.failed, 3, "{report:?}");
    let account =
        s.t.admin(Method::GET, "/api/apps/jellyfin/account", None)
            .await
            .json();
    assert_eq!(
        account,
        json!({"app_name": "jellyfin", "takes_account": true, "username": null})
    );
    // Held: the next pass does not knock on Jellyfin again, and nothing ran its wizard.
    s.jellyfin.as_ref().unwrap().state().lock().requests.clear();
    let report = s.pass().await;
    assert_eq!(report.skipped, 3, "{report:?}");
    let jf = s.jellyfin.as_ref().unwrap().state();
    assert!(jf.lock().requests.is_empty(), "{:?}", jf.lock().requests);
    assert!(!jf.lock().wizard_completed);

    finish_jellyfin_setup(&s).await;
    // Bad accounts are refused with the reason, and nothing is stored.
    let (status, body) = give_account(&s, "jellyfin", ADMIN, "wrong-password").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["code"], "app_refused_account");
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("refused"));
    let (status, body) = give_account(&s, "jellyfin", "kid", "kid-password").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("not an administrator"),
        "{body}"
    );
    let (status, body) = give_account(&s, "seerr", ADMIN, ADMIN_PASSWORD).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["code"], "app_takes_no_account");
    let (status, body) = give_account(&s, "lidarr", ADMIN, ADMIN_PASSWORD).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    let (status, body) = give_account(&s, "jellyfin", ADMIN, "").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["error"]["field"], "password");
    assert!(jf.lock().api_keys.is_empty());

    let (status, body) = give_account(&s, "jellyfin", ADMIN, ADMIN_PASSWORD).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["username"], ADMIN);
    let keys: Vec<String> = jf
        .lock()
        .api_keys
        .iter()
        .map(|k| k.app_name.clone())
        .collect();
    assert_eq!(keys, ["Kubarr"]);
    // The links were released from their hold: one pass wires them.
    let report = s.pass().await;
    assert_eq!(report.failed, 0, "{report:?}: {:#}", s.graph().await);
    for id in [SHOWS, MOVIES, SEERR] {
        assert_eq!(s.link(id).await["state"], "ok", "{id}");
    }
    assert_eq!(
        s.link(SHOWS).await["detail"],
        "Jellyfin shows Sonarr's library /data/media/tv"
    );
    // What the household sees in Jellyfin: a library per arr folder.
    let libraries: Vec<(String, String, Vec<String>)> = jf
        .lock()
        .libraries
        .iter()
        .map(|l| {
            (
                l.name.clone(),
                l.collection_type.clone(),
                l.locations.clone(),
            )
        })
        .collect();
    assert_eq!(
        libraries,
        [
            (
                "Movies".into(),
                "movies".into(),
                vec!["/data/media/movies".into()]
            ),
            (
                "Shows".into(),
                "tvshows".into(),
                vec!["/data/media/tv".into()]
            ),
        ]
    );
    // And in Seerr: Jellyfin signed in as the household's admin, both libraries switched on.
    let seerr = s
        .seerr
        .as_ref()
        .unwrap()
        .state()
        .lock()
        .jellyfin
        .clone()
        .unwrap();
    assert_eq!(seerr["hostname"], s.jellyfin.as_ref().unwrap().url());
    assert_eq!(seerr["adminUser"], ADMIN);
    let on: Vec<&str> = seerr["libraries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["enabled"] == true)
        .filter_map(|l| l["name"].as_str())
        .collect();
    assert_eq!(on, ["Movies", "Shows"]);

    // No secret in what the API or the audit shows.
    let kubarr_key = jf.lock().api_keys[0].token.clone();
    let shown = [
        s.graph().await.to_string(),
        s.t.admin(Method::GET, "/api/apps/jellyfin/account", None)
            .await
            .text(),
        s.t.admin(Method::GET, "/api/audit?resource_type=app", None)
            .await
            .text(),
    ];
    for text in &shown {
        for secret in [ADMIN_PASSWORD, kubarr_key.as_str(), "wrong-password"] {
            assert!(!text.contains(secret), "a secret in {text}");
        }
    }
    assert!(shown[2].contains("app_account_set"), "{}", shown[2]);

    // A steady pass only reads, in Jellyfin and in Seerr.
    jf.lock().requests.clear();
    s.seerr.as_ref().unwrap().state().lock().requests.clear();
    let report = s.pass().await;
    assert_eq!((report.applied, report.failed), (0, 0), "{report:?}");
    let mut seen = jf.lock().requests.clone();
    seen.extend(s.seerr.as_ref().unwrap().state().lock().requests.clone());
    assert!(seen.iter().all(|r| r.starts_with("GET ")), "{seen:?}");

    // Somebody deletes Kubarr's key in Jellyfin's dashboard: the links say so and hold.
    jf.lock().api_keys.clear();
    let report = s.pass().await;
    assert!(report.failed >= 2, "{report:?}");
    let link = s.link(SHOWS).await;
    assert_eq!(link["state"], "failed");
    assert!(
        link["message"]
            .as_str()
            .unwrap()
            .contains("no longer accepts"),
        "{link:#}"
    );
    // Signing in again mends it.
    let (status, _) = give_account(&s, "jellyfin", ADMIN, ADMIN_PASSWORD).await;
    assert_eq!(status, StatusCode::OK);
    let report = s.pass().await;
    assert_eq!(report.failed, 0, "{report:?}: {:#}", s.graph().await);
    assert_eq!(s.link(SHOWS).await["state"], "ok");
    assert_eq!(jf.lock().api_keys.len(), 1);
}

#[tokio::test]
async fn the_whole_stack_in_a_mixed_order_ends_with_every_link_ok() {
    let mut s = Stack::new().await;
    // The request app and the media server before the arrs they serve; Jellyfin's account is
    // given as soon as its own setup is done, as a household would.
    for app in [
        "seerr",
        "qbittorrent",
        "jellyfin",
        "radarr",
        "prowlarr",
        "sonarr",
    ] {
        s.install(app).await;
        if app == "jellyfin" {
            finish_jellyfin_setup(&s).await;
            let (status, body) = give_account(&s, "jellyfin", ADMIN, ADMIN_PASSWORD).await;
            assert_eq!(status, StatusCode::OK, "{body}");
        }
        let report = s.pass().await;
        assert_eq!(
            report.failed,
            0,
            "after {app}: {report:?}: {:#}",
            s.graph().await
        );
    }
    let states = s.states().await;
    let expected = [
        "jellyfin:library:radarr",
        "jellyfin:library:sonarr",
        "prowlarr:application:radarr",
        "prowlarr:application:sonarr",
        "radarr:download-client:qbittorrent",
        "radarr:root-folder:radarr",
        "seerr:media-server:jellyfin",
        "seerr:requests:radarr",
        "seerr:requests:sonarr",
        "sonarr:download-client:qbittorrent",
        "sonarr:root-folder:sonarr",
    ];
    let keys: Vec<&str> = states.keys().map(String::as_str).collect();
    assert_eq!(keys, expected);
    assert!(states.values().all(|s| s == "ok"), "{states:?}");
    // Seerr learnt of the Shows library that appeared after it was first wired.
    let seerr = s
        .seerr
        .as_ref()
        .unwrap()
        .state()
        .lock()
        .jellyfin
        .clone()
        .unwrap();
    let names: Vec<&str> = seerr["libraries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["enabled"] == true)
        .filter_map(|l| l["name"].as_str())
        .collect();
    assert_eq!(names, ["Movies", "Shows"], "{seerr:?}");
}
