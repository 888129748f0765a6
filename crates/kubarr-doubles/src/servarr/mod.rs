//! The Servarr family (Sonarr, Radarr, Lidarr on `/api/v3` / `/api/v1`, Prowlarr on `/api/v1`):
//! one stateful double parameterised by the app.

mod clients;
mod folders;
mod handlers;
pub mod provider;
mod prowlarr;
pub mod schema;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};

use anyhow::{bail, Result};
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};

use crate::server::{normalise_url_base, serve, with_url_base, DoubleHandle};
use provider::{Collection, Failure};
use schema::ProviderKind;

/// Which app a Servarr double plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ServarrApp {
    /// TV, `/api/v3`.
    Sonarr,
    /// Movies, `/api/v3`.
    Radarr,
    /// Music, `/api/v1`.
    Lidarr,
    /// Indexers, `/api/v1`.
    Prowlarr,
}

impl ServarrApp {
    /// `Sonarr`, `Radarr`, ...
    pub fn name(self) -> &'static str {
        match self {
            Self::Sonarr => "Sonarr",
            Self::Radarr => "Radarr",
            Self::Lidarr => "Lidarr",
            Self::Prowlarr => "Prowlarr",
        }
    }

    /// `/api/v3` or `/api/v1`.
    pub fn api_prefix(self) -> &'static str {
        match self {
            Self::Sonarr | Self::Radarr => "/api/v3",
            Self::Lidarr | Self::Prowlarr => "/api/v1",
        }
    }

    /// The environment prefix, e.g. `SONARR__`.
    pub fn env_prefix(self) -> String {
        format!("{}__", self.name().to_uppercase())
    }

    /// The version the double reports.
    pub fn version(self) -> &'static str {
        match self {
            Self::Sonarr => "4.0.15.2941",
            Self::Radarr => "5.26.2.10099",
            Self::Lidarr => "2.13.3.4711",
            Self::Prowlarr => "2.0.5.5160",
        }
    }

    /// Parses `sonarr`, `Radarr`, ...
    pub fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_lowercase().as_str() {
            "sonarr" => Some(Self::Sonarr),
            "radarr" => Some(Self::Radarr),
            "lidarr" => Some(Self::Lidarr),
            "prowlarr" => Some(Self::Prowlarr),
            _ => None,
        }
    }
}

/// How a Servarr double starts.
#[derive(Debug, Clone)]
pub struct ServarrConfig {
    /// The API key (`<APP>__AUTH__APIKEY`).
    pub api_key: String,
    /// `<APP>__SERVER__URLBASE`.
    pub url_base: String,
    /// `<APP>__AUTH__METHOD` (`External`, `Forms`, `Basic`, `None`).
    pub auth_method: String,
    /// `<APP>__APP__INSTANCENAME`.
    pub instance_name: Option<String>,
    /// Where the app's `/` is on this machine, for root folders and download paths (`None`: `/`).
    pub fs_root: Option<PathBuf>,
    /// The port to bind on 127.0.0.1 (0: any free port).
    pub port: u16,
}

impl ServarrConfig {
    /// A configuration with this API key and nothing else set.
    pub fn new(api_key: &str) -> Self {
        Self {
            api_key: api_key.to_string(),
            url_base: String::new(),
            auth_method: "Forms".to_string(),
            instance_name: None,
            fs_root: None,
            port: 0,
        }
    }

    /// Reads the settings from `<APP>__…` environment variables, the way the real apps override
    /// `config.xml` (e.g. a Deployment's `env`). Stricter than the apps: an unknown key, an
    /// invalid auth method or a missing API key is an error.
    pub fn from_env<'a, I>(app: ServarrApp, vars: I) -> Result<Self>
    where
        I: IntoIterator<Item = (&'a str, &'a str)>,
    {
        let prefix = app.env_prefix();
        let mut c = Self::new("");
        for (k, v) in vars {
            let Some(key) = k.strip_prefix(&prefix) else {
                continue;
            };
            match key {
                "AUTH__APIKEY" => c.api_key = v.to_string(),
                "AUTH__METHOD" => {
                    if !matches!(v, "External" | "Forms" | "Basic" | "None") {
                        bail!("{k}={v:?}: expected External, Forms, Basic or None (PascalCase)");
                    }
                    c.auth_method = v.to_string();
                }
                "AUTH__REQUIRED" => {
                    if !matches!(v, "Enabled" | "DisabledForLocalAddresses") {
                        bail!("{k}={v:?}: expected Enabled or DisabledForLocalAddresses");
                    }
                }
                "SERVER__URLBASE" => c.url_base = v.to_string(),
                "APP__INSTANCENAME" => c.instance_name = Some(v.to_string()),
                "SERVER__PORT"
                | "SERVER__BINDADDRESS"
                | "LOG__LEVEL"
                | "LOG__ANALYTICSENABLED"
                | "APP__THEME"
                | "APP__LAUNCHBROWSER"
                | "UPDATE__MECHANISM"
                | "UPDATE__BRANCH"
                | "UPDATE__AUTOMATICALLY"
                | "POSTGRES__HOST"
                | "POSTGRES__PORT"
                | "POSTGRES__USER"
                | "POSTGRES__PASSWORD"
                | "POSTGRES__MAINDB"
                | "POSTGRES__LOGDB" => {}
                _ => bail!("{k} is not a setting {} reads", app.name()),
            }
        }
        if c.api_key.trim().is_empty() {
            bail!("{prefix}AUTH__APIKEY is not set");
        }
        Ok(c)
    }
}

/// A remote path mapping.
#[derive(Debug, Clone)]
pub struct RemotePathMapping {
    /// The download client's host as configured.
    pub host: String,
    /// The path as the client reports it.
    pub remote_path: String,
    /// The same folder as the app sees it.
    pub local_path: String,
}

/// Everything a Servarr double holds.
#[derive(Debug)]
pub struct ServarrState {
    /// The app played.
    pub app: ServarrApp,
    /// The start configuration.
    pub config: ServarrConfig,
    /// `/downloadclient`.
    pub download_clients: Collection,
    /// `/indexer`.
    pub indexers: Collection,
    /// `/applications` (Prowlarr only).
    pub applications: Collection,
    /// `/indexerProxy` (Prowlarr only).
    pub indexer_proxies: Collection,
    /// `/rootfolder`: id → the stored resource (`path`, and Lidarr's extra settings).
    pub root_folders: BTreeMap<i64, serde_json::Map<String, Value>>,
    /// `/remotepathmapping`.
    pub remote_path_mappings: BTreeMap<i64, RemotePathMapping>,
    /// `/tag`: id → label.
    pub tags: BTreeMap<i64, String>,
    /// Every request as `METHOD /path` (query left out), oldest first.
    pub requests: Vec<String>,
    /// Prowlarr: the last indexer-sync error per application id.
    pub sync_errors: BTreeMap<i64, String>,
    next_id: i64,
}

impl ServarrState {
    fn next_id(&mut self) -> i64 {
        self.next_id += 1;
        self.next_id
    }

    fn collection(&self, kind: ProviderKind) -> &Collection {
        match kind {
            ProviderKind::DownloadClient => &self.download_clients,
            ProviderKind::Indexer => &self.indexers,
            ProviderKind::Application => &self.applications,
            ProviderKind::IndexerProxy => &self.indexer_proxies,
        }
    }

    fn collection_mut(&mut self, kind: ProviderKind) -> &mut Collection {
        match kind {
            ProviderKind::DownloadClient => &mut self.download_clients,
            ProviderKind::Indexer => &mut self.indexers,
            ProviderKind::Application => &mut self.applications,
            ProviderKind::IndexerProxy => &mut self.indexer_proxies,
        }
    }
}

/// The shared state behind a running Servarr double.
#[derive(Debug)]
pub struct Servarr {
    state: Mutex<ServarrState>,
}

impl Servarr {
    /// Locks the state (for assertions that look behind the API).
    pub fn lock(&self) -> MutexGuard<'_, ServarrState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The requests seen so far (`METHOD /path`).
    pub fn requests(&self) -> Vec<String> {
        self.lock().requests.clone()
    }

    /// Forgets the recorded requests.
    pub fn clear_requests(&self) {
        self.lock().requests.clear();
    }

    /// The stored (unmasked) value of `field` on the provider named `name` in `kind`.
    pub fn provider_value(&self, kind: ProviderKind, name: &str, field: &str) -> Option<Value> {
        let s = self.lock();
        let p = s.collection(kind).all().find(|p| p.name == name)?;
        p.values.get(field).cloned()
    }
}

/// A running Servarr double.
pub type ServarrHandle = DoubleHandle<Arc<Servarr>>;

/// Starts a Servarr double of `app`.
pub async fn start(app: ServarrApp, config: ServarrConfig) -> Result<ServarrHandle> {
    if config.api_key.trim().is_empty() {
        bail!("the API key must not be empty");
    }
    let url_base = normalise_url_base(&config.url_base);
    let port = config.port;
    let api_key = config.api_key.clone();
    let shared = Arc::new(Servarr {
        state: Mutex::new(ServarrState {
            app,
            download_clients: Collection::new(app, ProviderKind::DownloadClient),
            indexers: Collection::new(app, ProviderKind::Indexer),
            applications: Collection::new(app, ProviderKind::Application),
            indexer_proxies: Collection::new(app, ProviderKind::IndexerProxy),
            root_folders: BTreeMap::new(),
            remote_path_mappings: BTreeMap::new(),
            tags: BTreeMap::new(),
            requests: Vec::new(),
            sync_errors: BTreeMap::new(),
            next_id: 0,
            config,
        }),
    });
    let router = with_url_base(router(app, shared.clone()), &url_base);
    serve(router, port, &url_base, &api_key, shared).await
}

type Shared = Arc<Servarr>;

fn router(app: ServarrApp, shared: Shared) -> Router {
    let mut api = Router::new()
        .route("/system/status", get(status))
        .route("/health", get(folders::health))
        .route("/tag", get(folders::list_tags).post(folders::create_tag))
        .route(
            "/tag/{id}",
            get(folders::get_tag)
                .put(folders::update_tag)
                .delete(folders::delete_tag),
        );
    api = handlers::provider_routes(api, "/downloadclient", ProviderKind::DownloadClient);
    api = handlers::provider_routes(api, "/indexer", ProviderKind::Indexer);
    if app == ServarrApp::Prowlarr {
        api = handlers::provider_routes(api, "/applications", ProviderKind::Application);
        api = handlers::provider_routes(api, "/indexerProxy", ProviderKind::IndexerProxy)
            .route("/command", post(prowlarr::command));
    } else {
        api = api
            .route(
                "/rootfolder",
                get(folders::list_root_folders).post(folders::create_root_folder),
            )
            .route(
                "/rootfolder/{id}",
                get(folders::get_root_folder).delete(folders::delete_root_folder),
            )
            .route(
                "/remotepathmapping",
                get(folders::list_mappings).post(folders::create_mapping),
            )
            .route(
                "/remotepathmapping/{id}",
                get(folders::get_mapping)
                    .put(folders::update_mapping)
                    .delete(folders::delete_mapping),
            )
            .route("/qualityprofile", get(folders::quality_profiles));
        if app == ServarrApp::Lidarr {
            api = api.route("/metadataprofile", get(folders::metadata_profiles));
        }
        if app == ServarrApp::Sonarr {
            api = api.route("/languageprofile", get(folders::language_profiles));
        }
    }
    let api = api
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(
            shared.clone(),
            require_api_key,
        ));
    let mut root = Router::new()
        .route("/ping", get(|| async { Json(json!({"status": "OK"})) }))
        .nest(app.api_prefix(), api);
    if app == ServarrApp::Prowlarr {
        root = root
            .route("/{id}/api", get(prowlarr::newznab))
            .route("/api/v1/indexer/{id}/newznab", get(prowlarr::newznab));
    }
    root.fallback(not_found)
        .layer(middleware::from_fn_with_state(shared.clone(), record))
        .with_state(shared)
}

async fn record(State(s): State<Shared>, req: Request, next: Next) -> Response {
    s.lock()
        .requests
        .push(format!("{} {}", req.method(), req.uri().path()));
    next.run(req).await
}

/// `X-Api-Key` header or `?apikey=`; anything else is 401.
async fn require_api_key(State(s): State<Shared>, req: Request, next: Next) -> Response {
    let want = s.lock().config.api_key.clone();
    let header = req
        .headers()
        .get("x-api-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let query = req.uri().query().and_then(|q| {
        serde_urlencoded::from_str::<Vec<(String, String)>>(q)
            .ok()?
            .into_iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("apikey"))
            .map(|(_, v)| v)
    });
    if header.as_deref() == Some(want.as_str()) || query.as_deref() == Some(want.as_str()) {
        next.run(req).await
    } else {
        StatusCode::UNAUTHORIZED.into_response()
    }
}

async fn not_found() -> Response {
    (StatusCode::NOT_FOUND, Json(json!({"message": "NotFound"}))).into_response()
}

async fn status(State(s): State<Shared>) -> Json<Value> {
    let s = s.lock();
    let app = s.app;
    Json(json!({
        "appName": app.name(),
        "instanceName": s.config.instance_name.clone().unwrap_or_else(|| app.name().to_string()),
        "version": app.version(),
        "buildTime": "2025-01-01T00:00:00Z",
        "isDebug": false,
        "isProduction": true,
        "isAdmin": false,
        "isUserInteractive": false,
        "startupPath": "/app/bin",
        "appData": "/config",
        "osName": "debian",
        "osVersion": "12",
        "isNetCore": true,
        "isLinux": true,
        "isOsx": false,
        "isWindows": false,
        "isDocker": true,
        "mode": "console",
        "branch": "main",
        "authentication": s.config.auth_method.to_ascii_lowercase(),
        "databaseType": "sqLite",
        "migrationVersion": 200,
        "urlBase": normalise_url_base(&s.config.url_base),
        "runtimeVersion": "8.0.12",
        "runtimeName": ".NET",
        "startTime": "2025-01-01T00:00:00Z",
        "packageUpdateMechanism": "docker",
    }))
}

/// A 400 with validation failures, in the apps' array shape.
pub(crate) fn invalid(failures: Vec<Failure>) -> Response {
    (StatusCode::BAD_REQUEST, Json(json!(failures))).into_response()
}
