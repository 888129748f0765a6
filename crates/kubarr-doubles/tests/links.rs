//! The doubles' `/test` paths for real: against the real download clients started on loopback,
//! and between the doubles (Prowlarr ↔ arr, Seerr → Jellyfin/Sonarr, Bazarr → Sonarr).

use anyhow::Result;
use kubarr_doubles::servarr::schema::ProviderKind;
use kubarr_doubles::{
    start_bazarr, start_jellyfin, start_lidarr, start_prowlarr, start_radarr, start_seerr,
    start_sonarr, BazarrConfig, JellyfinConfig, SeerrConfig, ServarrConfig, ServarrHandle,
};
use kubarr_testbed::parts::deluge::Deluge;
use kubarr_testbed::parts::nzbget::{Nzbget, NzbgetConfig};
use kubarr_testbed::parts::qbittorrent::{Qbittorrent, QbittorrentConfig};
use kubarr_testbed::parts::transmission::Transmission;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const SONARR_KEY: &str = "50a7a0e1b2c3d4e5f60718293a4b5c6d";
const PROWLARR_KEY: &str = "9f8e7d6c5b4a39281706f5e4d3c2b1a0";

fn client() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().unwrap()
}

async fn call(
    h: &ServarrHandle,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> Result<(StatusCode, Value)> {
    let mut rb = client()
        .request(method, format!("{}{path}", h.url()))
        .header("X-Api-Key", h.api_key());
    if let Some(b) = body {
        rb = rb.json(&b);
    }
    let r = rb.send().await?;
    let status = r.status();
    let text = r.text().await?;
    Ok((
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    ))
}

fn first_error(v: &Value) -> String {
    v[0]["errorMessage"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

fn provider(implementation: &str, name: &str, fields: Value) -> Value {
    let fields: Vec<Value> = fields
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| json!({"name": k, "value": v}))
        .collect();
    json!({"name": name, "implementation": implementation, "configContract": format!("{implementation}Settings"), "fields": fields})
}

#[tokio::test]
async fn qbittorrent_test_logs_in_for_real_and_creates_the_category() -> Result<()> {
    let qbt = Qbittorrent::start_with(QbittorrentConfig::with_password("qbt-pass-1")).await?;
    let sonarr = start_sonarr(ServarrConfig::new(SONARR_KEY)).await?;
    let body = |password: &str| {
        provider(
            "QBittorrent",
            "qBittorrent",
            json!({"host": "127.0.0.1", "port": qbt.port(), "username": "admin", "password": password, "tvCategory": "tv-sonarr"}),
        )
    };
    let (s, v) = call(
        &sonarr,
        Method::POST,
        "/api/v3/downloadclient/test",
        Some(body("wrong")),
    )
    .await?;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(first_error(&v), "Authentication failure");
    let (s, v) = call(
        &sonarr,
        Method::POST,
        "/api/v3/downloadclient",
        Some(body("qbt-pass-1")),
    )
    .await?;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let session = qbt.login().await?;
    let cats: Value = session
        .get(qbt.api("torrents/categories"))
        .send()
        .await?
        .json()
        .await?;
    assert!(cats.get("tv-sonarr").is_some(), "{cats}");

    // qBittorrent's default save path exists on this machine: healthy. A category whose save
    // path does not exist as Sonarr sees it is a remote-path-mapping error, and a mapping fixes it.
    let (_, h) = call(&sonarr, Method::GET, "/api/v3/health", None).await?;
    let sources: Vec<&str> = h
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["source"].as_str().unwrap())
        .collect();
    assert!(
        !sources.contains(&"DownloadClientCheck") && !sources.contains(&"RemotePathMappingCheck"),
        "{h}"
    );
    // A folder Sonarr cannot see (it exists nowhere on this machine).
    let elsewhere = qbt.profile_dir().join("elsewhere");
    let elsewhere = elsewhere.to_str().unwrap();
    let r = session
        .post(qbt.api("torrents/editCategory"))
        .form(&[
            ("category", "tv-sonarr"),
            ("savePath", &format!("{elsewhere}/tv")),
        ])
        .send()
        .await?;
    assert!(r.status().is_success());
    let (_, h) = call(&sonarr, Method::GET, "/api/v3/health", None).await?;
    let rpm = h
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["source"] == "RemotePathMappingCheck")
        .expect("mapping error");
    assert!(
        rpm["message"]
            .as_str()
            .unwrap()
            .contains(&format!("{elsewhere}/tv")),
        "{rpm}"
    );
    let local = qbt.downloads_dir();
    let mapping = json!({"host": "127.0.0.1", "remotePath": format!("{elsewhere}/"), "localPath": local.to_str().unwrap()});
    std::fs::create_dir_all(local.join("tv"))?;
    assert_eq!(
        call(
            &sonarr,
            Method::POST,
            "/api/v3/remotepathmapping",
            Some(mapping)
        )
        .await?
        .0,
        StatusCode::CREATED
    );
    let (_, h) = call(&sonarr, Method::GET, "/api/v3/health", None).await?;
    assert!(!h.to_string().contains("RemotePathMappingCheck"), "{h}");
    Ok(())
}

#[tokio::test]
async fn transmission_test_does_the_session_handshake() -> Result<()> {
    let tr = Transmission::start_with("tr-user", "tr-pass").await?;
    let radarr = start_radarr(ServarrConfig::new(SONARR_KEY)).await?;
    let body = |password: &str| {
        provider(
            "Transmission",
            "Transmission",
            json!({"host": "localhost", "port": tr.port(), "username": "tr-user", "password": password, "movieCategory": "radarr"}),
        )
    };
    let (s, v) = call(
        &radarr,
        Method::POST,
        "/api/v3/downloadclient/test",
        Some(body("nope")),
    )
    .await?;
    assert_eq!(
        (s, first_error(&v)),
        (
            StatusCode::BAD_REQUEST,
            "Authentication failure".to_string()
        )
    );
    let (s, v) = call(
        &radarr,
        Method::POST,
        "/api/v3/downloadclient",
        Some(body("tr-pass")),
    )
    .await?;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    // Radarr's category goes below Transmission's download directory.
    std::fs::create_dir_all(tr.downloads_dir().join("radarr"))?;
    let (_, h) = call(&radarr, Method::GET, "/api/v3/health", None).await?;
    assert!(!h.to_string().contains("DownloadClientCheck"), "{h}");
    assert!(!h.to_string().contains("RemotePathMappingCheck"), "{h}");
    Ok(())
}

#[tokio::test]
async fn deluge_test_connects_the_web_ui_and_needs_the_label_plugin_for_a_category() -> Result<()> {
    let deluge = Deluge::start_with("web-pass").await?;
    let lidarr = start_lidarr(ServarrConfig::new(SONARR_KEY)).await?;
    let body = |password: &str, category: &str| {
        provider(
            "Deluge",
            "Deluge",
            json!({"host": "127.0.0.1", "port": deluge.web_port(), "password": password, "musicCategory": category}),
        )
    };
    let (s, v) = call(
        &lidarr,
        Method::POST,
        "/api/v1/downloadclient/test",
        Some(body("bad", "")),
    )
    .await?;
    assert_eq!(
        (s, first_error(&v)),
        (
            StatusCode::BAD_REQUEST,
            "Authentication failure".to_string()
        )
    );
    let (s, v) = call(
        &lidarr,
        Method::POST,
        "/api/v1/downloadclient/test",
        Some(body("web-pass", "")),
    )
    .await?;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = call(
        &lidarr,
        Method::POST,
        "/api/v1/downloadclient/test",
        Some(body("web-pass", "lidarr")),
    )
    .await?;
    assert_eq!(
        (s, first_error(&v)),
        (
            StatusCode::BAD_REQUEST,
            "Label plugin not activated".to_string()
        )
    );
    let web = deluge.web_session().await?;
    web.call("core.enable_plugin", json!(["Label"])).await?;
    kubarr_testbed::wait_until(
        std::time::Duration::from_secs(20),
        "the Label plugin",
        || async {
            Ok(web
                .call("core.get_enabled_plugins", json!([]))
                .await?
                .to_string()
                .contains("Label"))
        },
    )
    .await?;
    let (s, v) = call(
        &lidarr,
        Method::POST,
        "/api/v1/downloadclient",
        Some(body("web-pass", "lidarr")),
    )
    .await?;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let labels = web.call("label.get_labels", json!([])).await?;
    assert!(labels.to_string().contains("lidarr"), "{labels}");
    Ok(())
}

#[tokio::test]
async fn nzbget_test_checks_credentials_and_the_category() -> Result<()> {
    let nzb = Nzbget::start_with(NzbgetConfig {
        categories: vec!["tv".into()],
        ..NzbgetConfig::default()
    })
    .await?;
    let sonarr = start_sonarr(ServarrConfig::new(SONARR_KEY)).await?;
    let body = |password: &str, category: &str| {
        provider(
            "Nzbget",
            "NZBGet",
            json!({"host": "127.0.0.1", "port": nzb.port(), "username": nzb.username(), "password": password, "tvCategory": category}),
        )
    };
    let (s, v) = call(
        &sonarr,
        Method::POST,
        "/api/v3/downloadclient/test",
        Some(body("bad", "tv")),
    )
    .await?;
    assert_eq!(
        (s, first_error(&v)),
        (
            StatusCode::BAD_REQUEST,
            "Authentication failure".to_string()
        )
    );
    let (s, v) = call(
        &sonarr,
        Method::POST,
        "/api/v3/downloadclient/test",
        Some(body(nzb.password(), "anime")),
    )
    .await?;
    assert_eq!(
        (s, first_error(&v)),
        (
            StatusCode::BAD_REQUEST,
            "Category does not exist".to_string()
        )
    );
    let (s, v) = call(
        &sonarr,
        Method::POST,
        "/api/v3/downloadclient",
        Some(body(nzb.password(), "tv")),
    )
    .await?;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    Ok(())
}

fn application(sonarr: &ServarrHandle, prowlarr: &ServarrHandle, api_key: &str) -> Value {
    provider(
        "Sonarr",
        "Sonarr",
        json!({"prowlarrUrl": prowlarr.url(), "baseUrl": sonarr.url(), "apiKey": api_key, "syncCategories": [5000, 5040]}),
    )
}

#[tokio::test]
async fn prowlarr_and_sonarr_test_each_other_and_indexers_sync() -> Result<()> {
    let sonarr = start_sonarr(ServarrConfig::new(SONARR_KEY)).await?;
    let prowlarr = start_prowlarr(ServarrConfig::new(PROWLARR_KEY)).await?;

    let (s, v) = call(
        &prowlarr,
        Method::POST,
        "/api/v1/applications",
        Some(application(&sonarr, &prowlarr, "wrong-key")),
    )
    .await?;
    assert_eq!(
        (s, first_error(&v)),
        (StatusCode::BAD_REQUEST, "API Key is invalid".to_string())
    );

    prowlarr.state().clear_requests();
    let (s, app) = call(
        &prowlarr,
        Method::POST,
        "/api/v1/applications",
        Some(application(&sonarr, &prowlarr, SONARR_KEY)),
    )
    .await?;
    assert_eq!(s, StatusCode::CREATED, "{app}");
    // Sonarr called back: the test indexer points at Prowlarr's id 0.
    assert!(
        prowlarr
            .state()
            .requests()
            .contains(&"GET /0/api".to_string()),
        "{:?}",
        prowlarr.state().requests()
    );
    let key_field = app["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "apiKey")
        .unwrap();
    assert_eq!(key_field["value"], "********");

    // A Prowlarr indexer is pushed to Sonarr, and Sonarr's test of it reaches Prowlarr.
    let indexer = provider(
        "Torznab",
        "Local Tracker",
        json!({"baseUrl": "http://127.0.0.1:1/", "apiKey": "tracker-key"}),
    );
    let (s, ix) = call(
        &prowlarr,
        Method::POST,
        "/api/v1/indexer?forceSave=true",
        Some(indexer),
    )
    .await?;
    assert_eq!(s, StatusCode::CREATED, "{ix}");
    let id = ix["id"].as_i64().unwrap();
    let (_, synced) = call(&sonarr, Method::GET, "/api/v3/indexer", None).await?;
    assert_eq!(synced.as_array().unwrap().len(), 1, "{synced}");
    assert_eq!(synced[0]["name"], "Local Tracker (Prowlarr)");
    assert_eq!(synced[0]["implementation"], "Torznab");
    assert_eq!(
        sonarr
            .state()
            .provider_value(ProviderKind::Indexer, "Local Tracker (Prowlarr)", "baseUrl"),
        Some(json!(format!("{}/{id}/", prowlarr.url())))
    );
    assert!(prowlarr
        .state()
        .requests()
        .contains(&format!("GET /{id}/api")));
    let (_, h) = call(&sonarr, Method::GET, "/api/v3/health", None).await?;
    assert!(!h.to_string().contains("IndexerSearchCheck"), "{h}");

    // Full sync: deleting it in Prowlarr removes it from Sonarr.
    assert_eq!(
        call(
            &prowlarr,
            Method::DELETE,
            &format!("/api/v1/indexer/{id}"),
            None
        )
        .await?
        .0,
        StatusCode::OK
    );
    let (_, synced) = call(&sonarr, Method::GET, "/api/v3/indexer", None).await?;
    assert_eq!(synced, json!([]));

    // With Sonarr gone, Prowlarr's health says so.
    let (_, h) = call(&prowlarr, Method::GET, "/api/v1/health", None).await?;
    assert_eq!(h, json!([]));
    drop(sonarr);
    let (_, h) = call(&prowlarr, Method::GET, "/api/v1/health", None).await?;
    assert_eq!(h[0]["source"], "ApplicationStatusCheck", "{h}");
    assert_eq!(
        h[0]["message"],
        "Applications unavailable due to failures: Sonarr"
    );
    Ok(())
}

#[tokio::test]
async fn an_arr_refuses_a_prowlarr_indexer_with_a_wrong_key() -> Result<()> {
    let sonarr = start_sonarr(ServarrConfig::new(SONARR_KEY)).await?;
    let prowlarr = start_prowlarr(ServarrConfig::new(PROWLARR_KEY)).await?;
    let ix = provider(
        "Torznab",
        "Prowlarr",
        json!({"baseUrl": format!("{}/0/", prowlarr.url()), "apiPath": "/api", "apiKey": "not-prowlarrs"}),
    );
    let (s, v) = call(&sonarr, Method::POST, "/api/v3/indexer", Some(ix)).await?;
    assert_eq!(
        (s, first_error(&v)),
        (StatusCode::BAD_REQUEST, "Invalid API Key".to_string())
    );
    Ok(())
}

#[tokio::test]
async fn seerr_signs_in_at_jellyfin_and_checks_sonarr_for_real() -> Result<()> {
    let media = tempfile::tempdir()?;
    std::fs::create_dir_all(media.path().join("data/media/tv"))?;
    let mut sc = ServarrConfig::new(SONARR_KEY);
    sc.fs_root = Some(media.path().to_path_buf());
    let sonarr = start_sonarr(sc).await?;
    call(
        &sonarr,
        Method::POST,
        "/api/v3/rootfolder",
        Some(json!({"path": "/data/media/tv"})),
    )
    .await?;

    let jellyfin = start_jellyfin(JellyfinConfig {
        port: 0,
        fs_root: Some(media.path().to_path_buf()),
    })
    .await?;
    let c = client();
    let j = jellyfin.url();
    c.post(format!("{j}/Startup/User"))
        .json(&json!({"Name": "admin", "Password": "jf-pass"}))
        .send()
        .await?;
    c.post(format!(
        "{j}/Library/VirtualFolders?name=Shows&collectionType=tvshows&paths=/data/media/tv"
    ))
    .send()
    .await?;
    c.post(format!("{j}/Startup/Complete")).send().await?;

    let seerr = start_seerr(SeerrConfig::new("seerr-key-0123456789")).await?;
    let s = seerr.url();
    let post = |path: &str, body: Value| {
        c.post(format!("{s}/api/v1{path}"))
            .header("X-Api-Key", "seerr-key-0123456789")
            .json(&body)
            .send()
    };
    let r = post(
        "/settings/jellyfin",
        json!({"hostname": j, "adminUser": "admin", "adminPass": "wrong"}),
    )
    .await?;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = post(
        "/settings/jellyfin",
        json!({"hostname": j, "adminUser": "admin", "adminPass": "jf-pass"}),
    )
    .await?;
    assert_eq!(r.status(), StatusCode::OK);
    let settings: Value = r.json().await?;
    assert_eq!(settings["adminPass"], "********");
    assert_eq!(settings["libraries"][0]["name"], "Shows");

    let arr = |dir: &str| {
        json!({
            "name": "Sonarr", "hostname": "127.0.0.1", "port": sonarr.port(), "apiKey": SONARR_KEY, "useSsl": false,
            "activeProfileId": 1, "activeProfileName": "Any", "activeDirectory": dir, "is4k": false,
            "enableSeasonFolders": true, "isDefault": true,
        })
    };
    let r = post("/settings/sonarr", arr("/data/media/anime")).await?;
    assert_eq!(
        r.status(),
        StatusCode::BAD_REQUEST,
        "a root folder Sonarr lacks is refused"
    );
    let mut unknown = arr("/data/media/tv");
    unknown["rootFolder"] = json!("/x");
    assert_eq!(
        post("/settings/sonarr", unknown).await?.status(),
        StatusCode::BAD_REQUEST
    );
    let r = post("/settings/sonarr", arr("/data/media/tv")).await?;
    assert_eq!(r.status(), StatusCode::CREATED);
    let created: Value = r.json().await?;
    assert_eq!(created["apiKey"], "********");
    let t: Value = post("/settings/sonarr/test", json!({"hostname": "127.0.0.1", "port": sonarr.port(), "apiKey": SONARR_KEY, "useSsl": false}))
        .await?
        .json()
        .await?;
    assert_eq!(t["rootFolders"][0]["path"], "/data/media/tv");
    let anon = c.get(format!("{s}/api/v1/settings/main")).send().await?;
    assert_eq!(anon.status(), StatusCode::FORBIDDEN);
    Ok(())
}

#[tokio::test]
async fn bazarr_reaches_sonarr_with_its_settings() -> Result<()> {
    let sonarr = start_sonarr(ServarrConfig::new(SONARR_KEY)).await?;
    let bazarr = start_bazarr(BazarrConfig::new("bazarr-key-0123456789")).await?;
    let c = client();
    let b = bazarr.url();
    let post = |form: Vec<(&str, String)>| {
        c.post(format!("{b}/api/system/settings"))
            .header("X-API-KEY", "bazarr-key-0123456789")
            .form(&form)
            .send()
    };
    let port = sonarr.port().to_string();
    let r = post(vec![("settings-sonarr-port", "99999".into())]).await?;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = post(vec![("settings-sonarr-hostname", "x".into())]).await?;
    assert_eq!(
        r.status(),
        StatusCode::BAD_REQUEST,
        "unknown keys are refused"
    );
    let r = post(vec![
        ("settings-general-use_sonarr", "true".into()),
        ("settings-sonarr-ip", "127.0.0.1".into()),
        ("settings-sonarr-port", port.clone()),
        ("settings-sonarr-base_url", "/".into()),
        ("settings-sonarr-apikey", "wrong".into()),
    ])
    .await?;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let get = |path: &str| {
        c.get(format!("{b}/api{path}"))
            .header("X-API-KEY", "bazarr-key-0123456789")
            .send()
    };
    let health: Value = get("/system/health").await?.json().await?;
    assert_eq!(health["data"][0]["object"], "Sonarr", "{health}");
    post(vec![("settings-sonarr-apikey", SONARR_KEY.into())]).await?;
    let health: Value = get("/system/health").await?.json().await?;
    assert_eq!(health["data"], json!([]));
    let status: Value = get("/system/status").await?.json().await?;
    assert_eq!(
        status["data"]["sonarr_version"],
        kubarr_doubles::ServarrApp::Sonarr.version()
    );
    let settings: Value = get("/system/settings").await?.json().await?;
    assert_eq!(settings["sonarr"]["apikey"], "********");
    assert_eq!(settings["sonarr"]["port"], sonarr.port());
    Ok(())
}

#[tokio::test]
async fn prowlarr_flaresolverr_proxy_is_tested_through_the_proxy() -> Result<()> {
    let prowlarr = start_prowlarr(ServarrConfig::new(PROWLARR_KEY)).await?;
    let flare = kubarr_doubles::start_flaresolverr(0).await?;
    let (status, schema) =
        call(&prowlarr, Method::GET, "/api/v1/indexerProxy/schema", None).await?;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(schema[0]["implementation"], "FlareSolverr");
    // Out of Prowlarr's range: refused before any call.
    let mut body = provider(
        "FlareSolverr",
        "FlareSolverr",
        json!({"host": format!("{}/", flare.url()), "requestTimeout": 500}),
    );
    body["tags"] = json!([]);
    let (status, v) = call(
        &prowlarr,
        Method::POST,
        "/api/v1/indexerProxy",
        Some(body.clone()),
    )
    .await?;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{v}");
    assert!(flare.state().lock().commands.is_empty());
    // Saved once a request went through FlareSolverr.
    body["fields"][1]["value"] = json!(60);
    let (status, v) = call(
        &prowlarr,
        Method::POST,
        "/api/v1/indexerProxy",
        Some(body.clone()),
    )
    .await?;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    assert_eq!(
        flare.state().lock().commands,
        ["request.get https://prowlarr.servarr.com/v1/ping"]
    );
    // A proxy that is not there fails the test with Prowlarr's words.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let mut gone = body.clone();
    gone["name"] = json!("Elsewhere");
    gone["fields"][0]["value"] = json!(format!("http://127.0.0.1:{closed}/"));
    let (status, v) = call(&prowlarr, Method::POST, "/api/v1/indexerProxy", Some(gone)).await?;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{v}");
    assert!(first_error(&v).starts_with("Failed to test proxy"), "{v}");
    // An arr has no proxies.
    let sonarr = start_sonarr(ServarrConfig::new(SONARR_KEY)).await?;
    let (status, _) = call(&sonarr, Method::GET, "/api/v3/indexerProxy", None).await?;
    assert_eq!(status, StatusCode::NOT_FOUND);
    Ok(())
}
