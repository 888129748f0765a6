//! An installed app's pods, Kubernetes events and logs.

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};
use futures::{AsyncBufReadExt, StreamExt};
use kubarr_orchestrator::cluster::{event_time, time, LogOptions};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::live::LiveSession;
use crate::auth::{perm, Permission, RequireApp};
use crate::error::{AppError, AppResult};
use crate::extract::Query;
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct PodInfo {
    pub name: String,
    /// `Pending`, `Running`, `Succeeded`, `Failed` or `Unknown`.
    pub phase: String,
    pub ready: bool,
    pub restarts: i32,
    pub node: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
    pub age_seconds: Option<i64>,
    pub containers: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct EventInfo {
    /// `Normal` or `Warning`.
    #[serde(rename = "type")]
    pub event_type: String,
    pub reason: String,
    pub message: String,
    /// `Kind/name` of the object concerned.
    pub object: String,
    pub count: i32,
    pub last_seen: Option<DateTime<Utc>>,
}

#[derive(Deserialize, IntoParams)]
pub struct LogParams {
    /// Pod name (default: the app's first pod): one of this app's pods, else 400 `invalid_pod`.
    #[param(
        pattern = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$",
        max_length = 253
    )]
    pub pod: Option<String>,
    /// Container name (default: the pod's first).
    #[param(pattern = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", max_length = 63)]
    pub container: Option<String>,
    /// Lines from the end (default 500).
    #[param(minimum = 1, maximum = 10000)]
    pub tail_lines: Option<i64>,
    /// Only lines newer than this many seconds.
    #[param(minimum = 1)]
    pub since_seconds: Option<i64>,
    /// Keep the response open and stream new lines.
    #[serde(default)]
    pub follow: bool,
}

/// The app's pods (from the watch cache).
#[utoipa::path(get, path = "/api/apps/{app}/pods", tag = "apps", params(("app" = String, Path)),
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = [PodInfo])))]
pub async fn list_pods(
    State(state): State<AppState>,
    user: RequireApp<perm::AppsView>,
) -> AppResult<Json<Vec<PodInfo>>> {
    let now = Utc::now();
    let mut pods: Vec<PodInfo> = state
        .apps
        .pods(&user.app)
        .await?
        .into_iter()
        .map(|p| {
            let status = p.status.clone().unwrap_or_default();
            let created_at = p.metadata.creation_timestamp.as_ref().and_then(time);
            PodInfo {
                name: p.metadata.name.clone().unwrap_or_default(),
                phase: status.phase.clone().unwrap_or_else(|| "Unknown".into()),
                ready: status
                    .conditions
                    .iter()
                    .flatten()
                    .any(|c| c.type_ == "Ready" && c.status == "True"),
                restarts: status
                    .container_statuses
                    .iter()
                    .flatten()
                    .map(|c| c.restart_count)
                    .sum(),
                node: p.spec.as_ref().and_then(|s| s.node_name.clone()),
                age_seconds: created_at.map(|c| (now - c).num_seconds()),
                created_at,
                containers: p
                    .spec
                    .as_ref()
                    .map(|s| s.containers.iter().map(|c| c.name.clone()).collect())
                    .unwrap_or_default(),
            }
        })
        .collect();
    pods.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(Json(pods))
}

/// Kubernetes events of the app's namespace, newest first.
#[utoipa::path(get, path = "/api/apps/{app}/events", tag = "apps", params(("app" = String, Path)),
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = [EventInfo])))]
pub async fn list_events(
    State(state): State<AppState>,
    user: RequireApp<perm::AppsView>,
) -> AppResult<Json<Vec<EventInfo>>> {
    let events = state.apps.events(&user.app).await?;
    Ok(Json(
        events
            .into_iter()
            .map(|e| EventInfo {
                last_seen: event_time(&e),
                event_type: e.type_.clone().unwrap_or_else(|| "Normal".into()),
                reason: e.reason.clone().unwrap_or_default(),
                message: e.message.clone().unwrap_or_default(),
                object: format!(
                    "{}/{}",
                    e.involved_object.kind.clone().unwrap_or_default(),
                    e.involved_object.name.clone().unwrap_or_default()
                ),
                count: e.count.unwrap_or(1),
            })
            .collect(),
    ))
}

/// A pod's log as plain text lines; `follow=true` keeps streaming until the client leaves.
#[utoipa::path(get, path = "/api/apps/{app}/logs", tag = "apps", params(("app" = String, Path), LogParams),
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, description = "Log lines", content_type = "text/plain"),
        (status = 429, description = "too_many_streams (follow=true)", body = crate::error::ErrorBody)))]
pub async fn app_logs(
    State(state): State<AppState>,
    user: RequireApp<perm::LogsView>,
    Query(params): Query<LogParams>,
) -> AppResult<Response> {
    let tail = params.tail_lines.unwrap_or(500);
    if !(1..=10_000).contains(&tail) {
        return Err(AppError::validation(
            "tail_lines",
            "`tail_lines` must be between 1 and 10000.",
        ));
    }
    if params.since_seconds.is_some_and(|s| s < 1) {
        return Err(AppError::validation(
            "since_seconds",
            "`since_seconds` must be positive.",
        ));
    }
    if params
        .container
        .as_deref()
        .is_some_and(|c| !crate::apps::is_dns_label(c))
    {
        return Err(AppError::validation(
            "container",
            "`container` must be a container name.",
        ));
    }
    // A followed log is a stream: it ends with the session, or when the caller may no longer read
    // this app's logs.
    let live = if params.follow {
        Some(LiveSession::start(&state, &user)?)
    } else {
        None
    };
    let opts = LogOptions {
        container: params.container,
        tail_lines: Some(tail),
        since_seconds: params.since_seconds,
        follow: params.follow,
    };
    let reader = state.apps.logs(&user.app, params.pod, &opts).await?;
    // Lines are pulled from the API server only as fast as the client reads them, and the
    // upstream stream is dropped (closing the connection) when the client goes away.
    let stream = reader
        .lines()
        .map(|line| line.map(|l| Bytes::from(l + "\n")));
    let body = match live {
        Some(live) => {
            let name = user.app.to_string();
            let ended = live.ended(
                move |p| p.has_for_app(Permission::LogsView, &name) && p.can_view_app(&name),
                None,
            );
            Body::from_stream(stream.take_until(ended))
        }
        None => Body::from_stream(stream),
    };
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert("x-accel-buffering", HeaderValue::from_static("no"));
    Ok(response)
}
