//! The app catalog: what can be installed.

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

use crate::audit::AuditAction;
use crate::auth::{perm, AppsWith, Require, RequireApp};
use crate::error::{AppError, AppResult, ErrorCode};
use crate::extract::Path;
use crate::state::AppState;
use kubarr_orchestrator::catalog::CatalogEntry;
use kubarr_orchestrator::credentials::GatewayAuth;
use kubarr_orchestrator::AppName;

/// One catalog app.
#[derive(Serialize, ToSchema)]
pub struct CatalogItem {
    pub name: String,
    pub display_name: String,
    pub description: String,
    /// `media-server`, `media-manager`, `indexer`, `download-client`, `request` or `subtitles`.
    pub category: String,
    /// Chart version.
    pub version: String,
    pub app_version: String,
    pub icon_url: Option<String>,
    pub web_port: Option<u16>,
    /// Apps this one talks to.
    pub peers: Vec<String>,
    /// The Pod Security level its namespace enforces (`baseline`; more only when its chart says so).
    pub pod_security: String,
    /// Whether Kubarr has installed it.
    pub installed: bool,
    /// Set when the app is retired (its project ended): why. It stays installable.
    pub retired: Option<String>,
    /// The app has no login of its own behind Kubarr: the gateway's sign-in is its only guard.
    pub trusts_gateway: bool,
}

/// One catalog app with what the install form needs.
#[derive(Serialize, ToSchema)]
pub struct CatalogDetail {
    #[serde(flatten)]
    pub item: CatalogItem,
    /// JSON Schema (draft-07) of the values a user may set.
    #[schema(value_type = Object)]
    pub values_schema: serde_json::Value,
    /// The chart's default values.
    #[schema(value_type = Object)]
    pub default_values: serde_json::Value,
}

#[derive(Serialize, ToSchema)]
pub struct CatalogReloadResponse {
    /// How many apps the catalog now holds.
    pub apps: usize,
    /// Charts left out, with the reason.
    pub problems: Vec<String>,
}

fn item(entry: &CatalogEntry, installed: bool) -> CatalogItem {
    CatalogItem {
        name: entry.name.to_string(),
        display_name: entry.display_name.clone(),
        description: entry.description.clone(),
        category: entry.category.clone(),
        version: entry.version.clone(),
        app_version: entry.app_version.clone(),
        icon_url: entry
            .icon
            .as_ref()
            .map(|_| format!("/api/apps/catalog/{}/icon", entry.name)),
        web_port: entry.web_port,
        peers: entry.peers.clone(),
        pod_security: entry.pod_security.as_str().to_owned(),
        installed,
        retired: entry.retired.clone(),
        trusts_gateway: entry.gateway_auth == Some(GatewayAuth::External),
    }
}

/// List the catalog (apps the caller may view).
#[utoipa::path(get, path = "/api/apps/catalog", tag = "catalog",
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, body = [CatalogItem])))]
pub async fn list_catalog(
    State(state): State<AppState>,
    visible: AppsWith<perm::AppsView>,
) -> AppResult<Json<Vec<CatalogItem>>> {
    let installed = state.apps.installed_names().await?;
    let catalog = state.apps.catalog();
    Ok(Json(
        visible
            .filter(catalog.entries(), |e| e.name.as_str())
            .into_iter()
            .map(|e| item(e, installed.contains(e.name.as_str())))
            .collect(),
    ))
}

/// One catalog app with its values schema and defaults.
#[utoipa::path(get, path = "/api/apps/catalog/{app}", tag = "catalog",
    params(("app" = String, Path, description = "Catalog app name")),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, body = CatalogDetail)))]
pub async fn get_catalog_app(
    State(state): State<AppState>,
    user: RequireApp<perm::AppsView>,
) -> AppResult<Json<CatalogDetail>> {
    let catalog = state.apps.catalog();
    let entry = catalog.get(user.app.as_str()).ok_or_else(not_in_catalog)?;
    let installed = state.apps.installed(&user.app).await?.is_some();
    Ok(Json(CatalogDetail {
        item: item(entry, installed),
        values_schema: entry
            .schema
            .as_ref()
            .map(|s| s.raw().clone())
            .unwrap_or_else(|| json!({"type": "object"})),
        default_values: entry.default_values.clone(),
    }))
}

/// The app's icon (SVG or PNG from its chart). Public and cacheable.
#[utoipa::path(get, path = "/api/apps/catalog/{app}/icon", tag = "catalog",
    params(("app" = String, Path, description = "Catalog app name")),
    responses(
        (status = 200, description = "The icon", content_type = "image/svg+xml")))]
pub async fn get_catalog_icon(
    State(state): State<AppState>,
    Path(app): Path<String>,
) -> AppResult<Response> {
    let catalog = state.apps.catalog();
    let icon = AppName::parse(&app)
        .ok()
        .and_then(|app| catalog.get(app.as_str()))
        .and_then(|e| e.icon.clone())
        .ok_or_else(not_in_catalog)?;
    let bytes = tokio::fs::read(&icon.path)
        .await
        .map_err(|_| not_in_catalog())?;
    let mut response = (StatusCode::OK, Body::from(bytes)).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(icon.content_type),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=86400"),
    );
    // An SVG opened directly must not run scripts.
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'; sandbox"),
    );
    Ok(response)
}

/// Re-read the charts directory.
#[utoipa::path(post, path = "/api/apps/catalog/reload", tag = "catalog",
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, body = CatalogReloadResponse)))]
pub async fn reload_catalog(
    State(state): State<AppState>,
    user: Require<perm::AppsInstall>,
) -> AppResult<Json<CatalogReloadResponse>> {
    let (apps, problems) = state.apps.reload_catalog();
    user.audit()
        .record(
            &state.db,
            AuditAction::CatalogReloaded,
            "catalog",
            None,
            json!({"apps": apps, "problems": problems.len()}),
        )
        .await?;
    Ok(Json(CatalogReloadResponse { apps, problems }))
}

fn not_in_catalog() -> AppError {
    AppError::not_found(
        ErrorCode::AppNotFound,
        "There is no such app in the catalog.",
    )
}
