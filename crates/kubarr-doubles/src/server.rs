//! Serving a double: an axum router on 127.0.0.1 (port 0 unless asked), stopped when the handle
//! is dropped.

use std::net::{Ipv4Addr, SocketAddr};

use anyhow::{Context, Result};
use axum::Router;
use tokio::sync::oneshot;

/// A running double: its address and API key. Dropping it stops the server.
#[derive(Debug)]
pub struct DoubleHandle<S> {
    addr: SocketAddr,
    url_base: String,
    api_key: String,
    state: S,
    _shutdown: oneshot::Sender<()>,
}

impl<S> DoubleHandle<S> {
    /// `http://127.0.0.1:<port>` plus the URL base, without a trailing slash.
    pub fn url(&self) -> String {
        format!("http://{}{}", self.addr, self.url_base)
    }

    /// The bound address (always on 127.0.0.1).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The port.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// The API key the double accepts.
    pub fn api_key(&self) -> &str {
        &self.api_key
    }

    /// The double's state, for assertions that look behind the API.
    pub fn state(&self) -> &S {
        &self.state
    }
}

/// Binds `127.0.0.1:<port>` (0 picks a free port) and serves `router` until the handle drops.
pub(crate) async fn serve<S>(
    router: Router,
    port: u16,
    url_base: &str,
    api_key: &str,
    state: S,
) -> Result<DoubleHandle<S>> {
    let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, port))
        .await
        .with_context(|| format!("binding 127.0.0.1:{port}"))?;
    let addr = listener.local_addr()?;
    let (tx, rx) = oneshot::channel::<()>();
    tokio::spawn(async move {
        let _ = axum::serve(listener, router)
            .with_graceful_shutdown(async {
                let _ = rx.await;
            })
            .await;
    });
    Ok(DoubleHandle {
        addr,
        url_base: url_base.to_string(),
        api_key: api_key.to_string(),
        state,
        _shutdown: tx,
    })
}

/// Nests `router` under `url_base` (`""` or `/something`).
pub(crate) fn with_url_base(router: Router, url_base: &str) -> Router {
    if url_base.is_empty() || url_base == "/" {
        router
    } else {
        Router::new().nest(url_base, router)
    }
}

/// Normalises a URL base the way the arr apps do: leading slash, no trailing slash.
pub(crate) fn normalise_url_base(url_base: &str) -> String {
    let t = url_base.trim().trim_matches('/');
    if t.is_empty() {
        String::new()
    } else {
        format!("/{t}")
    }
}
