//! Installed apps: install, list, status, upgrade, restart, uninstall.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use kubarr_orchestrator::AppName;

use crate::apps::{AppOperation, AppStatus, AppsError, LiveState};
use crate::auth::{perm, AppsWith, CurrentUser, Permission, RequireApp};
use crate::error::AppResult;
use crate::extract::{JsonBody, Query};
use crate::state::AppState;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InstallRequest {
    /// Catalog app name.
    #[schema(schema_with = crate::openapi::fields::app_name)]
    pub app_name: String,
    /// Values for the chart, checked against its schema.
    #[schema(value_type = Option<Object>)]
    pub values: Option<serde_json::Value>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpgradeRequest {
    /// Chart version to move to (the catalog's); default: the catalog's.
    pub version: Option<String>,
    /// New values (replacing the previous ones); default: keep the previous values.
    #[schema(value_type = Option<Object>)]
    pub values: Option<serde_json::Value>,
}

/// The answer to an accepted operation.
#[derive(Serialize, ToSchema)]
pub struct OperationAccepted {
    pub app_name: String,
    /// The state the app shows while the operation runs.
    pub state: LiveState,
}

#[derive(Serialize, ToSchema)]
pub struct StatusResponse {
    pub state: LiveState,
    pub message: String,
    /// The operation in progress, if any.
    pub operation: Option<AppOperation>,
    pub ready_pods: u32,
    pub total_pods: u32,
    pub stale: bool,
}

#[derive(Deserialize, IntoParams)]
pub struct UninstallParams {
    /// Also delete the app's namespace and its data volumes.
    #[serde(default)]
    pub delete_data: bool,
}

fn accepted(app: &AppName, state: LiveState) -> (StatusCode, Json<OperationAccepted>) {
    (
        StatusCode::ACCEPTED,
        Json(OperationAccepted {
            app_name: app.to_string(),
            state,
        }),
    )
}

/// Install a catalog app. Returns at once; follow the status or the event stream.
#[utoipa::path(post, path = "/api/apps/install", tag = "apps", request_body = InstallRequest,
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 202, body = OperationAccepted),
        (status = 404, description = "Not in the catalog", body = crate::error::ErrorBody),
        (status = 409, description = "Already installed or busy", body = crate::error::ErrorBody),
        (status = 422, description = "Values fail the chart's schema", body = crate::error::ErrorBody),
        (status = 503, description = "No cluster", body = crate::error::ErrorBody)))]
pub async fn install_app(
    State(state): State<AppState>,
    user: CurrentUser,
    JsonBody(req): JsonBody<InstallRequest>,
) -> AppResult<(StatusCode, Json<OperationAccepted>)> {
    // The app comes from the body, so the per-app check is explicit here.
    user.authorize_app(Permission::AppsInstall, &req.app_name)?;
    // A name that cannot be an app is not in the catalog either.
    let app =
        AppName::parse(&req.app_name).map_err(|_| AppsError::NotInCatalog(req.app_name.clone()))?;
    let values = req.values.unwrap_or(serde_json::Value::Null);
    state.apps.install(user.audit(), &app, values).await?;
    Ok(accepted(&app, LiveState::Installing))
}

/// Installed apps the caller may view, with live status.
#[utoipa::path(get, path = "/api/apps", tag = "apps",
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = [AppStatus])))]
pub async fn list_apps(
    State(state): State<AppState>,
    visible: AppsWith<perm::AppsView>,
) -> AppResult<Json<Vec<AppStatus>>> {
    let apps = state.apps.list().await?;
    Ok(Json(visible.filter(apps, |a| &a.name)))
}

/// An app's state.
#[utoipa::path(get, path = "/api/apps/{app}/status", tag = "apps",
    params(("app" = String, Path)),
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = StatusResponse)))]
pub async fn app_status(
    State(state): State<AppState>,
    user: RequireApp<perm::AppsView>,
) -> AppResult<Json<StatusResponse>> {
    let s = state.apps.status(&user.app).await?;
    Ok(Json(StatusResponse {
        state: s.state,
        message: s.message,
        operation: s.operation,
        ready_pods: s.ready_pods,
        total_pods: s.total_pods,
        stale: s.stale,
    }))
}

/// Upgrade an app to the catalog's chart version and/or new values.
#[utoipa::path(post, path = "/api/apps/{app}/upgrade", tag = "apps", request_body = UpgradeRequest,
    params(("app" = String, Path)),
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 202, body = OperationAccepted), (status = 409, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
pub async fn upgrade_app(
    State(state): State<AppState>,
    user: RequireApp<perm::AppsUpgrade>,
    body: Option<JsonBody<UpgradeRequest>>,
) -> AppResult<(StatusCode, Json<OperationAccepted>)> {
    let req = body.map(|JsonBody(r)| r).unwrap_or(UpgradeRequest {
        version: None,
        values: None,
    });
    state
        .apps
        .upgrade(user.audit(), &user.app, req.version, req.values)
        .await?;
    Ok(accepted(&user.app, LiveState::Upgrading))
}

/// Rolling restart of an app's pods.
#[utoipa::path(post, path = "/api/apps/{app}/restart", tag = "apps",
    params(("app" = String, Path)),
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 202, body = OperationAccepted),
        (status = 409, body = crate::error::ErrorBody)))]
pub async fn restart_app(
    State(state): State<AppState>,
    user: RequireApp<perm::AppsRestart>,
) -> AppResult<(StatusCode, Json<OperationAccepted>)> {
    state.apps.restart(user.audit(), &user.app).await?;
    Ok(accepted(&user.app, LiveState::Installed))
}

/// Uninstall an app Kubarr installed; `delete_data=true` also removes its namespace and data.
#[utoipa::path(delete, path = "/api/apps/{app}", tag = "apps",
    params(("app" = String, Path), UninstallParams),
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 202, body = OperationAccepted),
        (status = 409, body = crate::error::ErrorBody)))]
pub async fn uninstall_app(
    State(state): State<AppState>,
    user: RequireApp<perm::AppsDelete>,
    Query(params): Query<UninstallParams>,
) -> AppResult<(StatusCode, Json<OperationAccepted>)> {
    state
        .apps
        .uninstall(user.audit(), &user.app, params.delete_data)
        .await?;
    Ok(accepted(&user.app, LiveState::Uninstalling))
}
