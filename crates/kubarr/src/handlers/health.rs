//! Liveness and readiness.

use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct HealthResponse {
    /// Always `ok` while the process serves requests.
    pub status: &'static str,
}

#[derive(Serialize, ToSchema)]
pub struct ReadyResponse {
    /// `ok` or `unavailable`.
    pub database: &'static str,
    /// `ok`, `unavailable` or `not_configured`.
    pub cluster: &'static str,
}

/// Process liveness.
#[utoipa::path(get, path = "/api/health", tag = "health",
    responses((status = 200, description = "The process is alive", body = HealthResponse)))]
pub async fn health() -> Json<HealthResponse> {
    Json(HealthResponse { status: "ok" })
}

/// This OpenAPI document.
#[utoipa::path(get, path = "/api/openapi.json", tag = "health",
    responses((status = 200, description = "The OpenAPI document of this API", content_type = "application/json")))]
pub async fn openapi_document() -> Response {
    static DOC: std::sync::OnceLock<serde_json::Value> = std::sync::OnceLock::new();
    let doc = DOC.get_or_init(|| {
        serde_json::to_value(crate::router::openapi()).expect("the document serialises")
    });
    Json(doc.clone()).into_response()
}

/// Readiness: whether the database (and the cluster, when configured) answer.
#[utoipa::path(get, path = "/api/ready", tag = "health",
    responses(
        (status = 200, description = "Every dependency answers", body = ReadyResponse),
        (status = 503, description = "A dependency is down; the body says which", body = ReadyResponse)))]
pub async fn ready(State(state): State<AppState>) -> Response {
    let database = match tokio::time::timeout(
        Duration::from_secs(2),
        kubarr_db::queries::health::ping(&state.db),
    )
    .await
    {
        Ok(Ok(())) => "ok",
        _ => "unavailable",
    };
    let cluster = state.apps.cluster_health();
    let status = if database == "ok" && cluster != "unavailable" {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(ReadyResponse { database, cluster })).into_response()
}
