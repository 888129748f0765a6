//! A Bazarr double: its settings (`/api/system/settings`, form posts of
//! `settings-<section>-<key>`, types and allowed values checked like Bazarr's validators) and a
//! status and health that ask the configured Sonarr and Radarr for real.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

use anyhow::{bail, Result};
use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Map, Value};

use crate::outbound::{self, describe};
use crate::servarr::provider::MASK;
use crate::server::{serve, DoubleHandle};

/// How the Bazarr double starts.
#[derive(Debug, Clone)]
pub struct BazarrConfig {
    /// `auth.apikey` (seeded in Bazarr's config file).
    pub api_key: String,
    /// The port on 127.0.0.1 (0: any free port).
    pub port: u16,
}

impl BazarrConfig {
    /// With this API key.
    pub fn new(api_key: &str) -> Self {
        Self {
            api_key: api_key.to_string(),
            port: 0,
        }
    }
}

/// A setting's type and allowed values.
#[derive(Debug, Clone, Copy)]
enum Ty {
    Bool,
    Int(i64, i64),
    IntIn(&'static [i64]),
    Str,
    StrIn(&'static [&'static str]),
    List,
    Secret,
}

fn settings_schema() -> Vec<(&'static str, &'static str, Ty, Value)> {
    const SYNC: &[i64] = &[15, 60, 180, 360, 720, 1440];
    const TIMEOUTS: &[i64] = &[60, 120, 180, 240, 300, 600];
    const UPDATES: &[&str] = &["Manually", "Daily", "Weekly"];
    let mut s = vec![
        ("general", "ip", Ty::Str, json!("0.0.0.0")),
        ("general", "port", Ty::Int(1, 65535), json!(6767)),
        ("general", "base_url", Ty::Str, json!("")),
        ("general", "use_sonarr", Ty::Bool, json!(false)),
        ("general", "use_radarr", Ty::Bool, json!(false)),
        ("general", "path_mappings", Ty::List, json!([])),
        ("general", "path_mappings_movie", Ty::List, json!([])),
        ("general", "auto_update", Ty::Bool, json!(true)),
        ("general", "enabled_providers", Ty::List, json!([])),
        ("auth", "apikey", Ty::Secret, json!("")),
        ("auth", "type", Ty::StrIn(&["", "basic", "form"]), json!("")),
        ("auth", "username", Ty::Str, json!("")),
        ("auth", "password", Ty::Secret, json!("")),
        ("analytics", "enabled", Ty::Bool, json!(true)),
    ];
    for (section, port, sync) in [
        ("sonarr", 8989, "series_sync"),
        ("radarr", 7878, "movies_sync"),
    ] {
        s.extend([
            (section, "ip", Ty::Str, json!("127.0.0.1")),
            (section, "port", Ty::Int(1, 65535), json!(port)),
            (section, "base_url", Ty::Str, json!("/")),
            (section, "ssl", Ty::Bool, json!(false)),
            (section, "http_timeout", Ty::IntIn(TIMEOUTS), json!(60)),
            (section, "apikey", Ty::Secret, json!("")),
            (section, "full_update", Ty::StrIn(UPDATES), json!("Daily")),
            (section, "only_monitored", Ty::Bool, json!(false)),
            (section, sync, Ty::IntIn(SYNC), json!(60)),
            (section, "excluded_tags", Ty::List, json!([])),
        ]);
    }
    s
}

/// The Bazarr double's state.
#[derive(Debug)]
pub struct BazarrState {
    /// Settings by section and key (secrets unmasked).
    pub settings: BTreeMap<String, Map<String, Value>>,
    /// Requests seen (`METHOD /path`).
    pub requests: Vec<String>,
}

/// Shared state of a running Bazarr double.
#[derive(Debug)]
pub struct Bazarr {
    state: Mutex<BazarrState>,
}

impl Bazarr {
    /// Locks the state.
    pub fn lock(&self) -> MutexGuard<'_, BazarrState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A running Bazarr double.
pub type BazarrHandle = DoubleHandle<Arc<Bazarr>>;
type Shared = Arc<Bazarr>;

/// Starts a Bazarr double.
pub async fn start(config: BazarrConfig) -> Result<BazarrHandle> {
    if config.api_key.trim().is_empty() {
        bail!("the API key must not be empty");
    }
    let mut settings: BTreeMap<String, Map<String, Value>> = BTreeMap::new();
    for (section, key, _, default) in settings_schema() {
        settings
            .entry(section.to_string())
            .or_default()
            .insert(key.to_string(), default);
    }
    settings
        .get_mut("auth")
        .expect("auth section")
        .insert("apikey".into(), json!(config.api_key));
    let shared = Arc::new(Bazarr {
        state: Mutex::new(BazarrState {
            settings,
            requests: Vec::new(),
        }),
    });
    let api = Router::new()
        .route("/system/settings", get(settings_get).post(settings_post))
        .route("/system/status", get(status))
        .route("/system/health", get(health))
        .fallback(|| async { StatusCode::NOT_FOUND })
        .layer(middleware::from_fn_with_state(
            shared.clone(),
            require_api_key,
        ));
    let router = Router::new()
        .nest("/api", api)
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
    let want = s.lock().settings["auth"]["apikey"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let header = req
        .headers()
        .get("x-api-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let query = req.uri().query().and_then(|q| {
        serde_urlencoded::from_str::<Vec<(String, String)>>(q)
            .ok()?
            .into_iter()
            .find(|(k, _)| k == "apikey")
            .map(|(_, v)| v)
    });
    if header.as_deref() == Some(want.as_str()) || query.as_deref() == Some(want.as_str()) {
        next.run(req).await
    } else {
        StatusCode::UNAUTHORIZED.into_response()
    }
}

async fn settings_get(State(s): State<Shared>) -> Json<Value> {
    let st = s.lock();
    let mut out = Map::new();
    let schema = settings_schema();
    for (section, values) in &st.settings {
        let mut m = values.clone();
        for (k, v) in m.iter_mut() {
            let secret = schema
                .iter()
                .any(|(s, key, ty, _)| s == section && key == k && matches!(ty, Ty::Secret));
            if secret && v.as_str().is_some_and(|x| !x.is_empty()) {
                *v = json!(MASK);
            }
        }
        out.insert(section.clone(), Value::Object(m));
    }
    Json(Value::Object(out))
}

fn convert(ty: Ty, raw: &str) -> Result<Value, String> {
    match ty {
        Ty::Bool => match raw {
            "true" | "True" => Ok(json!(true)),
            "false" | "False" => Ok(json!(false)),
            _ => Err("must be true or false".into()),
        },
        Ty::Int(lo, hi) => match raw.parse::<i64>() {
            Ok(n) if (lo..=hi).contains(&n) => Ok(json!(n)),
            _ => Err(format!("must be an integer from {lo} to {hi}")),
        },
        Ty::IntIn(allowed) => match raw.parse::<i64>() {
            Ok(n) if allowed.contains(&n) => Ok(json!(n)),
            _ => Err(format!("must be one of {allowed:?}")),
        },
        Ty::Str | Ty::Secret => Ok(json!(raw)),
        Ty::StrIn(allowed) => {
            if allowed.contains(&raw) {
                Ok(json!(raw))
            } else {
                Err(format!("must be one of {allowed:?}"))
            }
        }
        Ty::List => match serde_json::from_str::<Value>(raw) {
            Ok(v @ Value::Array(_)) => Ok(v),
            _ => Err("must be a JSON list".into()),
        },
    }
}

/// `POST /api/system/settings` with form fields `settings-<section>-<key>`; all-or-nothing.
async fn settings_post(State(s): State<Shared>, body: Bytes) -> Response {
    let pairs: Vec<(String, String)> = match serde_urlencoded::from_bytes(&body) {
        Ok(p) => p,
        Err(e) => {
            return (StatusCode::BAD_REQUEST, format!("invalid form body: {e}")).into_response()
        }
    };
    let schema = settings_schema();
    let mut changes = Vec::new();
    for (k, raw) in &pairs {
        let Some((section, key)) = k.strip_prefix("settings-").and_then(|r| r.split_once('-'))
        else {
            return (
                StatusCode::BAD_REQUEST,
                format!("'{k}' is not a settings-<section>-<key> field"),
            )
                .into_response();
        };
        let Some((_, _, ty, _)) = schema
            .iter()
            .find(|(s, kk, _, _)| *s == section && *kk == key)
        else {
            return (
                StatusCode::BAD_REQUEST,
                format!("unknown setting {section}.{key} (Bazarr would store it)"),
            )
                .into_response();
        };
        if matches!(ty, Ty::Secret) && raw == MASK {
            continue;
        }
        match convert(*ty, raw) {
            Ok(v) => changes.push((section.to_string(), key.to_string(), v)),
            Err(e) => {
                return (StatusCode::BAD_REQUEST, format!("{section}.{key} {e}")).into_response()
            }
        }
    }
    let mut st = s.lock();
    for (section, key, v) in changes {
        st.settings.entry(section).or_default().insert(key, v);
    }
    StatusCode::NO_CONTENT.into_response()
}

/// Asks an arr for its version, with the configured connection settings.
async fn arr_version(st: &Map<String, Value>) -> Result<String, String> {
    let text = |k: &str| {
        st.get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let port = st
        .get("port")
        .and_then(Value::as_u64)
        .unwrap_or(0)
        .min(65535) as u16;
    let ssl = st.get("ssl").and_then(Value::as_bool).unwrap_or(false);
    let base =
        outbound::base_url(&text("ip"), port, ssl, &text("base_url")).map_err(|e| e.to_string())?;
    let mut u = base;
    let prefix = u.path().trim_end_matches('/').to_string();
    u.set_path(&format!("{prefix}/api/v3/system/status"));
    let r = outbound::client()
        .get(u)
        .header("X-Api-Key", text("apikey"))
        .send()
        .await
        .map_err(|e| describe(&e).to_string())?;
    if r.status() == StatusCode::UNAUTHORIZED {
        return Err("the API key was refused".into());
    }
    if !r.status().is_success() {
        return Err(format!("it answered {}", r.status()));
    }
    let v: Value = r.json().await.map_err(|e| describe(&e).to_string())?;
    Ok(v["version"].as_str().unwrap_or_default().to_string())
}

fn enabled(s: &Shared, which: &str) -> Option<Map<String, Value>> {
    let st = s.lock();
    let on = st.settings["general"][&format!("use_{which}")] == json!(true);
    on.then(|| st.settings[which].clone())
}

async fn status(State(s): State<Shared>) -> Json<Value> {
    let mut versions = Map::new();
    for which in ["sonarr", "radarr"] {
        let v = match enabled(&s, which) {
            Some(cfg) => arr_version(&cfg).await.unwrap_or_default(),
            None => String::new(),
        };
        versions.insert(format!("{which}_version"), json!(v));
    }
    Json(json!({"data": {
        "bazarr_version": "1.5.2",
        "sonarr_version": versions["sonarr_version"],
        "radarr_version": versions["radarr_version"],
        "operating_system": "Linux",
        "python_version": "3.12",
        "bazarr_directory": "/app/bazarr/bin",
        "bazarr_config_directory": "/config",
    }}))
}

async fn health(State(s): State<Shared>) -> Json<Value> {
    let mut issues = Vec::new();
    for (which, name) in [("sonarr", "Sonarr"), ("radarr", "Radarr")] {
        if let Some(cfg) = enabled(&s, which) {
            if let Err(e) = arr_version(&cfg).await {
                issues.push(
                    json!({"object": name, "issue": format!("Unable to connect to {name}: {e}")}),
                );
            }
        }
    }
    Json(json!({"data": issues}))
}
