//! A Seerr double (`/api/v1`): its `API_KEY`, main and public settings, the Jellyfin media server
//! (signed in for real against the Jellyfin double or server), and Sonarr/Radarr servers whose
//! profile and root folder are checked against the arr for real.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use anyhow::{bail, Result};
use axum::body::Bytes;
use axum::extract::{Path, Query, Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Map, Value};

use crate::outbound::{self, describe, loopback_url};
use crate::servarr::provider::MASK;
use crate::server::{serve, DoubleHandle};

/// How the Seerr double starts.
#[derive(Debug, Clone)]
pub struct SeerrConfig {
    /// `API_KEY`.
    pub api_key: String,
    /// The port on 127.0.0.1 (0: any free port).
    pub port: u16,
}

impl SeerrConfig {
    /// With this API key.
    pub fn new(api_key: &str) -> Self {
        Self {
            api_key: api_key.to_string(),
            port: 0,
        }
    }
}

/// Which arr a server entry points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArrKind {
    /// `/settings/sonarr`.
    Sonarr,
    /// `/settings/radarr`.
    Radarr,
}

impl ArrKind {
    fn from_path(s: &str) -> Option<Self> {
        match s {
            "sonarr" => Some(Self::Sonarr),
            "radarr" => Some(Self::Radarr),
            _ => None,
        }
    }

    fn keys(self) -> &'static [&'static str] {
        match self {
            Self::Sonarr => &[
                "id",
                "name",
                "hostname",
                "port",
                "apiKey",
                "useSsl",
                "baseUrl",
                "activeProfileId",
                "activeProfileName",
                "activeDirectory",
                "activeLanguageProfileId",
                "activeAnimeProfileId",
                "activeAnimeLanguageProfileId",
                "activeAnimeProfileName",
                "activeAnimeDirectory",
                "animeTags",
                "tags",
                "is4k",
                "enableSeasonFolders",
                "isDefault",
                "externalUrl",
                "syncEnabled",
                "preventSearch",
                "tagRequests",
                "seriesType",
                "animeSeriesType",
            ],
            Self::Radarr => &[
                "id",
                "name",
                "hostname",
                "port",
                "apiKey",
                "useSsl",
                "baseUrl",
                "activeProfileId",
                "activeProfileName",
                "activeDirectory",
                "is4k",
                "minimumAvailability",
                "tags",
                "isDefault",
                "externalUrl",
                "syncEnabled",
                "preventSearch",
                "tagRequests",
            ],
        }
    }

    fn required(self) -> &'static [&'static str] {
        match self {
            Self::Sonarr => &[
                "name",
                "hostname",
                "port",
                "apiKey",
                "useSsl",
                "activeProfileId",
                "activeProfileName",
                "activeDirectory",
                "is4k",
                "enableSeasonFolders",
                "isDefault",
            ],
            Self::Radarr => &[
                "name",
                "hostname",
                "port",
                "apiKey",
                "useSsl",
                "activeProfileId",
                "activeProfileName",
                "activeDirectory",
                "is4k",
                "minimumAvailability",
                "isDefault",
            ],
        }
    }
}

/// The Seerr double's state.
#[derive(Debug)]
pub struct SeerrState {
    /// `API_KEY`.
    pub api_key: String,
    /// Whether `/settings/initialize` ran.
    pub initialized: bool,
    /// `/settings/main` (without the API key).
    pub main: Map<String, Value>,
    /// `/settings/jellyfin` as stored (`adminPass` included).
    pub jellyfin: Option<Map<String, Value>>,
    /// `/settings/sonarr` entries by id.
    pub sonarr: Vec<Map<String, Value>>,
    /// `/settings/radarr` entries by id.
    pub radarr: Vec<Map<String, Value>>,
    /// Requests seen (`METHOD /path`).
    pub requests: Vec<String>,
    next_id: i64,
}

impl SeerrState {
    fn servers(&mut self, kind: ArrKind) -> &mut Vec<Map<String, Value>> {
        match kind {
            ArrKind::Sonarr => &mut self.sonarr,
            ArrKind::Radarr => &mut self.radarr,
        }
    }
}

/// Shared state of a running Seerr double.
#[derive(Debug)]
pub struct Seerr {
    state: Mutex<SeerrState>,
}

impl Seerr {
    /// Locks the state.
    pub fn lock(&self) -> MutexGuard<'_, SeerrState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A running Seerr double.
pub type SeerrHandle = DoubleHandle<Arc<Seerr>>;
type Shared = Arc<Seerr>;

/// Starts a Seerr double.
pub async fn start(config: SeerrConfig) -> Result<SeerrHandle> {
    if config.api_key.trim().is_empty() {
        bail!("API_KEY must not be empty");
    }
    let main: Map<String, Value> = serde_json::from_value(json!({
        "appLanguage": "en",
        "applicationTitle": "Seerr",
        "applicationUrl": "",
        "hideAvailable": false,
        "partialRequestsEnabled": true,
        "localLogin": true,
        "mediaServerType": 4,
        "newPlexLogin": true,
        "defaultPermissions": 32,
        "enableSpecialEpisodes": false,
    }))?;
    let shared = Arc::new(Seerr {
        state: Mutex::new(SeerrState {
            api_key: config.api_key.clone(),
            initialized: false,
            main,
            jellyfin: None,
            sonarr: Vec::new(),
            radarr: Vec::new(),
            requests: Vec::new(),
            next_id: 0,
        }),
    });
    let authed = Router::new()
        .route("/settings/main", get(main_get).post(main_post))
        .route("/settings/initialize", post(initialize))
        .route("/settings/jellyfin", get(jellyfin_get).post(jellyfin_post))
        .route("/settings/jellyfin/library", get(jellyfin_library))
        .route("/settings/{arr}", get(servers_list).post(server_create))
        .route("/settings/{arr}/test", post(server_test))
        .route(
            "/settings/{arr}/{id}",
            axum::routing::put(server_update).delete(server_delete),
        )
        .layer(middleware::from_fn_with_state(
            shared.clone(),
            require_api_key,
        ));
    let api = Router::new()
        .route("/status", get(status))
        .route("/settings/public", get(public))
        .merge(authed)
        .fallback(|| async { (StatusCode::NOT_FOUND, Json(json!({"message": "Not Found"}))) });
    let router = Router::new()
        .nest("/api/v1", api)
        .fallback(|| async { StatusCode::NOT_FOUND })
        .layer(middleware::from_fn_with_state(shared.clone(), record))
        .with_state(shared.clone());
    serve(router, config.port, "", &config.api_key, shared).await
}

async fn record(State(s): State<Shared>, req: Request, next: Next) -> Response {
    s.lock()
        .requests
        .push(format!("{} {}", req.method(), req.uri().path()));
    next.run(req).await
}

async fn require_api_key(State(s): State<Shared>, req: Request, next: Next) -> Response {
    let want = s.lock().api_key.clone();
    if req.headers().get("x-api-key").and_then(|v| v.to_str().ok()) == Some(want.as_str()) {
        next.run(req).await
    } else {
        error(
            StatusCode::FORBIDDEN,
            "You do not have permission to access this endpoint",
        )
    }
}

fn error(status: StatusCode, message: impl Into<String>) -> Response {
    (status, Json(json!({"message": message.into()}))).into_response()
}

fn object(body: &Bytes, allowed: &[&str]) -> Result<Map<String, Value>, Response> {
    let v: Value = serde_json::from_slice(body).map_err(|e| {
        error(
            StatusCode::BAD_REQUEST,
            format!("the body is not valid JSON: {e}"),
        )
    })?;
    let Value::Object(o) = v else {
        return Err(error(
            StatusCode::BAD_REQUEST,
            "the body must be a JSON object",
        ));
    };
    if let Some(k) = o.keys().find(|k| !allowed.contains(&k.as_str())) {
        return Err(error(
            StatusCode::BAD_REQUEST,
            format!("unknown property '{k}' (the real app would store or ignore it)"),
        ));
    }
    Ok(o)
}

async fn status() -> Json<Value> {
    Json(
        json!({"version": "2.7.3", "commitTag": "local", "updateAvailable": false, "commitsBehind": 0, "restartRequired": false}),
    )
}

async fn public(State(s): State<Shared>) -> Json<Value> {
    let st = s.lock();
    Json(json!({
        "initialized": st.initialized,
        "applicationTitle": st.main["applicationTitle"],
        "mediaServerType": st.main["mediaServerType"],
        "localLogin": st.main["localLogin"],
    }))
}

async fn main_get(State(s): State<Shared>) -> Json<Value> {
    let st = s.lock();
    let mut out = st.main.clone();
    out.insert("apiKey".into(), json!(MASK));
    Json(Value::Object(out))
}

async fn main_post(State(s): State<Shared>, body: Bytes) -> Response {
    let mut st = s.lock();
    let allowed: Vec<&str> = st
        .main
        .keys()
        .map(String::as_str)
        .chain(["apiKey"])
        .collect();
    let o = match object(&body, &allowed) {
        Ok(o) => o,
        Err(r) => return r,
    };
    if o.get("apiKey").is_some_and(|k| k.as_str() != Some(MASK)) {
        return error(StatusCode::BAD_REQUEST, "apiKey is read-only (set API_KEY)");
    }
    for (k, v) in o {
        if k == "apiKey" {
            continue;
        }
        if std::mem::discriminant(&st.main[&k]) != std::mem::discriminant(&v) {
            return error(StatusCode::BAD_REQUEST, format!("'{k}' has the wrong type"));
        }
        st.main.insert(k, v);
    }
    let mut out = st.main.clone();
    out.insert("apiKey".into(), json!(MASK));
    Json(Value::Object(out)).into_response()
}

async fn initialize(State(s): State<Shared>) -> Response {
    let mut st = s.lock();
    if st.jellyfin.is_none() {
        return error(
            StatusCode::BAD_REQUEST,
            "a media server must be configured before initializing",
        );
    }
    st.initialized = true;
    Json(json!({"initialized": true})).into_response()
}

fn jellyfin_json(j: &Map<String, Value>) -> Value {
    let mut out = j.clone();
    if out.contains_key("adminPass") {
        out.insert("adminPass".into(), json!(MASK));
    }
    Value::Object(out)
}

async fn jellyfin_get(State(s): State<Shared>) -> Response {
    match &s.lock().jellyfin {
        Some(j) => Json(jellyfin_json(j)).into_response(),
        None => Json(json!({})).into_response(),
    }
}

struct JellyfinLogin {
    server_id: String,
    name: String,
    libraries: Vec<Value>,
}

/// Signs in at Jellyfin as the admin and reads its libraries, the way Seerr does on save.
async fn jellyfin_login(hostname: &str, user: &str, pass: &str) -> Result<JellyfinLogin, String> {
    let base = loopback_url(hostname).map_err(|e| e.to_string())?;
    let url = |p: &str| {
        let mut u = base.clone();
        let prefix = u.path().trim_end_matches('/').to_string();
        u.set_path(&format!("{prefix}{p}"));
        u
    };
    let client = outbound::client();
    let auth =
        r#"MediaBrowser Client="Seerr", Device="Seerr", DeviceId="seerr-double", Version="2.7.3""#;
    let r = client
        .post(url("/Users/AuthenticateByName"))
        .header("Authorization", auth)
        .json(&json!({"Username": user, "Pw": pass}))
        .send()
        .await
        .map_err(|e| format!("Unable to connect to Jellyfin: {}", describe(&e)))?;
    if r.status() == StatusCode::UNAUTHORIZED {
        return Err("Jellyfin refused the admin credentials".into());
    }
    if !r.status().is_success() {
        return Err(format!("Jellyfin answered {}", r.status()));
    }
    let v: Value = r.json().await.map_err(|e| describe(&e).to_string())?;
    if v["User"]["Policy"]["IsAdministrator"] != json!(true) {
        return Err("the Jellyfin user is not an administrator".into());
    }
    let token = v["AccessToken"].as_str().unwrap_or_default().to_string();
    let info: Value = client
        .get(url("/System/Info/Public"))
        .send()
        .await
        .map_err(|e| describe(&e).to_string())?
        .json()
        .await
        .map_err(|e| describe(&e).to_string())?;
    let libs: Value = client
        .get(url("/Library/VirtualFolders"))
        .header("X-Emby-Token", token)
        .send()
        .await
        .map_err(|e| describe(&e).to_string())?
        .json()
        .await
        .map_err(|e| describe(&e).to_string())?;
    let libraries = libs
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .filter(|l| matches!(l["CollectionType"].as_str(), Some("movies" | "tvshows")))
        .map(|l| json!({"id": l["ItemId"], "name": l["Name"], "enabled": false, "type": if l["CollectionType"] == "movies" { "movie" } else { "show" }}))
        .collect();
    Ok(JellyfinLogin {
        server_id: info["Id"].as_str().unwrap_or_default().to_string(),
        name: info["ServerName"].as_str().unwrap_or_default().to_string(),
        libraries,
    })
}

async fn jellyfin_post(State(s): State<Shared>, body: Bytes) -> Response {
    let o = match object(
        &body,
        &[
            "name",
            "hostname",
            "externalHostname",
            "jellyfinForgotPasswordUrl",
            "adminUser",
            "adminPass",
            "libraries",
            "serverID",
        ],
    ) {
        Ok(o) => o,
        Err(r) => return r,
    };
    let existing = s.lock().jellyfin.clone();
    let text = |k: &str| {
        o.get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let hostname = text("hostname");
    let user = text("adminUser");
    let mut pass = text("adminPass");
    if pass == MASK {
        pass = existing
            .as_ref()
            .and_then(|e| e.get("adminPass").and_then(Value::as_str))
            .unwrap_or_default()
            .to_string();
    }
    if hostname.is_empty() || user.is_empty() {
        return error(
            StatusCode::BAD_REQUEST,
            "hostname and adminUser are required",
        );
    }
    let login = match jellyfin_login(&hostname, &user, &pass).await {
        Ok(l) => l,
        Err(e) => return error(StatusCode::BAD_REQUEST, e),
    };
    let mut stored = Map::new();
    stored.insert("name".into(), json!(login.name));
    stored.insert("hostname".into(), json!(hostname));
    for k in ["externalHostname", "jellyfinForgotPasswordUrl"] {
        stored.insert(k.into(), json!(text(k)));
    }
    stored.insert("adminUser".into(), json!(user));
    stored.insert("adminPass".into(), json!(pass));
    stored.insert("libraries".into(), json!(login.libraries));
    stored.insert("serverID".into(), json!(login.server_id));
    let mut st = s.lock();
    st.main.insert("mediaServerType".into(), json!(2));
    st.jellyfin = Some(stored.clone());
    Json(jellyfin_json(&stored)).into_response()
}

/// `GET /settings/jellyfin/library?sync=true` re-reads the libraries; `?enable=id,id` enables.
async fn jellyfin_library(
    State(s): State<Shared>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let Some(j) = s.lock().jellyfin.clone() else {
        return error(StatusCode::BAD_REQUEST, "Jellyfin is not configured");
    };
    let mut libraries = j.get("libraries").cloned().unwrap_or(json!([]));
    if q.get("sync").is_some_and(|v| v == "true") {
        let text = |k: &str| {
            j.get(k)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        match jellyfin_login(&text("hostname"), &text("adminUser"), &text("adminPass")).await {
            Ok(l) => libraries = json!(l.libraries),
            Err(e) => return error(StatusCode::INTERNAL_SERVER_ERROR, e),
        }
    }
    if let Some(enable) = q.get("enable") {
        let ids: Vec<&str> = enable.split(',').filter(|x| !x.is_empty()).collect();
        if let Some(arr) = libraries.as_array_mut() {
            let known: Vec<String> = arr
                .iter()
                .filter_map(|l| l["id"].as_str().map(str::to_string))
                .collect();
            if let Some(bad) = ids.iter().find(|id| !known.iter().any(|k| k == *id)) {
                return error(
                    StatusCode::BAD_REQUEST,
                    format!("unknown library id '{bad}'"),
                );
            }
            for l in arr {
                let id = l["id"].as_str().unwrap_or_default().to_string();
                l["enabled"] = json!(ids.contains(&id.as_str()));
            }
        }
    }
    let mut st = s.lock();
    if let Some(j) = st.jellyfin.as_mut() {
        j.insert("libraries".into(), libraries.clone());
    }
    Json(libraries).into_response()
}

fn server_json(m: &Map<String, Value>) -> Value {
    let mut out = m.clone();
    out.insert("apiKey".into(), json!(MASK));
    Value::Object(out)
}

/// What the arr offers, asked for real: `{profiles, rootFolders, tags}` (and language profiles
/// for Sonarr), as Seerr's test returns it.
async fn arr_test(kind: ArrKind, o: &Map<String, Value>) -> Result<Value, String> {
    let text = |k: &str| {
        o.get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let port = o
        .get("port")
        .and_then(Value::as_u64)
        .unwrap_or(0)
        .min(65535) as u16;
    let use_ssl = o.get("useSsl").and_then(Value::as_bool).unwrap_or(false);
    let base = outbound::base_url(&text("hostname"), port, use_ssl, &text("baseUrl"))
        .map_err(|e| e.to_string())?;
    let client = outbound::client();
    let get = |p: &str| {
        let mut u = base.clone();
        let prefix = u.path().trim_end_matches('/').to_string();
        u.set_path(&format!("{prefix}/api/v3{p}"));
        let rb = client.get(u).header("X-Api-Key", text("apiKey"));
        async move {
            let r = rb
                .send()
                .await
                .map_err(|e| format!("Failed to connect: {}", describe(&e)))?;
            if r.status() == StatusCode::UNAUTHORIZED {
                return Err("the API key was refused".to_string());
            }
            if !r.status().is_success() {
                return Err(format!("it answered {}", r.status()));
            }
            r.json::<Value>()
                .await
                .map_err(|e| describe(&e).to_string())
        }
    };
    let status = get("/system/status").await?;
    let want = match kind {
        ArrKind::Sonarr => "Sonarr",
        ArrKind::Radarr => "Radarr",
    };
    if status["appName"] != json!(want) {
        return Err(format!("that server is not {want}"));
    }
    let profiles = get("/qualityprofile").await?;
    let roots = get("/rootfolder").await?;
    let tags = get("/tag").await?;
    let mut out = json!({
        "profiles": profiles,
        "rootFolders": roots.as_array().cloned().unwrap_or_default().iter().map(|r| json!({"id": r["id"], "path": r["path"]})).collect::<Vec<_>>(),
        "tags": tags,
        "urlBase": status["urlBase"],
    });
    if kind == ArrKind::Sonarr {
        out["languageProfiles"] = get("/languageprofile").await.unwrap_or(json!([]));
    }
    Ok(out)
}

fn arr_kind(arr: &str) -> Result<ArrKind, Response> {
    ArrKind::from_path(arr).ok_or_else(|| error(StatusCode::NOT_FOUND, "Not Found"))
}

async fn servers_list(State(s): State<Shared>, Path(arr): Path<String>) -> Response {
    let kind = match arr_kind(&arr) {
        Ok(k) => k,
        Err(r) => return r,
    };
    let mut st = s.lock();
    Json(Value::Array(
        st.servers(kind).iter().map(server_json).collect(),
    ))
    .into_response()
}

async fn server_test(Path(arr): Path<String>, body: Bytes) -> Response {
    let kind = match arr_kind(&arr) {
        Ok(k) => k,
        Err(r) => return r,
    };
    let o = match object(&body, &["hostname", "port", "apiKey", "useSsl", "baseUrl"]) {
        Ok(o) => o,
        Err(r) => return r,
    };
    match arr_test(kind, &o).await {
        Ok(v) => Json(v).into_response(),
        Err(e) => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("Failed to connect to {arr}: {e}"),
        ),
    }
}

/// Validates a server entry: known keys, required keys, a unique name, and (stricter than Seerr)
/// an arr that answers with the chosen profile and root folder.
async fn validate_server(
    s: &Shared,
    kind: ArrKind,
    mut o: Map<String, Value>,
    id: Option<i64>,
) -> Result<Map<String, Value>, Response> {
    if let Some(k) = kind.required().iter().find(|k| !o.contains_key(**k)) {
        return Err(error(StatusCode::BAD_REQUEST, format!("'{k}' is required")));
    }
    let name = o["name"].as_str().unwrap_or_default().trim().to_string();
    {
        let mut st = s.lock();
        let servers = st.servers(kind);
        if servers.iter().any(|x| {
            x["id"].as_i64() != id
                && x["name"]
                    .as_str()
                    .is_some_and(|n| n.eq_ignore_ascii_case(&name))
        }) {
            return Err(error(
                StatusCode::BAD_REQUEST,
                format!("a server named '{name}' exists"),
            ));
        }
        if o["apiKey"].as_str() == Some(MASK) {
            match id.and_then(|id| servers.iter().find(|x| x["id"].as_i64() == Some(id))) {
                Some(old) => {
                    let key = old["apiKey"].clone();
                    o.insert("apiKey".into(), key);
                }
                None => {
                    return Err(error(
                        StatusCode::BAD_REQUEST,
                        "send the API key itself, not the mask",
                    ))
                }
            }
        }
    }
    let offered = arr_test(kind, &o).await.map_err(|e| {
        error(
            StatusCode::BAD_REQUEST,
            format!("Failed to connect to the server: {e}"),
        )
    })?;
    let profile = o["activeProfileId"].as_i64();
    if !offered["profiles"]
        .as_array()
        .is_some_and(|p| p.iter().any(|p| p["id"].as_i64() == profile))
    {
        return Err(error(
            StatusCode::BAD_REQUEST,
            format!("the server has no quality profile {profile:?}"),
        ));
    }
    let dir = o["activeDirectory"]
        .as_str()
        .unwrap_or_default()
        .trim_end_matches('/')
        .to_string();
    if !offered["rootFolders"].as_array().is_some_and(|r| {
        r.iter()
            .any(|r| r["path"].as_str().map(|p| p.trim_end_matches('/')) == Some(dir.as_str()))
    }) {
        return Err(error(
            StatusCode::BAD_REQUEST,
            format!("the server has no root folder '{dir}'"),
        ));
    }
    Ok(o)
}

async fn server_create(State(s): State<Shared>, Path(arr): Path<String>, body: Bytes) -> Response {
    let kind = match arr_kind(&arr) {
        Ok(k) => k,
        Err(r) => return r,
    };
    let mut o = match object(&body, kind.keys()) {
        Ok(o) => o,
        Err(r) => return r,
    };
    o.remove("id");
    let mut o = match validate_server(&s, kind, o, None).await {
        Ok(o) => o,
        Err(r) => return r,
    };
    let mut st = s.lock();
    let id = st.next_id;
    st.next_id += 1;
    o.insert("id".into(), json!(id));
    let out = server_json(&o);
    st.servers(kind).push(o);
    (StatusCode::CREATED, Json(out)).into_response()
}

async fn server_update(
    State(s): State<Shared>,
    Path((arr, id)): Path<(String, i64)>,
    body: Bytes,
) -> Response {
    let kind = match arr_kind(&arr) {
        Ok(k) => k,
        Err(r) => return r,
    };
    if !s
        .lock()
        .servers(kind)
        .iter()
        .any(|x| x["id"].as_i64() == Some(id))
    {
        return error(StatusCode::NOT_FOUND, "Not Found");
    }
    let mut o = match object(&body, kind.keys()) {
        Ok(o) => o,
        Err(r) => return r,
    };
    o.remove("id");
    let mut o = match validate_server(&s, kind, o, Some(id)).await {
        Ok(o) => o,
        Err(r) => return r,
    };
    o.insert("id".into(), json!(id));
    let mut st = s.lock();
    let servers = st.servers(kind);
    if let Some(x) = servers.iter_mut().find(|x| x["id"].as_i64() == Some(id)) {
        *x = o.clone();
    }
    Json(server_json(&o)).into_response()
}

async fn server_delete(State(s): State<Shared>, Path((arr, id)): Path<(String, i64)>) -> Response {
    let kind = match arr_kind(&arr) {
        Ok(k) => k,
        Err(r) => return r,
    };
    let mut st = s.lock();
    let servers = st.servers(kind);
    let Some(pos) = servers.iter().position(|x| x["id"].as_i64() == Some(id)) else {
        return error(StatusCode::NOT_FOUND, "Not Found");
    };
    let removed = servers.remove(pos);
    Json(server_json(&removed)).into_response()
}
