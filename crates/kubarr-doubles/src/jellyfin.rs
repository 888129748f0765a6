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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StartupConfiguration {
    #[serde(rename = "UICulture")]
    ui_culture: String,
    #[serde(rename = "MetadataCountryCode")]
    metadata_country_code: String,
    #[serde(rename = "PreferredMetadataLanguage")]
    preferred_metadata_language: String,
}

async fn startup_get(
    State(s): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let st = s.lock();
    if let Err(r) = setup_or_admin(&st, &headers, &q) {
        return r;
    }
    Json(st.startup.clone()).into_response()
}

async fn startup_post(
    State(s): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    let mut st = s.lock();
    if let Err(r) = setup_or_admin(&st, &headers, &q) {
        return r;
    }
    let c: StartupConfiguration = match strict(&body) {
        Ok(c) => c,
        Err(r) => return r,
    };
    st.startup = json!({
        "UICulture": c.ui_culture,
        "MetadataCountryCode": c.metadata_country_code,
        "PreferredMetadataLanguage": c.preferred_metadata_language,
    });
    StatusCode::NO_CONTENT.into_response()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StartupUser {
    #[serde(rename = "Name")]
    name: String,
    #[serde(rename = "Password")]
    password: String,
}

async fn startup_user_get(
    State(s): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let st = s.lock();
    if let Err(r) = setup_or_admin(&st, &headers, &q) {
        return r;
    }
    // The password is never shown.
    Json(json!({"Name": st.users[0].name, "Password": null})).into_response()
}

async fn startup_user_post(
    State(s): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    let mut st = s.lock();
    if let Err(r) = setup_or_admin(&st, &headers, &q) {
        return r;
    }
    let u: StartupUser = match strict(&body) {
        Ok(u) => u,
        Err(r) => return r,
    };
    if u.name.trim().is_empty() {
        return bad("Name must not be empty");
    }
    st.users[0].name = u.name.trim().to_string();
    st.users[0].password = u.password;
    StatusCode::NO_CONTENT.into_response()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RemoteAccess {
    #[serde(rename = "EnableRemoteAccess")]
    enable_remote_access: bool,
    #[serde(rename = "EnableAutomaticPortMapping", default)]
    enable_automatic_port_mapping: bool,
}

async fn startup_remote(
    State(s): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    let mut st = s.lock();
    if let Err(r) = setup_or_admin(&st, &headers, &q) {
        return r;
    }
    let r: RemoteAccess = match strict(&body) {
        Ok(r) => r,
        Err(r) => return r,
    };
    st.remote_access = json!({
        "EnableRemoteAccess": r.enable_remote_access,
        "EnableAutomaticPortMapping": r.enable_automatic_port_mapping,
    });
    StatusCode::NO_CONTENT.into_response()
}

async fn startup_complete(
    State(s): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let mut st = s.lock();
    if let Err(r) = setup_or_admin(&st, &headers, &q) {
        return r;
    }
    st.wizard_completed = true;
    StatusCode::NO_CONTENT.into_response()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AuthenticateByName {
    #[serde(rename = "Username")]
    username: String,
    #[serde(rename = "Pw")]
    pw: String,
}

async fn authenticate(State(s): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    let auth = headers
        .get("authorization")
        .or_else(|| headers.get("x-emby-authorization"))
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    // Jellyfin needs to know the client: Client, Device, DeviceId and Version.
    for k in ["Client", "Device", "DeviceId", "Version"] {
        if auth_param(&auth, k).is_none_or(|v| v.is_empty()) {
            return bad(format!(
                "the Authorization header must name the client: {k} is missing"
            ));
        }
    }
    let a: AuthenticateByName = match strict(&body) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let mut st = s.lock();
    let Some(u) = st
        .users
        .iter()
        .find(|u| u.name.eq_ignore_ascii_case(&a.username) && u.password == a.pw)
        .cloned()
    else {
        return (StatusCode::UNAUTHORIZED, "Error processing request.").into_response();
    };
    let token = hex_id();
    st.sessions.insert(token.clone(), u.id.clone());
    Json(json!({
        "User": user_json(&st, &u),
        "SessionInfo": {"UserId": u.id, "UserName": u.name, "Client": auth_param(&auth, "Client")},
        "AccessToken": token,
        "ServerId": st.server_id,
    }))
    .into_response()
}

async fn users(
    State(s): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let st = s.lock();
    if let Err(r) = admin(&st, &headers, &q) {
        return r;
    }
    Json(Value::Array(
        st.users.iter().map(|u| user_json(&st, u)).collect(),
    ))
    .into_response()
}

async fn me(
    State(s): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let st = s.lock();
    let Some(t) = token(&headers, &q) else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    match st
        .sessions
        .get(&t)
        .and_then(|id| st.users.iter().find(|u| &u.id == id))
    {
        Some(u) => Json(user_json(&st, u)).into_response(),
        None => StatusCode::UNAUTHORIZED.into_response(),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewUser {
    #[serde(rename = "Name")]
    name: String,
    #[serde(rename = "Password", default)]
    password: Option<String>,
}

async fn new_user(
    State(s): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    let mut st = s.lock();
    if let Err(r) = admin(&st, &headers, &q) {
        return r;
    }
    let n: NewUser = match strict(&body) {
        Ok(n) => n,
        Err(r) => return r,
    };
    let name = n.name.trim().to_string();
    if name.is_empty() {
        return bad("Name must not be empty");
    }
    if st.users.iter().any(|u| u.name.eq_ignore_ascii_case(&name)) {
        return bad(format!("A user with the name '{name}' already exists."));
    }
    let u = JellyfinUser {
        id: hex_id(),
        name,
        password: n.password.unwrap_or_default(),
        is_admin: false,
    };
    let out = user_json(&st, &u);
    st.users.push(u);
    Json(out).into_response()
}

async fn keys(
    State(s): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let st = s.lock();
    if let Err(r) = admin(&st, &headers, &q) {
        return r;
    }
    let items: Vec<Value> = st
        .api_keys
        .iter()
        .enumerate()
        .map(|(i, k)| json!({"Id": i + 1, "AccessToken": k.token, "AppName": k.app_name, "IsActive": true, "DateCreated": "2025-01-01T00:00:00Z"}))
        .collect();
    Json(json!({"Items": items, "TotalRecordCount": st.api_keys.len(), "StartIndex": 0}))
        .into_response()
}

async fn create_key(
    State(s): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let mut st = s.lock();
    if let Err(r) = admin(&st, &headers, &q) {
        return r;
    }
    let Some(app) = q.get("app").filter(|a| !a.trim().is_empty()) else {
        return bad("the query parameter 'app' is required");
    };
    st.api_keys.push(ApiKey {
        token: hex_id(),
        app_name: app.trim().to_string(),
    });
    StatusCode::NO_CONTENT.into_response()
}

async fn delete_key(
    State(s): State<Shared>,
    axum::extract::Path(key): axum::extract::Path<String>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let mut st = s.lock();
    if let Err(r) = admin(&st, &headers, &q) {
        return r;
    }
    let before = st.api_keys.len();
    st.api_keys.retain(|k| k.token != key);
    if st.api_keys.len() == before {
        return StatusCode::NOT_FOUND.into_response();
    }
    StatusCode::NO_CONTENT.into_response()
}

const COLLECTION_TYPES: &[&str] = &[
    "movies",
    "tvshows",
    "music",
    "musicvideos",
    "homevideos",
    "boxsets",
    "books",
    "mixed",
];

fn library_json(l: &Library) -> Value {
    json!({
        "Name": l.name,
        "Locations": l.locations,
        "CollectionType": l.collection_type,
        "ItemId": l.item_id,
        "RefreshStatus": "Idle",
        "LibraryOptions": {"PathInfos": l.locations.iter().map(|p| json!({"Path": p})).collect::<Vec<_>>()},
    })
}

fn path_exists(st: &JellyfinState, path: &str) -> bool {
    let local = match &st.fs_root {
        Some(root) => root.join(path.trim_start_matches('/')),
        None => PathBuf::from(path),
    };
    path.starts_with('/') && local.is_dir()
}

async fn libraries(
    State(s): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let st = s.lock();
    if let Err(r) = setup_or_admin(&st, &headers, &q) {
        return r;
    }
    Json(Value::Array(
        st.libraries.iter().map(library_json).collect(),
    ))
    .into_response()
}

/// `POST /Library/VirtualFolders?name=&collectionType=&paths=&refreshLibrary=` (query only; an
/// optional body carries `LibraryOptions`).
async fn add_library(
    State(s): State<Shared>,
    headers: HeaderMap,
    uri: axum::http::Uri,
    body: Bytes,
) -> Response {
    let pairs: Vec<(String, String)> = uri
        .query()
        .and_then(|q| serde_urlencoded::from_str(q).ok())
        .unwrap_or_default();
    let q: HashMap<String, String> = pairs.iter().cloned().collect();
    let mut st = s.lock();
    if let Err(r) = setup_or_admin(&st, &headers, &q) {
        return r;
    }
    for (k, _) in &pairs {
        if !matches!(
            k.as_str(),
            "name" | "collectionType" | "paths" | "refreshLibrary" | "api_key" | "ApiKey"
        ) {
            return bad(format!("unknown query parameter '{k}'"));
        }
    }
    if !body.is_empty() {
        match serde_json::from_slice::<Value>(&body) {
            Ok(Value::Object(o)) if o.keys().all(|k| k == "LibraryOptions") => {}
            _ => return bad("the body may only hold LibraryOptions"),
        }
    }
    let name = q
        .get("name")
        .map(|n| n.trim().to_string())
        .unwrap_or_default();
    if name.is_empty() {
        return bad("name is required");
    }
    let ct = q.get("collectionType").cloned().unwrap_or_default();
    if !COLLECTION_TYPES.contains(&ct.as_str()) {
        return bad(format!(
            "collectionType must be one of {}",
            COLLECTION_TYPES.join(", ")
        ));
    }
    if st
        .libraries
        .iter()
        .any(|l| l.name.eq_ignore_ascii_case(&name))
    {
        return bad(format!(
            "A media library with the name {name} already exists."
        ));
    }
    let paths: Vec<String> = pairs
        .iter()
        .filter(|(k, _)| k == "paths")
        .flat_map(|(_, v)| v.split(',').map(|p| p.trim().to_string()))
        .filter(|p| !p.is_empty())
        .collect();
    for p in &paths {
        if !path_exists(&st, p) {
            return bad(format!("The path {p} does not exist."));
        }
    }
    st.libraries.push(Library {
        name,
        collection_type: ct,
        locations: paths,
        item_id: hex_id(),
    });
    StatusCode::NO_CONTENT.into_response()
}

async fn remove_library(
    State(s): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let mut st = s.lock();
    if let Err(r) = admin(&st, &headers, &q) {
        return r;
    }
    let name = q.get("name").cloned().unwrap_or_default();
    let before = st.libraries.len();
    st.libraries.retain(|l| !l.name.eq_ignore_ascii_case(&name));
    if st.libraries.len() == before {
        return StatusCode::NOT_FOUND.into_response();
    }
    StatusCode::NO_CONTENT.into_response()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AddPath {
    #[serde(rename = "Name")]
    name: String,
    #[serde(rename = "Path", default)]
    path: Option<String>,
    #[serde(rename = "PathInfo", default)]
    path_info: Option<PathInfo>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PathInfo {
    #[serde(rename = "Path")]
    path: String,
}

async fn add_path(
    State(s): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    let mut st = s.lock();
    if let Err(r) = admin(&st, &headers, &q) {
        return r;
    }
    let a: AddPath = match strict(&body) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let Some(path) = a.path.or(a.path_info.map(|p| p.path)) else {
        return bad("Path or PathInfo is required");
    };
    if !path_exists(&st, &path) {
        return bad(format!("The path {path} does not exist."));
    }
    let Some(l) = st
        .libraries
        .iter_mut()
        .find(|l| l.name.eq_ignore_ascii_case(&a.name))
    else {
        return StatusCode::NOT_FOUND.into_response();
    };
    if !l.locations.contains(&path) {
        l.locations.push(path);
    }
    StatusCode::NO_CONTENT.into_response()
}
