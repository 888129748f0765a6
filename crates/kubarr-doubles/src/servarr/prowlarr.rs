//! Prowlarr's side of the arr links, both directions made for real: the application test asks
//! the arr to test a Torznab indexer that points back at Prowlarr (so the arr dials Prowlarr's
//! Newznab endpoint with Prowlarr's API key), and the indexer sync writes Prowlarr's indexers into
//! the arr through its API. Also the indexer test every arr makes (a `t=caps` call).

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use reqwest::Url;
use serde_json::{json, Value};

use super::provider::{Failure, Provider};
use super::{invalid, ServarrApp, Shared};
use crate::outbound::{self, describe, loopback_url};

type TestResult = Result<(), Vec<Failure>>;

fn fail(property: &str, message: impl Into<String>) -> TestResult {
    Err(vec![Failure::new(property, message)])
}

fn join(base: &Url, path: &str) -> Url {
    let mut u = base.clone();
    let prefix = u.path().trim_end_matches('/').to_string();
    u.set_path(&format!("{prefix}{path}"));
    u
}

/// An indexer's test: `GET <baseUrl><apiPath>?t=caps&apikey=…` must answer Newznab caps.
pub(super) async fn test_indexer(p: &Provider) -> TestResult {
    let base = p.text("baseUrl");
    let api_path = match p.text("apiPath") {
        s if s.is_empty() => "/api".to_string(),
        s => s,
    };
    let url = format!("{}{}", base.trim_end_matches('/'), api_path);
    let mut url = loopback_url(&url).map_err(|e| vec![Failure::new("BaseUrl", e.to_string())])?;
    url.query_pairs_mut()
        .append_pair("t", "caps")
        .append_pair("apikey", &p.text("apiKey"));
    let r = outbound::client().get(url).send().await.map_err(|e| {
        vec![Failure::new(
            "BaseUrl",
            format!("Unable to connect to indexer: {}", describe(&e)),
        )]
    })?;
    match r.status() {
        StatusCode::OK => {}
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => {
            return fail("ApiKey", "Invalid API Key")
        }
        s => {
            return fail(
                "BaseUrl",
                format!("Unable to connect to indexer: it answered {s}"),
            )
        }
    }
    let body = r.text().await.unwrap_or_default();
    if !body.contains("<caps") {
        return fail(
            "BaseUrl",
            "Unable to connect to indexer: the answer is not Newznab capabilities",
        );
    }
    Ok(())
}

/// Prowlarr's FlareSolverr test: a `request.get` of Prowlarr's own ping page, sent through the
/// proxy (`POST <host>/v1`); anything but 200 fails. Only the loopback FlareSolverr is dialled.
pub(super) async fn test_flaresolverr(p: &Provider) -> TestResult {
    let host = p.text("host");
    let url = format!("{}/v1", host.trim_end_matches('/'));
    let url = loopback_url(&url).map_err(|e| vec![Failure::new("Host", e.to_string())])?;
    let timeout = p
        .values
        .get("requestTimeout")
        .and_then(Value::as_i64)
        .unwrap_or(60);
    let body = json!({
        "cmd": "request.get",
        "url": "https://prowlarr.servarr.com/v1/ping",
        "maxTimeout": timeout * 1000,
        "userAgent": "Mozilla/5.0 (X11; Linux x86_64)",
    });
    let failed = || {
        vec![Failure::new(
            "Host",
            format!(
                "Failed to test proxy: {}",
                url.host_str().unwrap_or_default()
            ),
        )]
    };
    let r = outbound::client()
        .post(url.clone())
        .json(&body)
        .send()
        .await
        .map_err(|_| failed())?;
    if r.status() != StatusCode::OK {
        return fail(
            "Host",
            format!("Failed to test proxy. StatusCode: {}", r.status().as_u16()),
        );
    }
    // Prowlarr reads the answer as FlareSolverr's response.
    match r.json::<Value>().await {
        Ok(v) if v["solution"].is_object() => Ok(()),
        _ => Err(failed()),
    }
}

struct Target {
    app: ServarrApp,
    api: Url,
    api_key: String,
    prowlarr_url: String,
}

fn target(p: &Provider) -> Result<Target, Vec<Failure>> {
    let app = ServarrApp::parse(&p.implementation.implementation).ok_or_else(|| {
        vec![Failure::new(
            "Implementation",
            "not an application Prowlarr syncs",
        )]
    })?;
    let base = loopback_url(&p.text("baseUrl"))
        .map_err(|e| vec![Failure::new("BaseUrl", e.to_string())])?;
    // The arr dials this URL back, so it must be loopback too.
    let prowlarr_url = p.text("prowlarrUrl");
    loopback_url(&prowlarr_url).map_err(|e| vec![Failure::new("ProwlarrUrl", e.to_string())])?;
    Ok(Target {
        app,
        api: join(&base, app.api_prefix()),
        api_key: p.text("apiKey"),
        prowlarr_url: prowlarr_url.trim_end_matches('/').to_string(),
    })
}

fn status_failure(app: ServarrApp, status: StatusCode) -> Vec<Failure> {
    let name = app.name();
    let (property, message) = match status {
        StatusCode::UNAUTHORIZED => ("ApiKey", "API Key is invalid".to_string()),
        StatusCode::BAD_REQUEST => ("ProwlarrUrl", format!("Prowlarr url is invalid, {name} cannot connect to Prowlarr")),
        s if s.is_redirection() => (
            "BaseUrl",
            format!("{name} url is invalid, Prowlarr cannot connect to {name} - are you missing a url base?"),
        ),
        StatusCode::NOT_FOUND => (
            "BaseUrl",
            format!("{name} url is invalid, Prowlarr cannot connect to {name}. Is {name} running and accessible?"),
        ),
        _ => ("BaseUrl", "Unable to complete application test".to_string()),
    };
    vec![Failure::new(property, message)]
}

async fn call(
    t: &Target,
    method: reqwest::Method,
    path: &str,
    body: Option<&Value>,
) -> Result<Value, Vec<Failure>> {
    let mut rb = outbound::client()
        .request(method, join(&t.api, path))
        .header("X-Api-Key", &t.api_key);
    if let Some(b) = body {
        rb = rb.json(b);
    }
    let r = rb.send().await.map_err(|e| {
        vec![Failure::new(
            "BaseUrl",
            format!(
                "Unable to complete application test, cannot connect to {}: {}",
                t.app.name(),
                describe(&e)
            ),
        )]
    })?;
    let status = r.status();
    let text = r.text().await.unwrap_or_default();
    if !status.is_success() {
        let mut f = status_failure(t.app, status);
        if status == StatusCode::BAD_REQUEST {
            if let Ok(Value::Array(inner)) = serde_json::from_str::<Value>(&text) {
                if let Some(m) = inner.first().and_then(|x| x["errorMessage"].as_str()) {
                    f[0].error_message.push_str(&format!(" ({m})"));
                }
            }
        }
        return Err(f);
    }
    Ok(serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// An indexer resource for the arr, built from the arr's own schema.
async fn indexer_for(
    t: &Target,
    prowlarr_key: &str,
    name: &str,
    indexer_id: i64,
    torrent: bool,
    categories: &Value,
) -> Result<Value, Vec<Failure>> {
    let schema = call(t, reqwest::Method::GET, "/indexer/schema", None).await?;
    let implementation = if torrent { "Torznab" } else { "Newznab" };
    let Some(mut ix) = schema
        .as_array()
        .and_then(|a| a.iter().find(|i| i["implementation"] == implementation))
        .cloned()
    else {
        return Err(vec![Failure::new(
            "BaseUrl",
            format!("{} offers no {implementation} indexer", t.app.name()),
        )]);
    };
    ix["name"] = json!(name);
    ix["enableRss"] = json!(true);
    ix["enableAutomaticSearch"] = json!(true);
    ix["enableInteractiveSearch"] = json!(true);
    ix["priority"] = json!(25);
    if let Some(obj) = ix.as_object_mut() {
        obj.remove("id");
    }
    if let Some(fields) = ix["fields"].as_array_mut() {
        for f in fields {
            let value = match f["name"].as_str() {
                Some("baseUrl") => json!(format!("{}/{indexer_id}/", t.prowlarr_url)),
                Some("apiPath") => json!("/api"),
                Some("apiKey") => json!(prowlarr_key),
                Some("categories") => categories.clone(),
                _ => continue,
            };
            f["value"] = value;
        }
    }
    Ok(ix)
}

/// The application test: both directions, like Prowlarr's own.
pub(super) async fn test_application(s: &Shared, p: &Provider) -> TestResult {
    let prowlarr_key = s.lock().config.api_key.clone();
    let t = target(p)?;
    let categories = p.values.get("syncCategories").cloned().unwrap_or(json!([]));
    let ix = indexer_for(&t, &prowlarr_key, "Test", 0, true, &categories).await?;
    call(&t, reqwest::Method::POST, "/indexer/test", Some(&ix))
        .await
        .map(drop)
}

fn field<'a>(ix: &'a Value, name: &str) -> Option<&'a Value> {
    ix["fields"]
        .as_array()?
        .iter()
        .find(|f| f["name"] == name)
        .map(|f| &f["value"])
}

async fn sync_one(
    s: &Shared,
    app: &Provider,
    indexers: &[Provider],
    prowlarr_key: &str,
) -> Result<(), String> {
    let t = target(app).map_err(|f| f[0].error_message.clone())?;
    let level = app
        .props
        .get("syncLevel")
        .and_then(Value::as_str)
        .unwrap_or("fullSync")
        .to_string();
    let existing = call(&t, reqwest::Method::GET, "/indexer", None)
        .await
        .map_err(|f| f[0].error_message.clone())?;
    let existing: Vec<Value> = existing.as_array().cloned().unwrap_or_default();
    let ours = |ix: &Value| {
        field(ix, "baseUrl")
            .and_then(Value::as_str)
            .is_some_and(|u| u.starts_with(&format!("{}/", t.prowlarr_url)))
    };
    let categories = app
        .values
        .get("syncCategories")
        .cloned()
        .unwrap_or(json!([]));
    let mut wanted_urls = Vec::new();
    for i in indexers.iter().filter(|i| i.prop_flag("enable", true)) {
        let url = format!("{}/{}/", t.prowlarr_url, i.id);
        wanted_urls.push(url.clone());
        let name = format!("{} (Prowlarr)", i.name);
        let torrent = i.props.get("protocol").and_then(Value::as_str) == Some("torrent");
        let current = existing
            .iter()
            .find(|x| field(x, "baseUrl").and_then(Value::as_str) == Some(url.as_str()));
        match current {
            None => {
                let ix = indexer_for(&t, prowlarr_key, &name, i.id, torrent, &categories)
                    .await
                    .map_err(|f| f[0].error_message.clone())?;
                call(&t, reqwest::Method::POST, "/indexer", Some(&ix))
                    .await
                    .map_err(|f| f[0].error_message.clone())?;
            }
            Some(cur)
                if cur["name"] != json!(name) || field(cur, "categories") != Some(&categories) =>
            {
                let mut ix = indexer_for(&t, prowlarr_key, &name, i.id, torrent, &categories)
                    .await
                    .map_err(|f| f[0].error_message.clone())?;
                let id = cur["id"].as_i64().unwrap_or(0);
                ix["id"] = json!(id);
                call(
                    &t,
                    reqwest::Method::PUT,
                    &format!("/indexer/{id}"),
                    Some(&ix),
                )
                .await
                .map_err(|f| f[0].error_message.clone())?;
            }
            Some(_) => {}
        }
    }
    if level == "fullSync" {
        for x in existing.iter().filter(|x| ours(x)) {
            let url = field(x, "baseUrl")
                .and_then(Value::as_str)
                .unwrap_or_default();
            if !wanted_urls.iter().any(|w| w == url) {
                let id = x["id"].as_i64().unwrap_or(0);
                call(&t, reqwest::Method::DELETE, &format!("/indexer/{id}"), None)
                    .await
                    .map_err(|f| f[0].error_message.clone())?;
            }
        }
    }
    let _ = s;
    Ok(())
}

/// Pushes Prowlarr's indexers into every application whose sync level is not `disabled`;
/// remembers each application's last sync error (shown by the health check).
pub(super) async fn sync_all(s: &Shared) {
    let (apps, indexers, key) = {
        let st = s.lock();
        let apps: Vec<Provider> = st
            .applications
            .all()
            .filter(|a| a.props.get("syncLevel").and_then(Value::as_str) != Some("disabled"))
            .cloned()
            .collect();
        (
            apps,
            st.indexers.all().cloned().collect::<Vec<_>>(),
            st.config.api_key.clone(),
        )
    };
    for app in apps {
        let result = sync_one(s, &app, &indexers, &key).await;
        let mut st = s.lock();
        match result {
            Ok(()) => st.sync_errors.remove(&app.id),
            Err(e) => st.sync_errors.insert(app.id, e),
        };
    }
}

/// Prowlarr's health items: applications whose test fails or whose last sync failed.
pub(super) async fn health_items(s: &Shared) -> Vec<Value> {
    let apps: Vec<Provider> = s.lock().applications.all().cloned().collect();
    let mut failing = Vec::new();
    for app in &apps {
        let sync_error = s.lock().sync_errors.get(&app.id).cloned();
        if sync_error.is_some() || test_application(s, app).await.is_err() {
            failing.push(app.name.clone());
        }
    }
    if failing.is_empty() {
        return Vec::new();
    }
    vec![json!({
        "source": "ApplicationStatusCheck",
        "type": "error",
        "message": format!("Applications unavailable due to failures: {}", failing.join(", ")),
        "wikiUrl": "https://wiki.servarr.com/prowlarr/system#applications-are-unavailable-due-to-failures",
    })]
}

/// `POST /api/v1/command`: only `ApplicationIndexerSync` (run before answering).
pub(super) async fn command(State(s): State<Shared>, body: Bytes) -> Response {
    let v: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => {
            return invalid(vec![Failure::new(
                "",
                format!("the body is not valid JSON: {e}"),
            )])
        }
    };
    match v["name"].as_str() {
        Some("ApplicationIndexerSync") => {
            sync_all(&s).await;
            (
                StatusCode::CREATED,
                Json(json!({"id": 1, "name": "ApplicationIndexerSync", "commandName": "Application Indexer Sync", "status": "completed"})),
            )
                .into_response()
        }
        other => invalid(vec![Failure::new(
            "Name",
            format!("this double runs no command {other:?}"),
        )]),
    }
}

fn xml(status: StatusCode, body: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/rss+xml; charset=utf-8")],
        body,
    )
        .into_response()
}

/// Prowlarr's Newznab/Torznab endpoint for one indexer (`/{id}/api`); id 0 answers for tests.
pub(super) async fn newznab(
    State(s): State<Shared>,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let (key, known) = {
        let st = s.lock();
        let known = id
            .parse::<i64>()
            .ok()
            .is_some_and(|id| id == 0 || st.indexers.get(id).is_some());
        (st.config.api_key.clone(), known)
    };
    if q.get("apikey") != Some(&key) {
        return xml(StatusCode::UNAUTHORIZED, r#"<?xml version="1.0" encoding="UTF-8"?><error code="100" description="Invalid API Key" />"#.into());
    }
    if !known {
        return xml(StatusCode::NOT_FOUND, r#"<?xml version="1.0" encoding="UTF-8"?><error code="201" description="Indexer does not exist" />"#.into());
    }
    match q.get("t").map(String::as_str) {
        Some("caps") => xml(
            StatusCode::OK,
            concat!(
                r#"<?xml version="1.0" encoding="UTF-8"?><caps><server title="Prowlarr" />"#,
                r#"<limits default="100" max="100" /><searching><search available="yes" supportedParams="q" />"#,
                r#"<tv-search available="yes" supportedParams="q,season,ep" /><movie-search available="yes" supportedParams="q" />"#,
                r#"<music-search available="yes" supportedParams="q" /></searching><categories>"#,
                r#"<category id="2000" name="Movies" /><category id="3000" name="Audio" /><category id="5000" name="TV" />"#,
                r#"</categories></caps>"#
            )
            .into(),
        ),
        Some("search" | "tvsearch" | "movie" | "music") => xml(
            StatusCode::OK,
            r#"<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Prowlarr</title></channel></rss>"#.into(),
        ),
        _ => xml(StatusCode::BAD_REQUEST, r#"<?xml version="1.0" encoding="UTF-8"?><error code="202" description="No such function" />"#.into()),
    }
}
