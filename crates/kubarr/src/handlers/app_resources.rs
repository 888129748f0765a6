//! An installed app's pods, Kubernetes events and logs.

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};
use futures::{AsyncBufReadExt, StreamExt};
use kubarr_orchestrator::cluster::{event_time, time, LogOptions};
use kubarr_orchestrator::AppName;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::apps::orchestrator_error;
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
    /// Pod name: one of the app's pods (default: the first).
    pub pod: Option<String>,
    /// Container name (default: the pod's first).
    pub container: Option<String>,
    /// Lines from the end (default 500, at most 10000).
    pub tail_lines: Option<i64>,
    /// Only lines newer than this many seconds.
    pub since_seconds: Option<i64>,
    /// Keep the response open and stream new lines.
    #[serde(default)]
    pub follow: bool,
}

async fn installed(state: &AppState, app: &str) -> AppResult<AppName> {
    if kubarr_db::queries::apps::find(&state.db, app)
        .await?
        .is_none()
    {
        return Err(AppError::not_found(
            "app_not_found",
            format!("`{app}` is not installed."),
        ));
    }
    AppName::parse(app).map_err(|_| AppError::not_found("app_not_found", "There is no such app."))
}

/// The app's pods (from the watch cache).
#[utoipa::path(get, path = "/api/apps/{app}/pods", tag = "apps", params(("app" = String, Path)),
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = [PodInfo]), (status = 401, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody), (status = 503, body = crate::error::ErrorBody)))]
pub async fn list_pods(
    State(state): State<AppState>,
    user: RequireApp<perm::AppsView>,
) -> AppResult<Json<Vec<PodInfo>>> {
    let app = installed(&state, user.app.as_str()).await?;
    let caches = state
        .apps
        .caches()
        .ok_or_else(crate::apps::cluster_unavailable)?;
    let now = Utc::now();
    let mut pods: Vec<PodInfo> = caches
        .app_objects(app.as_str())
        .pods
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
    responses((status = 200, body = [EventInfo]), (status = 401, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody), (status = 503, body = crate::error::ErrorBody)))]
pub async fn list_events(
    State(state): State<AppState>,
    user: RequireApp<perm::AppsView>,
) -> AppResult<Json<Vec<EventInfo>>> {
    let app = installed(&state, user.app.as_str()).await?;
    let events = state
        .apps
        .cluster()?
        .events(&app)
        .await
        .map_err(orchestrator_error)?;
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

/// A pod's log as plain text lines; `follow=true` keeps streaming until the client leaves or the
/// session ends.
#[utoipa::path(get, path = "/api/apps/{app}/logs", tag = "apps", params(("app" = String, Path), LogParams),
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, description = "Log lines", content_type = "text/plain"),
        (status = 400, body = crate::error::ErrorBody), (status = 401, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
        (status = 429, description = "too_many_streams (follow=true)", body = crate::error::ErrorBody),
        (status = 503, body = crate::error::ErrorBody)))]
pub async fn app_logs(
    State(state): State<AppState>,
    user: RequireApp<perm::LogsView>,
    Query(params): Query<LogParams>,
) -> AppResult<Response> {
    let app = installed(&state, user.app.as_str()).await?;
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
    let caches = state
        .apps
        .caches()
        .ok_or_else(crate::apps::cluster_unavailable)?;
    let mut pods: Vec<String> = caches
        .app_objects(app.as_str())
        .pods
        .into_iter()
        .filter_map(|p| p.metadata.name.clone())
        .collect();
    pods.sort();
    let pod = match params.pod {
        // Only a pod of this app, as the watch cache knows it: never a name passed on as is.
        Some(p) => {
            if !is_dns_subdomain(&p) || !pods.contains(&p) {
                return Err(AppError::bad_request(
                    "invalid_pod",
                    "`pod` must be the name of one of this app's pods.",
                )
                .with_field("pod"));
            }
            p
        }
        None => pods
            .into_iter()
            .next()
            .ok_or_else(|| AppError::not_found("pod_not_found", "The app has no pods."))?,
    };
    if params
        .container
        .as_deref()
        .is_some_and(|c| !is_dns_label(c))
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
    let cluster = state.apps.cluster()?;
    let opts = LogOptions {
        container: params.container,
        tail_lines: Some(tail),
        since_seconds: params.since_seconds,
        follow: params.follow,
    };
    let reader = cluster
        .logs(&app, &pod, &opts)
        .await
        .map_err(|e| match e.api_code() {
            Some(404) => {
                AppError::not_found("pod_not_found", format!("No pod `{pod}` in this app."))
            }
            Some(400) => AppError::bad_request(
                "invalid_log_request",
                e.api_message().unwrap_or("Invalid log request.").to_owned(),
            ),
            _ => orchestrator_error(e),
        })?;
    // Lines are pulled from the API server only as fast as the client reads them, and the
    // upstream stream is dropped (closing the connection) when the client goes away.
    let stream = reader
        .lines()
        .map(|line| line.map(|l| Bytes::from(l + "\n")));
    let body = match live {
        Some(live) => {
            let name = app.to_string();
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

/// A DNS-1123 subdomain (what a pod name is): at most 253 characters of lowercase letters, digits,
/// `-` and `.`, each label starting and ending with a letter or digit.
fn is_dns_subdomain(s: &str) -> bool {
    !s.is_empty() && s.len() <= 253 && s.split('.').all(is_dns_label)
}

/// A DNS-1123 label: 1–63 lowercase letters, digits or `-`, not starting or ending with `-`.
fn is_dns_label(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pod_names_are_dns_subdomains() {
        for ok in ["sonarr-7d9c-x2z", "a", "a.b-c", &"a".repeat(63)] {
            assert!(is_dns_subdomain(ok), "{ok}");
        }
        for bad in ["", "../x", "A", "a/b", "a..b", "-a", "a-", "a b", "a%2F", &"a".repeat(64)] {
            assert!(!is_dns_subdomain(bad), "{bad}");
        }
    }
}
