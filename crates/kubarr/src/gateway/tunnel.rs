//! Long-lived traffic through the gateway ends with the access behind it.
//!
//! A request is checked when it starts; a WebSocket or a long download can outlive that. Each
//! carries a [`Revocation`]: a future that re-checks the app session whenever this process
//! invalidates its session or grants cache (logout, revocation, deactivation, role change) and
//! every [`RECHECK`](crate::auth::live::RECHECK) besides, and resolves once access is gone (the
//! session ended, the grant went, or the app's access mode no longer admits it). The tunnel or
//! body is then cut.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use axum::body::Bytes;
use http_body::{Body as HttpBody, Frame};
use hyper::upgrade::OnUpgrade;
use hyper_util::rt::TokioIo;

use crate::gateway::session::{check_value, Check};
use crate::gateway::AccessMode;
use crate::state::AppState;

/// Resolves when the access that let a request in has ended.
pub type Revocation = Pin<Box<dyn Future<Output = ()> + Send>>;

/// The revocation of traffic admitted to `app` in `mode`: with an app session (`gated`), when
/// that session ends; in any mode, when an administrator turns the app off, and for traffic let
/// in by `native` mode, when the app goes back to Kubarr's sign-in.
pub fn revocation(
    state: AppState,
    app: String,
    admitted: AccessMode,
    cookie_value: Option<String>,
) -> Revocation {
    Box::pin(async move {
        let mut sessions = state.auth.sessions.subscribe();
        let mut grants = state.auth.grants.subscribe();
        loop {
            tokio::select! {
                _ = sessions.changed() => {}
                _ = grants.changed() => {}
                _ = tokio::time::sleep(crate::auth::live::RECHECK) => {}
            }
            match still_admitted(&state, &app, admitted, cookie_value.as_deref()).await {
                Ok(true) => {}
                Ok(false) => return,
                Err(e) => {
                    // Fail closed: the client reconnects and is checked afresh.
                    tracing::warn!(error = %e, "could not re-check an app session");
                    return;
                }
            }
        }
    })
}

async fn still_admitted(
    state: &AppState,
    app: &str,
    admitted: AccessMode,
    cookie_value: Option<&str>,
) -> crate::error::AppResult<bool> {
    let mode = state.gateway.access.mode(&state.db, app).await?;
    if mode == AccessMode::Off || (admitted == AccessMode::Native && mode != AccessMode::Native) {
        return Ok(false);
    }
    match cookie_value {
        Some(value) => Ok(matches!(
            check_value(state, app, value).await?,
            Check::Allowed(_)
        )),
        None => Ok(true),
    }
}

/// Copies bytes both ways between the two upgraded connections until one closes or access
/// ends.
pub async fn run(client: OnUpgrade, upstream: OnUpgrade, revocation: Revocation) {
    let (client, upstream) = match tokio::try_join!(client, upstream) {
        Ok(pair) => pair,
        Err(e) => {
            tracing::debug!(error = %e, "an upgrade through the gateway failed");
            return;
        }
    };
    let mut client = TokioIo::new(client);
    let mut upstream = TokioIo::new(upstream);
    tokio::select! {
        result = tokio::io::copy_bidirectional(&mut client, &mut upstream) => {
            if let Err(e) = result {
                tracing::debug!(error = %e, "a tunnel through the gateway ended with an error");
            }
        }
        () = revocation => tracing::info!("access ended: closing a tunnel through the gateway"),
    }
}

/// A response body that ends (with an error, so the client sees it cut short) once access is
/// revoked.
pub struct UntilRevoked<B> {
    inner: B,
    /// `None` once it has fired (a finished future must not be polled again).
    revoked: Option<Revocation>,
}

pub fn until_revoked<B>(inner: B, revoked: Revocation) -> UntilRevoked<B> {
    UntilRevoked {
        inner,
        revoked: Some(revoked),
    }
}

impl<B> HttpBody for UntilRevoked<B>
where
    B: HttpBody<Data = Bytes> + Unpin,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    type Data = Bytes;
    type Error = Box<dyn std::error::Error + Send + Sync>;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = self.get_mut();
        let Some(revoked) = this.revoked.as_mut() else {
            return Poll::Ready(None);
        };
        if revoked.as_mut().poll(cx).is_ready() {
            this.revoked = None;
            return Poll::Ready(Some(Err("access to the app has ended".into())));
        }
        Pin::new(&mut this.inner).poll_frame(cx).map_err(Into::into)
    }

    fn is_end_stream(&self) -> bool {
        self.revoked.is_none() || self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}
