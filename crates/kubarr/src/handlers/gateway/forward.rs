//! Forward-auth for Ingress mode: the Ingress controller asks Kubarr whether a request for an
//! app host may pass.
//!
//! The two controllers describe the original request differently:
//!
//! - Traefik's `ForwardAuth` (with `trustForwardHeader: false`, so the values are Traefik's own):
//!   `X-Forwarded-Method`, `-Proto`, `-Host`, `-Uri`, `-For`, plus the request's own headers
//!   (cookies, `Accept`). An answer that is not 2xx goes to the browser as it is, headers
//!   included — so a signed-out page load gets the 302 to the sign-in here, and the app origin's
//!   `/_kubarr/auth` (ticket redemption) and `/_kubarr/sign-out` are answered here too.
//! - ingress-nginx's `auth-url` subrequest: `X-Original-URL` (`scheme://host/path?query`),
//!   `X-Original-Method`, `X-Sent-From: nginx-ingress-controller`, the request's own headers; no
//!   `X-Forwarded-Proto`. Only the status counts: 401 makes nginx send the browser to
//!   `auth-signin`, and `/_kubarr/` paths reach the gateway listener through an Ingress of their
//!   own.
//!
//! Only the configured controller's headers are believed: each sets its own and passes the
//! client's others on.

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::auth::client_ip::ClientIp;
use crate::auth::Permission;
use crate::config::IngressController;
use crate::error::{AppError, AppResult, ErrorCode};
use crate::gateway::session::{self, Check};
use crate::gateway::{routing, serve, AccessMode};
use crate::state::AppState;

/// Forward-auth for Ingress mode (Traefik `ForwardAuth`, ingress-nginx `auth-url`): 200 when
/// the app cookie admits the caller to the app the forwarded host names, 401 when signed out,
/// 403 without the grant. For Traefik a signed-out page load gets 302 to the sign-in, and the
/// app origin's `/_kubarr/` pages are answered here.
#[utoipa::path(get, path = "/api/auth/forward", tag = "gateway",
    responses(
        (status = 200, description = "Allowed; `X-Kubarr-User` names the user"),
        (status = 302, description = "Traefik: a signed-out page load goes to the sign-in; a redeemed ticket to its `next` with the app cookie"),
        (status = 401, description = "Not signed in to the app", body = crate::error::ErrorBody),
        (status = 403, description = "Not allowed to open the app", body = crate::error::ErrorBody)))]
pub async fn forward_auth(
    State(state): State<AppState>,
    ClientIp(client_ip): ClientIp,
    headers: HeaderMap,
) -> AppResult<Response> {
    let signed_out = || AppError::unauthorized(ErrorCode::Unauthenticated, session::SIGN_IN_FIRST);
    // Without host mode there is no app host to admit anyone to.
    let Some(domain) = state.gateway.config.apps_domain.clone() else {
        return Err(signed_out());
    };
    let controller = state.gateway.config.ingress.as_ref().map(|i| i.controller);
    let Some(original) = Original::from_headers(&headers, controller) else {
        return Err(signed_out());
    };
    let Some(app) = routing::app_from_host(&domain, &original.host) else {
        return Err(signed_out());
    };
    let mode = state.gateway.access.mode(&state.db, app.as_str()).await?;
    match mode {
        AccessMode::Off => return Err(crate::auth::extract::forbidden(Permission::AppsOpen)),
        AccessMode::Native => return Ok(StatusCode::OK.into_response()),
        AccessMode::Gated => {}
    }
    let (path, query) = original
        .path_and_query
        .split_once('?')
        .unwrap_or((original.path_and_query.as_str(), ""));
    if original.traefik {
        if let Some(page) = serve::kubarr_page(
            &state,
            &app,
            original.https,
            client_ip,
            &original.method,
            path,
            query,
            &headers,
        )
        .await?
        {
            return Ok(page);
        }
    } else if path.starts_with("/_kubarr/") {
        // nginx sends these to the gateway; asked about one anyway, admit no one.
        return Err(signed_out());
    }
    match session::check(&state, app.as_str(), &headers).await? {
        Check::Allowed(caller) => {
            let mut r = StatusCode::OK.into_response();
            if let Ok(v) = HeaderValue::from_str(&caller.username) {
                r.headers_mut().insert("x-kubarr-user", v);
            }
            Ok(r)
        }
        Check::SignedOut => {
            if original.traefik && serve::is_navigation(&original.method, &headers) {
                let settings = state.auth.settings.get(&state.db, &state.config).await?;
                if let Some(r) = serve::login_redirect(&settings, &app, &original.path_and_query) {
                    return Ok(r);
                }
            }
            Err(signed_out())
        }
        Check::Forbidden => Err(crate::auth::extract::forbidden(Permission::AppsOpen)),
    }
}

/// The request the controller asks about.
struct Original {
    /// Traefik's shape (else ingress-nginx's).
    traefik: bool,
    method: Method,
    host: String,
    path_and_query: String,
    https: bool,
}

impl Original {
    /// Read in the shape of the configured controller only: each controller sets its own
    /// headers but passes the client's others on, so Traefik lets a client's `X-Original-URL`
    /// through and ingress-nginx a client's `X-Forwarded-Host` — believing the other shape would
    /// let a request for one app be judged as one for another. Without Ingress mode configured
    /// (a controller wired up by hand), the shape is the one present, and a request carrying
    /// both is refused. `None` when no host is named.
    fn from_headers(headers: &HeaderMap, controller: Option<IngressController>) -> Option<Self> {
        let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
        let method = |name: &str| {
            text(name)
                .and_then(|m| Method::from_bytes(m.trim().as_bytes()).ok())
                .unwrap_or(Method::GET)
        };
        let nginx = match controller {
            Some(IngressController::Nginx) => true,
            Some(IngressController::Traefik) => false,
            None => {
                let traefik = ["x-forwarded-host", "x-forwarded-uri"]
                    .iter()
                    .any(|h| headers.contains_key(*h));
                let nginx = headers.contains_key("x-original-url");
                if traefik && nginx {
                    return None;
                }
                nginx
            }
        };
        if nginx {
            let url = text("x-original-url")?;
            let (scheme, rest) = url.trim().split_once("://")?;
            let (host, path) = match rest.find('/') {
                Some(i) => rest.split_at(i),
                None => (rest, "/"),
            };
            return Some(Self {
                traefik: false,
                method: method("x-original-method"),
                host: host.to_owned(),
                path_and_query: path.to_owned(),
                https: scheme.eq_ignore_ascii_case("https"),
            });
        }
        let host = text("x-forwarded-host")?.trim();
        let path = text("x-forwarded-uri")
            .map(str::trim)
            .filter(|u| u.starts_with('/'))
            .unwrap_or("/");
        Some(Self {
            traefik: true,
            method: method("x-forwarded-method"),
            host: host.to_owned(),
            path_and_query: path.to_owned(),
            https: text("x-forwarded-proto")
                .is_some_and(|p| p.trim().eq_ignore_ascii_case("https")),
        })
    }
}
