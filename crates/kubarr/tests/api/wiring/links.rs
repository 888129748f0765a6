//! Every link of a stack reaches `ok` through the apps' own tests, whatever the install order;
//! a steady pass only reads; a refused password stops the link instead of looping; links go with
//! the app they point at.

use reqwest::Method;
use serde_json::json;

use super::stack::{field, Stack};

const SONARR_QBT: &str = "sonarr:download-client:qbittorrent";
const RADARR_QBT: &str = "radarr:download-client:qbittorrent";
const SONARR_TR: &str = "sonarr:download-client:transmission";
const PROWLARR_SONARR: &str = "prowlarr:application:sonarr";
const PROWLARR_RADARR: &str = "prowlarr:application:radarr";

#[tokio::test]
async fn a_stack_installed_in_any_order_is_wired_for_real() {
    let mut s = Stack::new().await;
    // Clients first, then the arrs, then Prowlarr: links appear as their ends do.
    s.install("qbittorrent").await;
    s.install("sonarr").await;
    let report = s.pass().await;
    assert_eq!(report.failed, 0, "{report:?}: {:?}", s.states().await);
    s.install("prowlarr").await;
    s.install("radarr").await;
    s.install("transmission").await;
    s.install("deluge").await;
    let report = s.pass().await;
    assert_eq!(report.failed, 0, "{report:?}: {:#}", s.graph().await);
    let states = s.states().await;
    for id in [
        SONARR_QBT,
        RADARR_QBT,
        SONARR_TR,
        "radarr:download-client:transmission",
        "sonarr:download-client:deluge",
        "radarr:download-client:deluge",
        PROWLARR_SONARR,
        PROWLARR_RADARR,
        "sonarr:root-folder:sonarr",
        "radarr:root-folder:radarr",
    ] {
        assert_eq!(
            states.get(id).map(String::as_str),
            Some("ok"),
            "{id}: {states:?}"
        );
    }
    assert_eq!(states.len(), 10, "{states:?}");

    // qBittorrent, read back through its own API: a category per media type.
    let qbt = s.qbittorrent.as_ref().unwrap();
    let categories: serde_json::Value = qbt
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
    assert_eq!(
        categories["tv"]["savePath"], "/data/torrents/tv",
        "{categories}"
    );
    assert_eq!(categories["movies"]["savePath"], "/data/torrents/movies");

    // Sonarr's download client: the fields Kubarr set, the password masked on read and the
    // real one (Kubarr's generated password) stored.
    let dc = s
        .arr_object(
            "sonarr",
            "/api/v3",
            "downloadclient",
            "qBittorrent (Kubarr)",
        )
        .await
        .expect("Sonarr has Kubarr's qBittorrent");
    assert_eq!(field(&dc, "tvCategory"), "tv");
    assert_eq!(field(&dc, "password"), "********");
    let secret = s.secret("qbittorrent");
    assert_eq!(
        s.arr("sonarr").state().provider_value(
            kubarr_doubles::servarr::schema::ProviderKind::DownloadClient,
            "qBittorrent (Kubarr)",
            "password"
        ),
        Some(json!(secret["password"]))
    );
    let tr = s
        .arr_object(
            "sonarr",
            "/api/v3",
            "downloadclient",
            "Transmission (Kubarr)",
        )
        .await
        .unwrap();
    assert_eq!(field(&tr, "tvDirectory"), "/data/torrents/tv");
    // Deluge, through its own web API: Kubarr turned the Label plugin on, and the arrs' tests
    // made their labels.
    let deluge = s.deluge.as_ref().unwrap().web_session().await.unwrap();
    let plugins = deluge
        .call("core.get_enabled_plugins", json!([]))
        .await
        .unwrap();
    assert!(plugins.to_string().contains("Label"), "{plugins}");
    let labels = deluge.call("label.get_labels", json!([])).await.unwrap();
    assert!(
        labels.to_string().contains("tv") && labels.to_string().contains("movies"),
        "{labels}"
    );
    // Prowlarr's applications point at each arr with that arr's key; the sync reached Sonarr.
    let app = s
        .arr_object("prowlarr", "/api/v1", "applications", "Sonarr (Kubarr)")
        .await
        .unwrap();
    assert_eq!(field(&app, "baseUrl"), s.arr("sonarr").url().as_str());
    assert_eq!(field(&app, "prowlarrUrl"), s.arr("prowlarr").url().as_str());
    let (_, roots) = s
        .arr_call("sonarr", Method::GET, "/api/v3/rootfolder", None)
        .await;
    assert_eq!(roots[0]["path"], "/data/media/tv", "{roots}");
    // The apps' own health has nothing to say about what Kubarr set up.
    let (_, health) = s
        .arr_call("sonarr", Method::GET, "/api/v3/health", None)
        .await;
    assert!(!health.to_string().contains("Kubarr"), "{health}");

    // At steady state a pass only reads.
    for arr in s.arrs.values() {
        arr.state().clear_requests();
    }
    let report = s.pass().await;
    assert_eq!((report.applied, report.failed), (0, 0), "{report:?}");
    assert_eq!(report.in_sync, 10);
    for (name, arr) in &s.arrs {
        let writes: Vec<String> = arr
            .state()
            .requests()
            .into_iter()
            // A provider test is no write (Prowlarr's health tests its applications live).
            .filter(|r| !r.starts_with("GET ") && !r.ends_with("/test"))
            .collect();
        assert!(
            writes.is_empty(),
            "{name} got writes at steady state: {writes:?}"
        );
        // Links that share an app share its reads: each list and health once per pass (the
        // other apps' calls, e.g. the arrs' searches of Prowlarr's `/0/api`, are theirs).
        let reads: Vec<String> = arr
            .state()
            .requests()
            .into_iter()
            .filter(|r| r.starts_with("GET /api/"))
            .collect();
        let distinct: std::collections::BTreeSet<&String> = reads.iter().collect();
        assert_eq!(
            distinct.len(),
            reads.len(),
            "{name} was read twice in one pass: {reads:?}"
        );
    }
}

#[tokio::test]
async fn uninstalling_a_client_takes_its_links_out_of_the_arrs() {
    let mut s = Stack::new().await;
    s.install("sonarr").await;
    s.install("qbittorrent").await;
    s.install("transmission").await;
    s.pass().await;
    assert_eq!(s.link(SONARR_QBT).await["state"], "ok");
    s.uninstall("qbittorrent").await;
    let report = s.pass().await;
    assert_eq!(report.removed, 1, "{report:?}");
    assert!(s
        .arr_object(
            "sonarr",
            "/api/v3",
            "downloadclient",
            "qBittorrent (Kubarr)"
        )
        .await
        .is_none());
    assert!(s
        .arr_object(
            "sonarr",
            "/api/v3",
            "downloadclient",
            "Transmission (Kubarr)"
        )
        .await
        .is_some());
    let states = s.states().await;
    assert!(!states.contains_key(SONARR_QBT), "{states:?}");
    assert_eq!(states[SONARR_TR], "ok");
}

#[tokio::test]
async fn a_refused_password_fails_the_link_once_and_does_not_retry() {
    let mut s = Stack::new().await;
    s.install("sonarr").await;
    let res =
        s.t.admin(
            axum::http::Method::POST,
            "/api/apps/install",
            Some(json!({"app_name": "qbittorrent"})),
        )
        .await;
    assert_eq!(res.status, axum::http::StatusCode::ACCEPTED);
    s.t.wait_state("qbittorrent", "installed", super::stack::SOON)
        .await;
    // The client runs with another password than the one Kubarr generated (a user changed it),
    // and bans an address after 3 failed sign-ins.
    let qbt = kubarr_testbed::parts::qbittorrent::Qbittorrent::start_with(
        kubarr_testbed::parts::qbittorrent::QbittorrentConfig {
            username: s.secret("qbittorrent")["username"].clone(),
            max_auth_fail_count: 3,
            ..kubarr_testbed::parts::qbittorrent::QbittorrentConfig::with_password(
                "the user's own password",
            )
        },
    )
    .await
    .unwrap();
    s.t.state.wiring.set_endpoint("qbittorrent", &qbt.url());
    s.pass().await;
    let link = s.link(SONARR_QBT).await;
    assert_eq!(link["state"], "failed", "{link}");
    let message = link["message"].as_str().unwrap();
    assert!(message.contains("refused"), "{message}");
    assert!(!message.contains(&s.secret("qbittorrent")["password"]));
    // Five more passes: had Kubarr retried, qBittorrent would have banned 127.0.0.1 by now.
    for _ in 0..5 {
        s.pass().await;
    }
    qbt.login().await.expect("127.0.0.1 is not banned");
    assert_eq!(s.link(SONARR_QBT).await["state"], "failed");
    assert!(s
        .arr_object(
            "sonarr",
            "/api/v3",
            "downloadclient",
            "qBittorrent (Kubarr)"
        )
        .await
        .is_none());
}
