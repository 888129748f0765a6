//! The Servarr doubles: authentication, strictness, masking, uniqueness, status codes, and the
//! health check derived from state.

use anyhow::Result;
use kubarr_doubles::servarr::schema::ProviderKind;
use kubarr_doubles::{
    start_lidarr, start_radarr, start_sonarr, ServarrApp, ServarrConfig, ServarrHandle,
};
use reqwest::StatusCode;
use serde_json::{json, Value};

const KEY: &str = "0123456789abcdef0123456789abcdef";

fn client() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().unwrap()
}

async fn call(
    h: &ServarrHandle,
    method: reqwest::Method,
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

fn qbt_client(name: &str, password: &str) -> Value {
    json!({
        "name": name,
        "implementation": "QBittorrent",
        "configContract": "QBittorrentSettings",
        "enable": true,
        "protocol": "torrent",
        "priority": 1,
        "fields": [
            {"name": "host", "value": "127.0.0.1"},
            {"name": "port", "value": 1},
            {"name": "username", "value": "admin"},
            {"name": "password", "value": password},
            {"name": "tvCategory", "value": "tv"},
        ]
    })
}

fn failures(v: &Value) -> Vec<(String, String)> {
    v.as_array()
        .map(|a| {
            a.iter()
                .map(|f| {
                    (
                        f["propertyName"].as_str().unwrap_or_default().to_string(),
                        f["errorMessage"].as_str().unwrap_or_default().to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn api_key_is_required_except_for_ping() -> Result<()> {
    let sonarr = start_sonarr(ServarrConfig::new(KEY)).await?;
    let c = client();
    let ping = c.get(format!("{}/ping", sonarr.url())).send().await?;
    assert_eq!(ping.status(), StatusCode::OK);
    let anon = c
        .get(format!("{}/api/v3/system/status", sonarr.url()))
        .send()
        .await?;
    assert_eq!(anon.status(), StatusCode::UNAUTHORIZED);
    let wrong = c
        .get(format!("{}/api/v3/system/status", sonarr.url()))
        .header("X-Api-Key", "nope")
        .send()
        .await?;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let by_query: Value = c
        .get(format!(
            "{}/api/v3/system/status?apikey={KEY}",
            sonarr.url()
        ))
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(by_query["appName"], "Sonarr");
    // Lidarr speaks /api/v1 and has no /api/v3.
    let lidarr = start_lidarr(ServarrConfig::new(KEY)).await?;
    let (s, v) = call(&lidarr, reqwest::Method::GET, "/api/v1/system/status", None).await?;
    assert_eq!((s, v["appName"].clone()), (StatusCode::OK, json!("Lidarr")));
    let (s, _) = call(&lidarr, reqwest::Method::GET, "/api/v3/system/status", None).await?;
    assert_eq!(s, StatusCode::NOT_FOUND);
    Ok(())
}

#[tokio::test]
async fn settings_come_from_the_apps_environment_variables() -> Result<()> {
    let env = [
        ("RADARR__AUTH__APIKEY", KEY),
        ("RADARR__AUTH__METHOD", "External"),
        ("RADARR__AUTH__REQUIRED", "DisabledForLocalAddresses"),
        ("RADARR__SERVER__URLBASE", "/radarr"),
        ("SONARR__AUTH__APIKEY", "not-for-radarr"),
        ("TZ", "UTC"),
    ];
    let radarr = start_radarr(ServarrConfig::from_env(ServarrApp::Radarr, env)?).await?;
    assert!(radarr.url().ends_with("/radarr"));
    let (s, v) = call(&radarr, reqwest::Method::GET, "/api/v3/system/status", None).await?;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["urlBase"], "/radarr");
    assert_eq!(v["authentication"], "external");
    let ping = client()
        .get(format!("{}/ping", radarr.url()))
        .send()
        .await?;
    assert_eq!(ping.status(), StatusCode::OK);

    let lower = ServarrConfig::from_env(
        ServarrApp::Radarr,
        [
            ("RADARR__AUTH__APIKEY", KEY),
            ("RADARR__AUTH__METHOD", "external"),
        ],
    );
    assert!(lower.unwrap_err().to_string().contains("PascalCase"));
    let unknown = ServarrConfig::from_env(
        ServarrApp::Radarr,
        [("RADARR__AUTH__APIKEY", KEY), ("RADARR__AUTH__KEY", "x")],
    );
    assert!(unknown.is_err());
    assert!(
        ServarrConfig::from_env(ServarrApp::Radarr, [("RADARR__AUTH__METHOD", "Forms")]).is_err()
    );
    Ok(())
}

#[tokio::test]
async fn download_clients_are_strict_masked_unique_and_answer_201_202() -> Result<()> {
    let sonarr = start_sonarr(ServarrConfig::new(KEY)).await?;
    use reqwest::Method;
    let path = "/api/v3/downloadclient?forceSave=true";

    // A Radarr field name on Sonarr, and an unknown property: both refused, nothing stored.
    let mut bad = qbt_client("qbt", "pw-1");
    bad["fields"]
        .as_array_mut()
        .unwrap()
        .push(json!({"name": "movieCategory", "value": "movies"}));
    bad["categoryMappings"] = json!([]);
    let (s, v) = call(&sonarr, Method::POST, path, Some(bad)).await?;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let props: Vec<String> = failures(&v).into_iter().map(|f| f.0).collect();
    assert!(props.contains(&"fields.movieCategory".to_string()), "{v}");
    assert!(props.contains(&"categoryMappings".to_string()), "{v}");
    let mut wrong_type = qbt_client("qbt", "pw-1");
    wrong_type["fields"][1]["value"] = json!("8080");
    assert_eq!(
        call(&sonarr, Method::POST, path, Some(wrong_type)).await?.0,
        StatusCode::BAD_REQUEST
    );
    let (_, list) = call(&sonarr, Method::GET, "/api/v3/downloadclient", None).await?;
    assert_eq!(list, json!([]));

    let (s, created) = call(&sonarr, Method::POST, path, Some(qbt_client("qbt", "pw-1"))).await?;
    assert_eq!(s, StatusCode::CREATED, "{created}");
    let id = created["id"].as_i64().unwrap();
    let password = |v: &Value| {
        v["fields"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["name"] == "password")
            .unwrap()["value"]
            .clone()
    };
    assert_eq!(password(&created), "********");
    assert!(!created.to_string().contains("pw-1"));

    // Same name in other case: refused.
    let (s, v) = call(&sonarr, Method::POST, path, Some(qbt_client("QBT", "pw-2"))).await?;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(
        failures(&v),
        vec![("Name".to_string(), "Should be unique".to_string())]
    );

    // An update echoing the read-back resource (mask included) keeps the secret: 202.
    let (_, mut current) = call(
        &sonarr,
        Method::GET,
        &format!("/api/v3/downloadclient/{id}"),
        None,
    )
    .await?;
    current["priority"] = json!(5);
    let (s, updated) = call(
        &sonarr,
        Method::PUT,
        &format!("/api/v3/downloadclient/{id}?forceSave=true"),
        Some(current),
    )
    .await?;
    assert_eq!(s, StatusCode::ACCEPTED, "{updated}");
    assert_eq!(updated["priority"], 5);
    assert_eq!(
        sonarr
            .state()
            .provider_value(ProviderKind::DownloadClient, "qbt", "password"),
        Some(json!("pw-1"))
    );
    // A mask on create is refused.
    let (s, _) = call(
        &sonarr,
        Method::POST,
        path,
        Some(qbt_client("other", "********")),
    )
    .await?;
    assert_eq!(s, StatusCode::BAD_REQUEST);

    let (s, schema) = call(&sonarr, Method::GET, "/api/v3/downloadclient/schema", None).await?;
    assert_eq!(s, StatusCode::OK);
    let imps: Vec<&str> = schema
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["implementation"].as_str().unwrap())
        .collect();
    assert_eq!(imps, ["QBittorrent", "Transmission", "Deluge", "Nzbget"]);

    assert_eq!(
        call(
            &sonarr,
            Method::DELETE,
            &format!("/api/v3/downloadclient/{id}"),
            None
        )
        .await?
        .0,
        StatusCode::OK
    );
    assert_eq!(
        call(
            &sonarr,
            Method::GET,
            &format!("/api/v3/downloadclient/{id}"),
            None
        )
        .await?
        .0,
        StatusCode::NOT_FOUND
    );
    Ok(())
}

#[tokio::test]
async fn creating_without_force_save_runs_the_test_and_refuses_non_loopback_hosts() -> Result<()> {
    let sonarr = start_sonarr(ServarrConfig::new(KEY)).await?;
    use reqwest::Method;
    // Nothing listens on port 1: the test fails, nothing is stored.
    let (s, v) = call(
        &sonarr,
        Method::POST,
        "/api/v3/downloadclient",
        Some(qbt_client("qbt", "x")),
    )
    .await?;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(failures(&v)[0].1.contains("Unable to connect"), "{v}");
    for host in [
        "10.0.0.5",
        "qbittorrent.media.svc.cluster.local",
        "169.254.169.254",
        "192.168.1.10",
    ] {
        let mut body = qbt_client("qbt", "x");
        body["fields"][0]["value"] = json!(host);
        let (s, v) = call(
            &sonarr,
            Method::POST,
            "/api/v3/downloadclient/test",
            Some(body),
        )
        .await?;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        assert!(
            failures(&v)[0].1.contains("only dials 127.0.0.1"),
            "{host}: {v}"
        );
    }
    let (_, list) = call(&sonarr, Method::GET, "/api/v3/downloadclient", None).await?;
    assert_eq!(list, json!([]));
    Ok(())
}

#[tokio::test]
async fn health_follows_state_root_folders_and_clients() -> Result<()> {
    use reqwest::Method;
    let root = tempfile::tempdir()?;
    std::fs::create_dir_all(root.path().join("data/media/tv"))?;
    let mut config = ServarrConfig::new(KEY);
    config.fs_root = Some(root.path().to_path_buf());
    let sonarr = start_sonarr(config).await?;
    let sources = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|h| h["source"].as_str().unwrap().to_string())
            .collect()
    };
    let (_, h) = call(&sonarr, Method::GET, "/api/v3/health", None).await?;
    assert_eq!(sources(&h), ["DownloadClientCheck", "IndexerSearchCheck"]);
    assert_eq!(h[0]["type"], "warning");

    // Root folders must exist as the app sees them (under fs_root).
    let (s, v) = call(
        &sonarr,
        Method::POST,
        "/api/v3/rootfolder",
        Some(json!({"path": "/data/media/anime"})),
    )
    .await?;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    let (s, rf) = call(
        &sonarr,
        Method::POST,
        "/api/v3/rootfolder",
        Some(json!({"path": "/data/media/tv"})),
    )
    .await?;
    assert_eq!(s, StatusCode::CREATED);
    assert_eq!(rf["accessible"], true);
    let (s, _) = call(
        &sonarr,
        Method::POST,
        "/api/v3/rootfolder",
        Some(json!({"path": "/data/media/tv"})),
    )
    .await?;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    std::fs::remove_dir(root.path().join("data/media/tv"))?;
    let (_, h) = call(&sonarr, Method::GET, "/api/v3/health", None).await?;
    let rf_check = h
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["source"] == "RootFolderCheck")
        .expect("root folder check");
    assert_eq!(rf_check["message"], "Missing root folder: /data/media/tv");

    // A client that does not answer is an error.
    call(
        &sonarr,
        Method::POST,
        "/api/v3/downloadclient?forceSave=true",
        Some(qbt_client("qbt", "x")),
    )
    .await?;
    let (_, h) = call(&sonarr, Method::GET, "/api/v3/health", None).await?;
    let dc = h
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["source"] == "DownloadClientCheck")
        .unwrap();
    assert_eq!(dc["type"], "error");
    assert!(dc["message"]
        .as_str()
        .unwrap()
        .starts_with("Unable to communicate with qbt."));
    Ok(())
}

#[tokio::test]
async fn tags_and_remote_path_mappings_are_validated() -> Result<()> {
    use reqwest::Method;
    let dir = tempfile::tempdir()?;
    let radarr = start_radarr(ServarrConfig::new(KEY)).await?;
    let (s, t) = call(
        &radarr,
        Method::POST,
        "/api/v3/tag",
        Some(json!({"label": "Kubarr"})),
    )
    .await?;
    assert_eq!(
        (s, t["label"].clone()),
        (StatusCode::CREATED, json!("kubarr"))
    );
    assert_eq!(
        call(
            &radarr,
            Method::POST,
            "/api/v3/tag",
            Some(json!({"label": "KUBARR"}))
        )
        .await?
        .0,
        StatusCode::BAD_REQUEST
    );
    let local = dir.path().to_str().unwrap();
    let m = json!({"host": "qbittorrent", "remotePath": "/downloads/", "localPath": local});
    let (s, created) = call(
        &radarr,
        Method::POST,
        "/api/v3/remotepathmapping",
        Some(m.clone()),
    )
    .await?;
    assert_eq!(s, StatusCode::CREATED);
    assert_eq!(
        call(&radarr, Method::POST, "/api/v3/remotepathmapping", Some(m))
            .await?
            .0,
        StatusCode::BAD_REQUEST
    );
    let missing = json!({"host": "q", "remotePath": "/x", "localPath": "/definitely/not/here"});
    assert_eq!(
        call(
            &radarr,
            Method::POST,
            "/api/v3/remotepathmapping",
            Some(missing)
        )
        .await?
        .0,
        StatusCode::BAD_REQUEST
    );
    let id = created["id"].as_i64().unwrap();
    let upd = json!({"id": id, "host": "qbittorrent", "remotePath": "/dl/", "localPath": local});
    assert_eq!(
        call(
            &radarr,
            Method::PUT,
            &format!("/api/v3/remotepathmapping/{id}"),
            Some(upd)
        )
        .await?
        .0,
        StatusCode::ACCEPTED
    );
    Ok(())
}
