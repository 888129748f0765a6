//! The gateway's listeners and what happens to each request on an app's origin:
//!
//! 1. find the app (by `Host`, or by local port in port mode) — nothing else is served here;
//! 2. `/_kubarr/auth` redeems a launch ticket, `/_kubarr/sign-out` ends the app session (the
//!    app never sees `/_kubarr/`);
//! 3. `off`: nothing; `gated`: the app cookie must pass [`session::check`] — a browser that is
//!    signed out is sent to the dashboard's sign-in, other clients get 401;
//! 4. [`proxy::forward`] to the app's upstream.

use std::net::SocketAddr;

use anyhow::Context;
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::Response;
use axum::Router;
use kubarr_orchestrator::AppName;
use tokio::net::TcpListener;

use super::headers::Forwarding;
use super::proxy::{error_page, forward};
use super::session::{self, Check};
use super::{access, routing, tunnel, AccessMode};
use crate::audit::AuditAction;
use crate::error::AppResult;
use crate::state::AppState;

/// One bound gateway socket; `port_mode_port` is set in port mode (the app is found by it).
pub struct GatewayListener {
    pub listener: TcpListener,
    pub port_mode_port: Option<u16>,
}

/// Binds every gateway socket: one in host mode, one per port of the range in port mode.
pub async fn bind(state: &AppState) -> anyhow::Result<Vec<GatewayListener>> {
    let config = &state.gateway.config;
    let Some(listen) = config.listen else {
        return Ok(Vec::new());
    };
    if let Some(range) = &config.port_range {
        let mut out = Vec::new();
        for port in range.clone() {
            let address = SocketAddr::new(listen.ip(), port);
            let listener = TcpListener::bind(address)
                .await
                .with_context(|| format!("the gateway cannot listen on {address}"))?;
            out.push(GatewayListener {
                listener,
                port_mode_port: Some(port),
            });
        }
        return Ok(out);
    }
    let listener = TcpListener::bind(listen)
        .await
        .with_context(|| format!("the gateway cannot listen on {listen}"))?;
    let _ = state.gateway.bound_port.set(listener.local_addr()?.port());
    Ok(vec![GatewayListener {
        listener,
        port_mode_port: None,
    }])
}

/// Serves every bound socket until `shutdown` resolves.
pub async fn run(
    state: AppState,
    listeners: Vec<GatewayListener>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) {
    let (stop, _) = tokio::sync::watch::channel(false);
    let mut tasks = Vec::new();
    for l in listeners {
        let router = router(state.clone(), l.port_mode_port);
        let http = state.config.http.clone();
        let mut stopped = stop.subscribe();
        tasks.push(tokio::spawn(async move {
            let until = async move {
                let _ = stopped.wait_for(|s| *s).await;
            };
            if let Err(e) = crate::listener::run(l.listener, router, &http, until).await {
                tracing::error!(error = %e, "a gateway listener failed");
            }
        }));
    }
    shutdown.await;
    stop.send_replace(true);
    for t in tasks {
        let _ = t.await;
    }
}

#[derive(Clone)]
struct Ctx {
    state: AppState,
    port_mode_port: Option<u16>,
}

/// The gateway's service for one listener. No API layers (no request timeout: downloads and
/// streams run as long as they need).
pub fn router(state: AppState, port_mode_port: Option<u16>) -> Router {
    Router::new().fallback(handle).with_state(Ctx {
        state,
        port_mode_port,
    })
}

async fn handle(
    State(ctx): State<Ctx>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    req: Request,
) -> Response {
    let state = &ctx.state;
    match dispatch(state, ctx.port_mode_port, peer, req).await {
        Ok(r) => r,
        Err(e) => {
            tracing::error!(error = %e.message(), "the gateway failed to handle a request");
            error_page(
                StatusCode::SERVICE_UNAVAILABLE,
                "Kubarr cannot check this request right now. Try again in a moment.",
            )
        }
    }
}

async fn dispatch(
    state: &AppState,
    port_mode_port: Option<u16>,
    peer: SocketAddr,
    req: Request,
) -> AppResult<Response> {
    let gateway = &state.gateway;
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_owned)
        .or_else(|| req.uri().authority().map(|a| a.to_string()));
    // Modes, ports and app credentials: read once for the whole request.
    let rows = gateway.access.rows(&state.db).await?;
    let app = match (port_mode_port, &gateway.config.apps_domain) {
        (Some(port), _) => access::app_on_port_in(&rows, port).and_then(|a| AppName::parse(a).ok()),
        (None, Some(domain)) => host
            .as_deref()
            .and_then(|h| routing::app_from_host(domain, h)),
        (None, None) => None,
    };
    let Some(app) = app else {
        return Ok(error_page(
            StatusCode::NOT_FOUND,
            "No app is served at this address.",
        ));
    };
    let mode = access::mode_in(&rows, app.as_str());
    let Some(upstream) = upstream_of(state, &app).await? else {
        return Ok(error_page(
            StatusCode::NOT_FOUND,
            "No app is served at this address.",
        ));
    };
    if mode == AccessMode::Off {
        return Ok(error_page(
            StatusCode::NOT_FOUND,
            "This app is not served through Kubarr.",
        ));
    }
    let settings = state.auth.settings.get(&state.db, &state.config).await?;
    let proto = routing::scheme(&gateway.config, &settings);
    let https = proto == "https";
    let client_ip = crate::auth::client_ip::resolve(
        Some(peer.ip()),
        req.headers(),
        &state.config.trusted_proxies,
    );
    let query = req.uri().query().unwrap_or("");
    if let Some(r) = kubarr_page(
        state,
        &app,
        https,
        client_ip,
        req.method(),
        req.uri().path(),
        query,
        req.headers(),
    )
    .await?
    {
        return Ok(r);
    }
    let revocation = if mode == AccessMode::Gated {
        match session::check(state, app.as_str(), req.headers()).await? {
            Check::Allowed(caller) => tunnel::revocation(
                state.clone(),
                app.to_string(),
                mode,
                Some(caller.cookie_value),
            ),
            Check::SignedOut => return Ok(signed_out(&settings, &app, &req)),
            Check::Forbidden => {
                return Ok(refuse(
                    &req,
                    StatusCode::FORBIDDEN,
                    "forbidden",
                    "You may not open this app. Ask an administrator for access.",
                ))
            }
        }
    } else {
        tunnel::revocation(state.clone(), app.to_string(), mode, None)
    };
    let original_host = host.and_then(|h| HeaderValue::from_str(&h).ok());
    let forwarding = Forwarding {
        upstream: &upstream,
        client_ip,
        proto,
        original_host,
        authorization: upstream_authorization(state, &rows, app.as_str())?,
    };
    Ok(forward(gateway, &upstream, req, forwarding, revocation).await)
}

/// The `Authorization` the gateway presents to `app` (set by an administrator, stored
/// encrypted), marked sensitive so no log or debug output shows it.
fn upstream_authorization(
    state: &AppState,
    rows: &[kubarr_db::entities::app_access::Model],
    app: &str,
) -> AppResult<Option<HeaderValue>> {
    let Some(stored) = access::upstream_auth_in(rows, app) else {
        return Ok(None);
    };
    let clear = state
        .secret_key
        .decrypt(stored)
        .map_err(|e| crate::error::AppError::internal(anyhow::anyhow!("app credentials: {e}")))?;
    let mut value = HeaderValue::from_str(&clear).map_err(|_| {
        crate::error::AppError::internal(anyhow::anyhow!("app credentials are not a header value"))
    })?;
    value.set_sensitive(true);
    Ok(Some(value))
}

/// Kubarr's own pages on an app origin (`/_kubarr/…`; the app never sees them): ticket
/// redemption, sign-out, else 404. `None` for any other path. Shared by the gateway and by
/// forward-auth (Traefik hands the browser an auth answer that is not 2xx as it is).
#[allow(clippy::too_many_arguments)]
pub(crate) async fn kubarr_page(
    state: &AppState,
    app: &AppName,
    https: bool,
    client_ip: Option<std::net::IpAddr>,
    method: &Method,
    path: &str,
    query: &str,
    headers: &HeaderMap,
) -> AppResult<Option<Response>> {
    Ok(Some(match path {
        "/_kubarr/auth" => redeem(state, app, https, client_ip, method, query).await?,
        "/_kubarr/sign-out" => {
            session::sign_out(state, app.as_str(), headers).await?;
            let mut r = error_page(StatusCode::OK, "You have signed out of this app.");
            r.headers_mut().insert(
                header::SET_COOKIE,
                session::clear_cookie(app.as_str(), https),
            );
            r
        }
        p if p.starts_with("/_kubarr/") => error_page(StatusCode::NOT_FOUND, "No such page."),
        _ => return Ok(None),
    }))
}

/// `/_kubarr/auth?ticket=…&next=/…`: trades the ticket for the app cookie, then goes to `next`.
async fn redeem(
    state: &AppState,
    app: &AppName,
    https: bool,
    client_ip: Option<std::net::IpAddr>,
    method: &Method,
    query: &str,
) -> AppResult<Response> {
    if method != Method::GET {
        return Ok(error_page(
            StatusCode::METHOD_NOT_ALLOWED,
            "Open this page with GET.",
        ));
    }
    let mut ticket = None;
    let mut next = None;
    for (k, v) in form_urlencoded::parse(query.as_bytes()) {
        match &*k {
            "ticket" => ticket = Some(v.into_owned()),
            "next" => next = Some(v.into_owned()),
            _ => {}
        }
    }
    let next = next.unwrap_or_else(|| "/".to_owned());
    if !routing::is_relative_path(&next) {
        return Ok(error_page(
            StatusCode::BAD_REQUEST,
            "This sign-in link leads off the app's own site, so it was refused.",
        ));
    }
    let redeemed = match ticket {
        Some(t) => session::redeem(state, app, &t).await?,
        None => None,
    };
    let Some(redeemed) = redeemed else {
        return Ok(error_page(
            StatusCode::FORBIDDEN,
            "This sign-in link has expired or was already used. Open the app again from Kubarr.",
        ));
    };
    crate::audit::Audit::anonymous(client_ip)
        .by_user(redeemed.user_id, redeemed.username.clone())
        .record(
            &state.db,
            AuditAction::AppOpened,
            "app",
            app.to_string(),
            serde_json::Value::Null,
        )
        .await?;
    Ok(Response::builder()
        .status(StatusCode::FOUND)
        .header(header::LOCATION, next)
        .header(
            header::SET_COOKIE,
            session::set_cookie(
                app.as_str(),
                &redeemed.cookie_value,
                https,
                redeemed.expires_at,
            ),
        )
        .header(header::CACHE_CONTROL, "no-store")
        .header(header::REFERRER_POLICY, "no-referrer")
        .body(Body::empty())
        .expect("valid parts"))
}

/// A signed-out request on a gated app: a browser page load goes to the dashboard's sign-in
/// (which launches the app again and comes back to the same path); anything else gets 401.
fn signed_out(settings: &crate::settings::Settings, app: &AppName, req: &Request) -> Response {
    let path = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/");
    if is_navigation(req.method(), req.headers()) {
        if let Some(r) = login_redirect(settings, app, path) {
            return r;
        }
    }
    refuse(
        req,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
        session::SIGN_IN_FIRST,
    )
}

/// Whether a request is a browser's page load (GET or HEAD asking for HTML).
pub(crate) fn is_navigation(method: &Method, headers: &HeaderMap) -> bool {
    (method == Method::GET || method == Method::HEAD) && wants_html(headers)
}

fn wants_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/html"))
}

/// 302 to the dashboard's sign-in, which launches `app` again and comes back to `path` (`/`
/// when it is not a path on the app's origin). `None` without a public URL.
pub(crate) fn login_redirect(
    settings: &crate::settings::Settings,
    app: &AppName,
    path: &str,
) -> Option<Response> {
    let dashboard = routing::dashboard_url(settings)?;
    let next = Some(path)
        .filter(|p| routing::is_relative_path(p))
        .unwrap_or("/");
    let query: String = form_urlencoded::Serializer::new(String::new())
        .append_pair("app", app.as_str())
        .append_pair("next", next)
        .finish();
    Some(
        Response::builder()
            .status(StatusCode::FOUND)
            .header(header::LOCATION, format!("{dashboard}/login?{query}"))
            .header(header::CACHE_CONTROL, "no-store")
            .body(Body::empty())
            .expect("valid parts"),
    )
}

/// A refusal: JSON for API clients, a page for browsers.
fn refuse(req: &Request, status: StatusCode, code: &str, message: &str) -> Response {
    if wants_html(req.headers()) {
        return error_page(status, message);
    }
    let body = serde_json::json!({"error": {"code": code, "message": message}});
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::CACHE_CONTROL, "no-store")
        .body(Body::from(body.to_string()))
        .expect("valid parts")
}

/// The `host:port` the gateway sends `app`'s traffic to: the fixed upstream of
/// `gateway.upstreams`, else the app's Service by its cluster DNS name. `None` when Kubarr has
/// not installed the app.
pub async fn upstream_of(state: &AppState, app: &AppName) -> AppResult<Option<String>> {
    let cache = &state.gateway.upstreams;
    let key = app.to_string();
    if let Some(hit) = cache.get(&key) {
        return Ok(Some((*hit).clone()));
    }
    let generation = cache.generation();
    let Some(row) = state.apps.installed(app).await? else {
        return Ok(None);
    };
    let upstream = match state.gateway.config.upstreams.get(app.as_str()) {
        Some(fixed) => fixed.clone(),
        None => {
            let port = row
                .values
                .pointer("/service/port")
                .and_then(|p| p.as_u64())
                .and_then(|p| u16::try_from(p).ok())
                .or_else(|| {
                    state
                        .apps
                        .catalog()
                        .get(app.as_str())
                        .and_then(|c| c.web_port)
                })
                .unwrap_or(80);
            format!("{app}.{}.svc.cluster.local:{port}", row.namespace)
        }
    };
    cache.put(key, generation, std::sync::Arc::new(upstream.clone()));
    Ok(Some(upstream))
}
