//! The app gateway: Kubarr as the front door of every app it installs.
//!
//! A second listener serves each app on an origin of its own — `<app>.<apps_domain>` (host mode)
//! or one port per app (port mode) — never on the dashboard's origin, so an app's pages can
//! never call the Kubarr API with the user's session.
//!
//! Sign-in is by ticket: the dashboard asks `POST /api/apps/{app}/launch` for a single-use
//! ticket ([`session::issue_ticket`]), the browser carries it to the app origin's
//! `/_kubarr/auth`, which trades it for an app cookie backed by an `app_sessions` row tied to the
//! user, the app and the dashboard session. Every request through the gateway re-checks that
//! chain (cached for seconds, invalidated with the session and grants caches), then [`proxy`]
//! streams it to the app's Service (or the fixed upstream of `gateway.upstreams`).
//!
//! - [`access`]: each app's mode (`gated`, `native`, `off`);
//! - [`routing`]: which app a request is for, and each app's public origin;
//! - [`session`]: tickets, app sessions, the app cookie;
//! - [`headers`]: what crosses the gateway in each direction;
//! - [`ingress`]: Ingress mode's values for the apps' charts (the Ingress and its forward-auth);
//! - [`dial`]: the only way the gateway opens connections (no link-local or metadata address);
//! - [`proxy`], [`tunnel`]: HTTP forwarding and upgraded (WebSocket) connections;
//! - [`serve`]: the listeners and the request dispatch.

pub(crate) mod access;
pub(crate) mod dial;
pub(crate) mod headers;
pub mod ingress;
pub(crate) mod proxy;
pub(crate) mod routing;
pub mod serve;
pub(crate) mod session;
pub(crate) mod tunnel;

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use axum::body::Body;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

use crate::auth::grants::GenerationCache;
use crate::config::GatewayConfig;

pub use access::AccessMode;

/// How long the gateway waits for an app to answer with its response headers. There is no
/// body timeout: downloads and streams take as long as they take.
pub const RESPONSE_HEADER_TIMEOUT: Duration = Duration::from_secs(120);
/// How long connecting to an app may take.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// The gateway's shared state (part of [`AppState`](crate::state::AppState)).
pub struct Gateway {
    pub config: GatewayConfig,
    pub(crate) client: Client<dial::Dialer, Body>,
    dialer: dial::Dialer,
    /// Stored access rows (modes, ports), cached briefly; changes invalidate it.
    pub(crate) access: access::AccessTable,
    /// App sessions by id, cached briefly.
    pub(crate) app_sessions: GenerationCache<String, kubarr_db::entities::app_sessions::Model>,
    /// Installed apps' upstream addresses, cached briefly (an app not installed is not cached,
    /// so a new install is served at once).
    pub(crate) upstreams: GenerationCache<String, String>,
    /// The port the host-mode listener got (for origins when `public_port` is unset).
    pub(crate) bound_port: OnceLock<u16>,
}

impl Gateway {
    pub fn new(config: GatewayConfig) -> Arc<Self> {
        let dialer = dial::Dialer::new(config.loopback_only);
        let client = Client::builder(TokioExecutor::new())
            .pool_idle_timeout(Duration::from_secs(60))
            .pool_max_idle_per_host(32)
            .build(dialer.clone());
        Arc::new(Self {
            config,
            client,
            dialer,
            access: access::AccessTable::default(),
            app_sessions: GenerationCache::new(Duration::from_secs(2)),
            upstreams: GenerationCache::new(Duration::from_secs(5)),
            bound_port: OnceLock::new(),
        })
    }

    pub fn enabled(&self) -> bool {
        self.config.enabled()
    }

    /// Every address the gateway dialled (tests check none is outside loopback).
    pub fn dialled(&self) -> Vec<std::net::SocketAddr> {
        self.dialer.dialled()
    }
}
