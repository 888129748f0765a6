//! Opening apps: the launch ticket, and the apps a member may open (the Apps home page).

use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use kubarr_orchestrator::AppName;

use crate::apps::LiveState;
use crate::auth::extract::no_such_app;
use crate::auth::session::RequestOrigin;
use crate::auth::{CurrentUser, Permission};
use crate::error::{AppError, AppResult, ErrorCode};
use crate::extract::{JsonBody, Path};
use crate::gateway::routing::{self, AppOrigins};
use crate::gateway::session::can_open;
use crate::gateway::AccessMode;
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
        return Err(super::gateway_disabled());
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

/// A browser request (cookie) must come from the dashboard's own origin, exactly; a request
/// that names another origin is refused whatever its credential.
fn check_origin(
    settings: &Settings,
    headers: &HeaderMap,
    https: bool,
    via_cookie: bool,
) -> AppResult<()> {
    let given = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
    let expected = routing::dashboard_origin(settings, headers, https);
    match (given, expected) {
        (None, _) if !via_cookie => Ok(()),
        (Some(g), Some(e)) if g == e => Ok(()),
        _ => Err(AppError::forbidden(
            ErrorCode::OriginMismatch,
            "Open apps from Kubarr's own page.",
        )),
    }
}

/// `app`'s origin on the gateway as the browser reaches it (port mode: giving it a port first).
async fn app_origin(
    state: &AppState,
    settings: &Settings,
    headers: &HeaderMap,
    app: &AppName,
) -> AppResult<String> {
    let config = &state.gateway.config;
    let port = match &config.port_range {
        Some(range) if config.apps_domain.is_none() => {
            let port = kubarr_db::queries::gateway::assign_port(
                &state.db,
                app.as_str(),
                AccessMode::default_for(app.as_str()).as_str(),
                range.clone(),
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
            Some(port)
        }
        _ => None,
    };
    AppOrigins::new(&state.gateway, settings, headers)
        .of(app.as_str(), port)
        .ok_or_else(super::gateway_disabled)
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
