//! The app gateway's API: launching an app, the apps a member may open, the gateway's set-up
//! and per-app access modes, and forward-auth for Ingress mode.

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use kubarr_orchestrator::AppName;

use crate::apps::LiveState;
use crate::audit::AuditAction;
use crate::auth::extract::no_such_app;
use crate::auth::session::RequestOrigin;
use crate::auth::{perm, CurrentUser, Permission, Require};
use crate::error::{AppError, AppResult, ErrorCode};
use crate::extract::{JsonBody, Path};
use crate::gateway::session::can_open;
use crate::gateway::{routing, AccessMode};
use crate::settings::Settings;
use crate::state::AppState;

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct LaunchRequest {
    /// Where to land on the app's origin: a path starting with one `/` (default `/`).
    #[schema(max_length = 2048, pattern = r"^/([^/\\].*)?$")]
    pub next: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct LaunchResponse {
    /// Open this URL (in a new tab): the app's origin, which redeems the single-use ticket.
    pub url: String,
    /// The ticket in `url` works once, until then.
    pub expires_at: DateTime<Utc>,
}

/// A single-use link that signs the caller in to the app on its own origin.
#[utoipa::path(post, path = "/api/apps/{app}/launch", tag = "gateway",
    params(("app" = String, Path)),
    request_body = LaunchRequest,
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, body = LaunchResponse),
        (status = 400, description = "The body is not a JSON object", body = crate::error::ErrorBody),
        (status = 403, description = "No `apps.open` for the app, or the request's Origin is not the dashboard's", body = crate::error::ErrorBody),
        (status = 404, description = "No such app, or not installed", body = crate::error::ErrorBody),
        (status = 409, description = "The app's access mode is off", body = crate::error::ErrorBody),
        (status = 422, description = "`next` is not a path on the app's origin", body = crate::error::ErrorBody),
        (status = 503, description = "The gateway is not configured, or every port is taken", body = crate::error::ErrorBody)))]
pub async fn launch_app(
    State(state): State<AppState>,
    user: CurrentUser,
    origin: RequestOrigin,
    headers: HeaderMap,
    Path(app): Path<String>,
    body: Option<JsonBody<LaunchRequest>>,
) -> AppResult<Json<LaunchResponse>> {
    let app = AppName::parse(&app).map_err(|_| no_such_app())?;
    let perms = &user.permissions;
    if !perms.can_view_app(app.as_str()) && !perms.has_for_app(Permission::AppsOpen, app.as_str()) {
        return Err(no_such_app());
    }
    let mode = state.gateway.access.mode(&state.db, app.as_str()).await?;
    if mode != AccessMode::Native && !perms.has_for_app(Permission::AppsOpen, app.as_str()) {
        return Err(crate::auth::extract::forbidden(Permission::AppsOpen));
    }
    if mode == AccessMode::Off {
        return Err(AppError::conflict(
            ErrorCode::AppAccessOff,
            "This app is not served through Kubarr (its access mode is off).",
        ));
    }
    if !state.gateway.enabled() {
        return Err(gateway_disabled());
    }
    if state.apps.installed(&app).await?.is_none() {
        return Err(no_such_app());
    }
    let settings = state.auth.settings.get(&state.db, &state.config).await?;
    check_origin(&settings, &headers, origin.https, user.via_cookie)?;
    let next = body
        .and_then(|JsonBody(b)| b.next)
        .unwrap_or_else(|| "/".into());
    if !routing::is_relative_path(&next) {
        return Err(AppError::unprocessable(
            ErrorCode::InvalidNext,
            "`next` must be a path on the app's own site, starting with a single /.",
        )
        .with_field("next"));
    }
    let app_origin = app_origin(&state, &settings, &headers, &app).await?;
    let (ticket, expires_at) = crate::gateway::session::issue_ticket(&state, &user, &app).await?;
    let query: String = form_urlencoded::Serializer::new(String::new())
        .append_pair("ticket", &ticket)
        .append_pair("next", &next)
        .finish();
    Ok(Json(LaunchResponse {
        url: format!("{app_origin}/_kubarr/auth?{query}"),
        expires_at,
    }))
}

fn gateway_disabled() -> AppError {
    AppError::unavailable(
        ErrorCode::GatewayDisabled,
        "The app gateway is not set up. An administrator sets gateway.listen and gateway.apps_domain (or gateway.port_range).",
    )
}

/// A browser request (cookie) must come from the dashboard's own origin, exactly; a request
/// that names another origin is refused whatever its credential.
fn check_origin(
    settings: &Settings,
    headers: &HeaderMap,
    https: bool,
    via_cookie: bool,
) -> AppResult<()> {
    let given = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
    let expected = dashboard_origin(settings, headers, https);
    match (given, expected) {
        (None, _) if !via_cookie => Ok(()),
        (Some(g), Some(e)) if g == e => Ok(()),
        _ => Err(AppError::forbidden(
            ErrorCode::OriginMismatch,
            "Open apps from Kubarr's own page.",
        )),
    }
}

/// The dashboard's origin: from the public URL when set, else the `Host` this request used.
fn dashboard_origin(settings: &Settings, headers: &HeaderMap, https: bool) -> Option<String> {
    if let Some(url) = settings.public_url.as_deref() {
        let (scheme, rest) = url.split_once("://")?;
        let authority = rest.split('/').next()?;
        return Some(format!(
            "{}://{}",
            scheme.to_ascii_lowercase(),
            authority.to_ascii_lowercase()
        ));
    }
    let host = headers.get(header::HOST)?.to_str().ok()?;
    Some(format!(
        "{}://{}",
        if https { "https" } else { "http" },
        host.to_ascii_lowercase()
    ))
}

/// `app`'s origin on the gateway as the browser reaches it.
async fn app_origin(
    state: &AppState,
    settings: &Settings,
    headers: &HeaderMap,
    app: &AppName,
) -> AppResult<String> {
    let config = &state.gateway.config;
    let scheme = routing::scheme(config, settings);
    if let Some(domain) = &config.apps_domain {
        return Ok(host_mode_origin(state, scheme, domain, app.as_str()));
    }
    let range = config.port_range.clone().ok_or_else(gateway_disabled)?;
    let port = kubarr_db::queries::gateway::assign_port(
        &state.db,
        app.as_str(),
        AccessMode::default_for(app.as_str()).as_str(),
        range,
        Utc::now(),
    )
    .await?
    .ok_or_else(|| {
        AppError::unavailable(
            ErrorCode::GatewayPortsExhausted,
            "Every port of gateway.port_range is taken. An administrator widens the range.",
        )
    })?;
    state.gateway.access.invalidate();
    let host = settings
        .public_url
        .as_deref()
        .and_then(|u| u.split_once("://"))
        .and_then(|(_, rest)| rest.split('/').next())
        .or_else(|| headers.get(header::HOST).and_then(|h| h.to_str().ok()))
        .and_then(routing::strip_port)
        .unwrap_or("localhost")
        .to_owned();
    Ok(routing::origin(scheme, &host, port))
}

/// `app`'s origin in host mode: `<app>.<apps_domain>` on the public port (else the port the
/// gateway listens on).
fn host_mode_origin(state: &AppState, scheme: &str, domain: &str, app: &str) -> String {
    let config = &state.gateway.config;
    let port = config
        .public_port
        .or_else(|| state.gateway.bound_port.get().copied())
        .or_else(|| config.listen.map(|l| l.port()).filter(|p| *p != 0))
        .unwrap_or(if scheme == "https" { 443 } else { 80 });
    routing::origin(scheme, &format!("{app}.{domain}"), port)
}

/// An app a member may open.
#[derive(Serialize, ToSchema)]
pub struct OpenableApp {
    pub name: String,
    pub display_name: String,
    /// The catalog icon, when the chart has one.
    pub icon_url: Option<String>,
    pub state: LiveState,
    pub access_mode: AccessMode,
}

/// The installed apps the caller may open (the Apps home page).
#[utoipa::path(get, path = "/api/gateway/apps", tag = "gateway",
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = [OpenableApp])))]
pub async fn list_openable_apps(
    State(state): State<AppState>,
    user: CurrentUser,
) -> AppResult<Json<Vec<OpenableApp>>> {
    if !state.gateway.enabled() {
        return Ok(Json(Vec::new()));
    }
    let rows = state.gateway.access.rows(&state.db).await?;
    let catalog = state.apps.catalog();
    let apps = state.apps.list().await?;
    let out = apps
        .into_iter()
        .filter_map(|a| {
            let mode = crate::gateway::access::mode_in(&rows, &a.name);
            if !can_open(&user.permissions, mode, &a.name) {
                return None;
            }
            let entry = catalog.get(&a.name);
            Some(OpenableApp {
                display_name: entry.map_or_else(|| a.name.clone(), |e| e.display_name.clone()),
                icon_url: entry
                    .and_then(|e| e.icon.as_ref())
                    .map(|_| format!("/api/apps/catalog/{}/icon", a.name)),
                state: a.state,
                access_mode: mode,
                name: a.name,
            })
        })
        .collect();
    Ok(Json(out))
}

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
    let scheme = routing::scheme(config, &settings);
    let mut apps = Vec::new();
    for name in installed {
        let mode = crate::gateway::access::mode_in(&rows, &name);
        let origin = match (&config.apps_domain, config.enabled()) {
            (_, false) => None,
            (Some(domain), true) => Some(host_mode_origin(&state, scheme, domain, &name)),
            (None, true) => rows
                .iter()
                .find(|r| r.app_name == name)
                .and_then(|r| r.port)
                .and_then(|p| u16::try_from(p).ok())
                .map(|port| {
                    let host = headers
                        .get(header::HOST)
                        .and_then(|h| h.to_str().ok())
                        .and_then(routing::strip_port)
                        .unwrap_or("localhost");
                    routing::origin(scheme, host, port)
                }),
        };
        apps.push(GatewayApp {
            credentials_set: crate::gateway::access::upstream_auth_in(&rows, &name).is_some(),
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
        (status = 404, description = "Not installed", body = crate::error::ErrorBody)))]
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
    let previous = state.gateway.access.mode(&state.db, app.as_str()).await?;
    let txn = sea_orm::TransactionTrait::begin(&state.db).await?;
    kubarr_db::queries::gateway::set_access_mode(&txn, app.as_str(), req.mode.as_str(), Utc::now())
        .await?;
    user.audit()
        .record(
            &txn,
            AuditAction::AppAccessChanged,
            "app",
            app.to_string(),
            serde_json::json!({"from": previous.as_str(), "to": req.mode.as_str()}),
        )
        .await?;
    txn.commit().await?;
    state.gateway.access.invalidate();
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
    let set = encrypted.is_some();
    let txn = sea_orm::TransactionTrait::begin(&state.db).await?;
    kubarr_db::queries::gateway::set_upstream_auth(
        &txn,
        app.as_str(),
        AccessMode::default_for(app.as_str()).as_str(),
        encrypted,
        Utc::now(),
    )
    .await?;
    user.audit()
        .record(
            &txn,
            AuditAction::AppAccessChanged,
            "app",
            app.to_string(),
            serde_json::json!({"credentials": if set { "set" } else { "removed" }}),
        )
        .await?;
    txn.commit().await?;
    state.gateway.access.invalidate();
    Ok(())
}

/// Forward-auth for Ingress mode (Traefik `ForwardAuth`, ingress-nginx `auth-url`): 200 when
/// the app cookie admits the caller to the app the forwarded host names, 401 when signed out,
/// 403 without the grant.
#[utoipa::path(get, path = "/api/auth/forward", tag = "gateway",
    responses(
        (status = 200, description = "Allowed; `X-Kubarr-User` names the user"),
        (status = 401, description = "Not signed in to the app", body = crate::error::ErrorBody),
        (status = 403, description = "Not allowed to open the app", body = crate::error::ErrorBody)))]
pub async fn forward_auth(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> AppResult<Response> {
    let signed_out = || {
        AppError::unauthorized(
            ErrorCode::Unauthenticated,
            "Sign in to Kubarr and open this app from there.",
        )
    };
    // Without host mode there is no app host to admit anyone to.
    let Some(domain) = state.gateway.config.apps_domain.clone() else {
        return Err(signed_out());
    };
    // Traefik sends X-Forwarded-Host; ingress-nginx X-Original-URL (and the Host it proxies).
    let host = headers
        .get("x-forwarded-host")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .or_else(|| {
            headers
                .get("x-original-url")
                .and_then(|v| v.to_str().ok())
                .and_then(|u| u.split_once("://"))
                .and_then(|(_, rest)| rest.split('/').next())
                .map(str::to_owned)
        });
    let signed_out = || {
        AppError::unauthorized(
            ErrorCode::Unauthenticated,
            "Sign in to Kubarr and open this app from there.",
        )
    };
    let Some(app) = host
        .as_deref()
        .and_then(|h| routing::app_from_host(&domain, h))
    else {
        return Err(signed_out());
    };
    let mode = state.gateway.access.mode(&state.db, app.as_str()).await?;
    match mode {
        AccessMode::Off => return Err(crate::auth::extract::forbidden(Permission::AppsOpen)),
        AccessMode::Native => return Ok(StatusCode::OK.into_response()),
        AccessMode::Gated => {}
    }
    match crate::gateway::session::check(&state, app.as_str(), &headers).await? {
        crate::gateway::session::Check::Allowed(caller) => {
            let mut r = StatusCode::OK.into_response();
            if let Ok(v) = axum::http::HeaderValue::from_str(&caller.username) {
                r.headers_mut().insert("x-kubarr-user", v);
            }
            Ok(r)
        }
        crate::gateway::session::Check::SignedOut => Err(signed_out()),
        crate::gateway::session::Check::Forbidden => {
            Err(crate::auth::extract::forbidden(Permission::AppsOpen))
        }
    }
}
