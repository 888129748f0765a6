//! Forward-auth for Ingress mode: the Ingress controller asks Kubarr whether a request for an
//! app host may pass.

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::auth::Permission;
use crate::error::{AppError, AppResult, ErrorCode};
use crate::gateway::session::{self, Check};
use crate::gateway::{routing, AccessMode};
use crate::state::AppState;

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
    let signed_out = || AppError::unauthorized(ErrorCode::Unauthenticated, session::SIGN_IN_FIRST);
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
    match session::check(&state, app.as_str(), &headers).await? {
        Check::Allowed(caller) => {
            let mut r = StatusCode::OK.into_response();
            if let Ok(v) = HeaderValue::from_str(&caller.username) {
                r.headers_mut().insert("x-kubarr-user", v);
            }
            Ok(r)
        }
        Check::SignedOut => Err(signed_out()),
        Check::Forbidden => Err(crate::auth::extract::forbidden(Permission::AppsOpen)),
    }
}
