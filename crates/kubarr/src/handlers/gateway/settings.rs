//! The gateway's set-up as the settings page shows it, and the administrator's changes: each
//! app's access mode and the credentials the gateway presents to it.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use chrono::Utc;
use sea_orm::{DatabaseTransaction, TransactionTrait};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use kubarr_orchestrator::credentials::GatewayAuth;
use kubarr_orchestrator::AppName;

use crate::audit::AuditAction;
use crate::auth::extract::no_such_app;
use crate::auth::{perm, CurrentUser, Require};
use crate::error::{AppError, AppResult, ErrorCode};
use crate::extract::{JsonBody, Path};
use crate::gateway::routing::AppOrigins;
use crate::gateway::{access, AccessMode};
use crate::state::AppState;

/// The gateway's set-up, for the settings page.
#[derive(Serialize, ToSchema)]
pub struct GatewayOverview {
    pub enabled: bool,
    /// `host` (`<app>.<apps_domain>`), `port` (one port per app) or `off`.
    pub mode: String,
    pub apps_domain: Option<String>,
    /// Port mode: `first-last`.
    pub port_range: Option<String>,
    /// What the administrator must add to DNS (host mode), in words.
    pub dns_hint: Option<String>,
    pub apps: Vec<GatewayApp>,
}

#[derive(Serialize, ToSchema)]
pub struct GatewayApp {
    pub name: String,
    pub access_mode: AccessMode,
    /// Whether the gateway presents credentials of its own to the app (never shown).
    pub credentials_set: bool,
    /// The app's origin (port mode: once it has a port).
    pub origin: Option<String>,
    /// The app has no login of its own behind Kubarr, so `native` mode is not offered.
    pub trusts_gateway: bool,
}

/// How the gateway is set up and how it serves each installed app.
#[utoipa::path(get, path = "/api/gateway", tag = "gateway",
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = GatewayOverview)))]
pub async fn gateway_overview(
    State(state): State<AppState>,
    _user: Require<perm::SettingsView>,
    headers: HeaderMap,
) -> AppResult<Json<GatewayOverview>> {
    let config = &state.gateway.config;
    let settings = state.auth.settings.get(&state.db, &state.config).await?;
    let rows = state.gateway.access.rows(&state.db).await?;
    let installed = state.apps.installed_names().await?;
    let origins = AppOrigins::new(&state.gateway, &settings, &headers);
    let mut apps = Vec::new();
    for name in installed {
        let mode = access::mode_in(&rows, &name);
        let origin = config
            .enabled()
            .then(|| origins.of(&name, access::port_in(&rows, &name)))
            .flatten();
        apps.push(GatewayApp {
            credentials_set: access::upstream_auth_in(&rows, &name).is_some(),
            trusts_gateway: trusts_gateway(&state, &name),
            name,
            access_mode: mode,
            origin,
        });
    }
    let mode = match (config.enabled(), &config.apps_domain) {
        (false, _) => "off",
        (true, Some(_)) => "host",
        (true, None) => "port",
    };
    Ok(Json(GatewayOverview {
        enabled: config.enabled(),
        mode: mode.into(),
        dns_hint: config.apps_domain.as_ref().filter(|_| config.enabled()).map(|d| {
            format!("Point *.{d} at the gateway (the address of the machine or Ingress that serves it), e.g. a wildcard A record.")
        }),
        apps_domain: config.apps_domain.clone(),
        port_range: config
            .port_range
            .as_ref()
            .map(|r| format!("{}-{}", r.start(), r.end())),
        apps,
    }))
}

/// Whether `app`'s chart leaves sign-in to the gateway (`kubarr.io/gateway-auth: external`).
fn trusts_gateway(state: &AppState, app: &str) -> bool {
    state
        .apps
        .catalog()
        .get(app)
        .is_some_and(|e| e.gateway_auth == Some(GatewayAuth::External))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccessRequest {
    pub mode: AccessMode,
}

#[derive(Serialize, ToSchema)]
pub struct AccessResponse {
    pub app_name: String,
    pub mode: AccessMode,
}

/// Set how the gateway serves an app: `gated` (Kubarr's sign-in and `apps.open`), `native`
/// (the app's own login only) or `off`.
#[utoipa::path(put, path = "/api/apps/{app}/access", tag = "gateway",
    params(("app" = String, Path)),
    request_body = AccessRequest,
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = AccessResponse),
        (status = 404, description = "Not installed", body = crate::error::ErrorBody),
        (status = 422, description = "`native` for an app that trusts the gateway's sign-in", body = crate::error::ErrorBody)))]
pub async fn set_app_access(
    State(state): State<AppState>,
    user: Require<perm::SettingsManage>,
    Path(app): Path<String>,
    JsonBody(req): JsonBody<AccessRequest>,
) -> AppResult<Json<AccessResponse>> {
    let app = AppName::parse(&app).map_err(|_| no_such_app())?;
    if state.apps.installed(&app).await?.is_none() {
        return Err(no_such_app());
    }
    if req.mode == AccessMode::Native && trusts_gateway(&state, app.as_str()) {
        return Err(AppError::unprocessable(
            ErrorCode::AppNeedsGatewaySignIn,
            "this app has no login of its own while Kubarr signs people in to it, so native mode would leave it open to anyone; keep it gated or turn it off",
        )
        .with_field("mode"));
    }
    let previous = state.gateway.access.mode(&state.db, app.as_str()).await?;
    let txn = state.db.begin().await?;
    kubarr_db::queries::gateway::set_access_mode(&txn, app.as_str(), req.mode.as_str(), Utc::now())
        .await?;
    let details = json!({"from": previous.as_str(), "to": req.mode.as_str()});
    commit_change(&state, &user, &app, txn, details).await?;
    // Open tunnels re-check their access now.
    state.auth.grants.invalidate();
    Ok(Json(AccessResponse {
        app_name: app.to_string(),
        mode: req.mode,
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AppCredentialsRequest {
    /// The app's own user name (e.g. Transmission's RPC user).
    #[schema(min_length = 1, max_length = 256)]
    pub username: String,
    /// Write-only: stored encrypted, sent only to the app, never returned.
    #[schema(min_length = 1, max_length = 1024, write_only)]
    pub password: String,
}

/// Let the gateway sign in to the app on the user's behalf with HTTP Basic (download clients
/// whose web UI or RPC asks for a password), so members never see the app's password.
#[utoipa::path(put, path = "/api/apps/{app}/gateway-credentials", tag = "gateway",
    params(("app" = String, Path)),
    request_body = AppCredentialsRequest,
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 204, description = "Stored"),
        (status = 404, description = "Not installed", body = crate::error::ErrorBody)))]
pub async fn set_app_credentials(
    State(state): State<AppState>,
    user: Require<perm::SettingsManage>,
    Path(app): Path<String>,
    JsonBody(req): JsonBody<AppCredentialsRequest>,
) -> AppResult<StatusCode> {
    use base64::Engine;
    let app = AppName::parse(&app).map_err(|_| no_such_app())?;
    if state.apps.installed(&app).await?.is_none() {
        return Err(no_such_app());
    }
    let bad = |field: &str, what: &str| AppError::validation(field.to_owned(), what.to_owned());
    if req.username.is_empty()
        || req.username.len() > 256
        || req.username.contains(':')
        || req.username.chars().any(char::is_control)
    {
        return Err(bad(
            "username",
            "1 to 256 characters, without `:` or control characters.",
        ));
    }
    if req.password.is_empty()
        || req.password.len() > 1024
        || req.password.chars().any(char::is_control)
    {
        return Err(bad(
            "password",
            "1 to 1,024 characters, without control characters.",
        ));
    }
    let basic = base64::engine::general_purpose::STANDARD
        .encode(format!("{}:{}", req.username, req.password));
    let encrypted = state.secret_key.encrypt(&format!("Basic {basic}"));
    store_credentials(&state, &user, &app, Some(encrypted)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Stop presenting credentials to the app.
#[utoipa::path(delete, path = "/api/apps/{app}/gateway-credentials", tag = "gateway",
    params(("app" = String, Path)),
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 204, description = "Removed")))]
pub async fn clear_app_credentials(
    State(state): State<AppState>,
    user: Require<perm::SettingsManage>,
    Path(app): Path<String>,
) -> AppResult<StatusCode> {
    let app = AppName::parse(&app).map_err(|_| no_such_app())?;
    store_credentials(&state, &user, &app, None).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn store_credentials(
    state: &AppState,
    user: &CurrentUser,
    app: &AppName,
    encrypted: Option<String>,
) -> AppResult<()> {
    let details = json!({"credentials": if encrypted.is_some() { "set" } else { "removed" }});
    let txn = state.db.begin().await?;
    kubarr_db::queries::gateway::set_upstream_auth(
        &txn,
        app.as_str(),
        AccessMode::default_for(app.as_str()).as_str(),
        encrypted,
        Utc::now(),
    )
    .await?;
    commit_change(state, user, app, txn, details).await
}

/// Audits a change to how the gateway serves `app` in its transaction, commits, and makes the
/// change visible to the gateway at once.
async fn commit_change(
    state: &AppState,
    user: &CurrentUser,
    app: &AppName,
    txn: DatabaseTransaction,
    details: serde_json::Value,
) -> AppResult<()> {
    user.audit()
        .record(
            &txn,
            AuditAction::AppAccessChanged,
            "app",
            app.to_string(),
            details,
        )
        .await?;
    txn.commit().await?;
    state.gateway.access.invalidate();
    Ok(())
}
