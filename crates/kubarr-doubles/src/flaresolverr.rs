//! FlareSolverr (`/v1`, FlareSolverr 3's API): answers `request.get`/`request.post` and the
//! session commands with FlareSolverr's response shape. It never fetches the page it is asked
//! for (this machine may not dial out): the solution is an empty page, "Challenge not detected".
//! Stricter than FlareSolverr: unknown keys and a missing `url` are refused.

use std::sync::{Arc, Mutex, MutexGuard};

use anyhow::Result;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Map, Value};

use crate::server::{serve, DoubleHandle};

const VERSION: &str = "3.3.21";
const KEYS: &[&str] = &[
    "cmd",
    "url",
    "maxTimeout",
    "userAgent",
    "cookies",
    "headers",
    "postData",
    "session",
    "session_ttl_minutes",
    "proxy",
    "returnOnlyCookies",
];

/// The FlareSolverr double's state.
#[derive(Debug, Default)]
pub struct FlareSolverrState {
    /// Commands seen (`cmd url`).
    pub commands: Vec<String>,
}

/// Shared state of a running FlareSolverr double.
#[derive(Debug, Default)]
pub struct FlareSolverr {
    state: Mutex<FlareSolverrState>,
}

impl FlareSolverr {
    pub fn lock(&self) -> MutexGuard<'_, FlareSolverrState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

pub type FlareSolverrHandle = DoubleHandle<Arc<FlareSolverr>>;
type Shared = Arc<FlareSolverr>;

/// Starts a FlareSolverr double on 127.0.0.1:`port` (0: any free port).
pub async fn start(port: u16) -> Result<FlareSolverrHandle> {
    let shared = Arc::new(FlareSolverr::default());
    let router = Router::new()
        .route("/", get(index))
        .route("/health", get(|| async { Json(json!({"status": "ok"})) }))
        .route("/v1", post(command))
        .with_state(shared.clone());
    serve(router, port, "", "", shared).await
}

async fn index() -> Json<Value> {
    Json(json!({"msg": "FlareSolverr is ready!", "version": VERSION, "userAgent": "Mozilla/5.0"}))
}

fn error(message: impl Into<String>) -> Response {
    let now = now_ms();
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        Json(
            json!({"status": "error", "message": message.into(), "startTimestamp": now,
            "endTimestamp": now, "version": VERSION}),
        ),
    )
        .into_response()
}

fn now_ms() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or_default()
}

async fn command(State(s): State<Shared>, body: Bytes) -> Response {
    let Ok(Value::Object(req)) = serde_json::from_slice::<Value>(&body) else {
        return error("Request parameter 'cmd' is mandatory.");
    };
    if let Some(unknown) = req.keys().find(|k| !KEYS.contains(&k.as_str())) {
        return error(format!("Request parameter '{unknown}' is not supported."));
    }
    let cmd = req.get("cmd").and_then(Value::as_str).unwrap_or_default();
    let url = req.get("url").and_then(Value::as_str).unwrap_or_default();
    s.lock().commands.push(format!("{cmd} {url}"));
    match cmd {
        "request.get" | "request.post" => solve(&req, url),
        "sessions.list" => ok(json!({"sessions": []})),
        "sessions.create" | "sessions.destroy" => ok(json!({})),
        "" => error("Request parameter 'cmd' is mandatory."),
        other => error(format!("Request parameter 'cmd' = '{other}' is invalid.")),
    }
}

fn solve(req: &Map<String, Value>, url: &str) -> Response {
    if url.is_empty() {
        return error("Request parameter 'url' is mandatory in 'request.get' command.");
    }
    if req.get("maxTimeout").is_some_and(|t| !t.is_u64()) {
        return error("Request parameter 'maxTimeout' must be a number.");
    }
    ok(json!({
        "message": "Challenge not detected!",
        "solution": {
            "url": url,
            "status": 200,
            "headers": {},
            "response": "<html><head></head><body></body></html>",
            "cookies": [],
            "userAgent": "Mozilla/5.0",
        },
    }))
}

fn ok(extra: Value) -> Response {
    let now = now_ms();
    let mut out =
        json!({"status": "ok", "startTimestamp": now, "endTimestamp": now, "version": VERSION});
    if let (Some(o), Value::Object(e)) = (out.as_object_mut(), extra) {
        o.extend(e);
    }
    Json(out).into_response()
}
