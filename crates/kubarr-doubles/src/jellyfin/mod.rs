//! A Jellyfin double: the startup wizard (open to anyone until completed), users and sign-in,
//! API keys, and libraries (virtual folders) whose paths must exist.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};

use anyhow::Result;
use axum::body::Bytes;
use axum::extract::{Query, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::server::{serve, DoubleHandle};

mod library;
mod users;
mod wizard;

use library::*;
use users::*;
use wizard::*;

/// How the Jellyfin double starts.
#[derive(Debug, Clone, Default)]
pub struct JellyfinConfig {
    /// The port on 127.0.0.1 (0: any free port).
    pub port: u16,
    /// Where Jellyfin's `/` is on this machine, for library paths (`None`: `/`).
    pub fs_root: Option<PathBuf>,
}

/// A user.
#[derive(Debug, Clone)]
pub struct JellyfinUser {
    /// Id (32 hex digits).
    pub id: String,
    /// Name (unique, case-insensitively).
    pub name: String,
    /// Password.
    pub password: String,
    /// Administrator.
    pub is_admin: bool,
}

/// A library.
#[derive(Debug, Clone)]
pub struct Library {
    /// Name (unique, case-insensitively).
    pub name: String,
    /// `movies`, `tvshows`, `music`, ...
    pub collection_type: String,
    /// Folder paths.
    pub locations: Vec<String>,
    /// Item id.
    pub item_id: String,
}

/// An API key.
#[derive(Debug, Clone)]
pub struct ApiKey {
    /// The key.
    pub token: String,
    /// The application it was made for.
    pub app_name: String,
}

/// The Jellyfin double's state.
#[derive(Debug, Default)]
pub struct JellyfinState {
    /// Whether `/Startup/Complete` ran.
    pub wizard_completed: bool,
    /// `/Startup/Configuration`.
    pub startup: Value,
    /// `/Startup/RemoteAccess`.
    pub remote_access: Value,
    /// Users, the first is the wizard's.
    pub users: Vec<JellyfinUser>,
    /// Session tokens → user id.
    pub sessions: HashMap<String, String>,
    /// API keys.
    pub api_keys: Vec<ApiKey>,
    /// Libraries.
    pub libraries: Vec<Library>,
    /// Requests seen (`METHOD /path`).
    pub requests: Vec<String>,
    server_id: String,
    fs_root: Option<PathBuf>,
}

/// Shared state of a running Jellyfin double.
#[derive(Debug)]
pub struct Jellyfin {
    state: Mutex<JellyfinState>,
}

impl Jellyfin {
    /// Locks the state.
    pub fn lock(&self) -> MutexGuard<'_, JellyfinState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A running Jellyfin double.
pub type JellyfinHandle = DoubleHandle<Arc<Jellyfin>>;
type Shared = Arc<Jellyfin>;

fn hex_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// Starts a Jellyfin double with its wizard open and one default user (`jellyfin`, no
/// password), as a fresh server has.
pub async fn start(config: JellyfinConfig) -> Result<JellyfinHandle> {
    let shared = Arc::new(Jellyfin {
        state: Mutex::new(JellyfinState {
            startup: json!({"UICulture": "en-US", "MetadataCountryCode": "US", "PreferredMetadataLanguage": "en"}),
            remote_access: json!({"EnableRemoteAccess": true, "EnableAutomaticPortMapping": false}),
            users: vec![JellyfinUser {
                id: hex_id(),
                name: "jellyfin".into(),
                password: String::new(),
                is_admin: true,
            }],
            server_id: hex_id(),
            fs_root: config.fs_root.clone(),
            ..JellyfinState::default()
        }),
    });
    let router = Router::new()
        .route("/health", get(|| async { "Healthy" }))
        .route("/System/Info/Public", get(public_info))
        .route("/System/Info", get(info))
        .route(
            "/Startup/Configuration",
            get(startup_get).post(startup_post),
        )
        .route(
            "/Startup/User",
            get(startup_user_get).post(startup_user_post),
        )
        .route("/Startup/RemoteAccess", post(startup_remote))
        .route("/Startup/Complete", post(startup_complete))
        .route("/Users/AuthenticateByName", post(authenticate))
        .route("/Users", get(users))
        .route("/Users/Me", get(me))
        .route("/Users/New", post(new_user))
        .route("/Auth/Keys", get(keys).post(create_key))
        .route("/Auth/Keys/{key}", delete(delete_key))
        .route(
            "/Library/VirtualFolders",
            get(libraries).post(add_library).delete(remove_library),
        )
        .route("/Library/VirtualFolders/Paths", post(add_path))
        .fallback(|| async { StatusCode::NOT_FOUND })
        .layer(axum::middleware::from_fn_with_state(shared.clone(), record))
        .with_state(shared.clone());
    serve(router, config.port, "", "", shared).await
}

async fn record(State(s): State<Shared>, req: Request, next: axum::middleware::Next) -> Response {
    s.lock()
        .requests
        .push(format!("{} {}", req.method(), req.uri().path()));
    next.run(req).await
}

fn bad(message: impl Into<String>) -> Response {
    (StatusCode::BAD_REQUEST, message.into()).into_response()
}

/// The token from `Authorization: MediaBrowser Token="…"`, `X-Emby-Token`,
/// `X-MediaBrowser-Token` or `?api_key=`.
fn token(headers: &HeaderMap, query: &HashMap<String, String>) -> Option<String> {
    for h in ["x-emby-token", "x-mediabrowser-token"] {
        if let Some(v) = headers.get(h).and_then(|v| v.to_str().ok()) {
            return Some(v.to_string());
        }
    }
    if let Some(auth) = headers
        .get("authorization")
        .or_else(|| headers.get("x-emby-authorization"))
        .and_then(|v| v.to_str().ok())
    {
        if let Some(t) = auth_param(auth, "Token") {
            return Some(t);
        }
    }
    query
        .get("api_key")
        .or_else(|| query.get("ApiKey"))
        .cloned()
}

fn auth_param(header: &str, key: &str) -> Option<String> {
    let rest = header
        .strip_prefix("MediaBrowser ")
        .or_else(|| header.strip_prefix("Emby "))?;
    rest.split(',').find_map(|part| {
        let (k, v) = part.trim().split_once('=')?;
        (k.trim() == key).then(|| v.trim().trim_matches('"').to_string())
    })
}

enum Caller {
    Admin,
    User,
}

fn caller(
    st: &JellyfinState,
    headers: &HeaderMap,
    query: &HashMap<String, String>,
) -> Option<Caller> {
    let t = token(headers, query)?;
    if st.api_keys.iter().any(|k| k.token == t) {
        return Some(Caller::Admin);
    }
    let uid = st.sessions.get(&t)?;
    let u = st.users.iter().find(|u| &u.id == uid)?;
    Some(if u.is_admin {
        Caller::Admin
    } else {
        Caller::User
    })
}

/// Jellyfin's `FirstTimeSetupOrElevated`: anyone while the wizard is open, then admins only.
fn setup_or_admin(
    st: &JellyfinState,
    headers: &HeaderMap,
    query: &HashMap<String, String>,
) -> Result<(), Response> {
    if !st.wizard_completed {
        return Ok(());
    }
    admin(st, headers, query)
}

fn admin(
    st: &JellyfinState,
    headers: &HeaderMap,
    query: &HashMap<String, String>,
) -> Result<(), Response> {
    match caller(st, headers, query) {
        Some(Caller::Admin) => Ok(()),
        Some(Caller::User) => Err(StatusCode::FORBIDDEN.into_response()),
        None => Err(StatusCode::UNAUTHORIZED.into_response()),
    }
}

fn strict<T: for<'de> Deserialize<'de>>(body: &Bytes) -> Result<T, Response> {
    serde_json::from_slice(body).map_err(|e| bad(format!("invalid request body: {e}")))
}

fn user_json(st: &JellyfinState, u: &JellyfinUser) -> Value {
    json!({
        "Name": u.name,
        "ServerId": st.server_id,
        "Id": u.id,
        "HasPassword": !u.password.is_empty(),
        "HasConfiguredPassword": !u.password.is_empty(),
        "Policy": {"IsAdministrator": u.is_admin, "IsDisabled": false, "EnableAllFolders": true},
    })
}

async fn public_info(State(s): State<Shared>) -> Json<Value> {
    let st = s.lock();
    Json(json!({
        "LocalAddress": "http://127.0.0.1:8096",
        "ServerName": "kubarr-jellyfin",
        "Version": "10.10.7",
        "ProductName": "Jellyfin Server",
        "OperatingSystem": "",
        "Id": st.server_id,
        "StartupWizardCompleted": st.wizard_completed,
    }))
}

async fn info(
    State(s): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let st = s.lock();
    if caller(&st, &headers, &q).is_none() {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    Json(json!({
        "ServerName": "kubarr-jellyfin",
        "Version": "10.10.7",
        "ProductName": "Jellyfin Server",
        "Id": st.server_id,
        "StartupWizardCompleted": st.wizard_completed,
        "OperatingSystem": "Linux",
    }))
    .into_response()
}
