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

mod arr;
mod media_server;

use crate::server::{serve, DoubleHandle};
use arr::*;
use media_server::*;

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
