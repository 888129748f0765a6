//! Long-lived responses (the event stream, followed logs) end with the session that opened them.
//!
//! A request is authorized once, when it starts; a stream can outlive that by hours. So each
//! stream holds a [`LiveSession`] whose [`ended`](LiveSession::ended) future re-checks the session
//! and the user's permissions whenever this process invalidates its session or grants cache
//! (logout, revocation, deactivation, role changes) and every [`RECHECK`] besides (changes made by
//! another replica or the command line), and resolves at the session's expiry at the latest. The
//! stream is cut when it resolves.
//!
//! Each user may hold [`MAX_STREAMS_PER_USER`] streams at once (per replica); the next one is
//! refused with 429 `too_many_streams` until one closes.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::Utc;
use tokio::sync::watch;

use crate::auth::{CurrentUser, Permissions};
use crate::error::{AppError, AppResult, ErrorCode};
use crate::state::AppState;

/// How often a stream re-checks its session when nothing in this process announced a change.
pub const RECHECK: Duration = Duration::from_secs(3);
/// Concurrent streams per user and replica.
pub const MAX_STREAMS_PER_USER: usize = 8;

/// Open streams per user id.
#[derive(Default)]
pub struct StreamCounts(Arc<Mutex<HashMap<i64, usize>>>);

impl StreamCounts {
    /// Takes a stream slot for `user_id`, or 429 when they hold the maximum already.
    pub fn acquire(&self, user_id: i64) -> AppResult<StreamSlot> {
        let mut counts = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let n = counts.entry(user_id).or_default();
        if *n >= MAX_STREAMS_PER_USER {
            return Err(AppError::new(
                axum::http::StatusCode::TOO_MANY_REQUESTS,
                ErrorCode::TooManyStreams,
                format!(
                    "You have {MAX_STREAMS_PER_USER} live streams open already. Close one (another tab or window) and try again."
                ),
            )
            .with_retry_after(5));
        }
        *n += 1;
        Ok(StreamSlot {
            counts: self.0.clone(),
            user_id,
        })
    }

    /// How many streams `user_id` holds.
    pub fn open(&self, user_id: i64) -> usize {
        let counts = self.0.lock().unwrap_or_else(|e| e.into_inner());
        counts.get(&user_id).copied().unwrap_or(0)
    }
}

/// One stream's slot, given back when dropped (the stream ended or the client left).
pub struct StreamSlot {
    counts: Arc<Mutex<HashMap<i64, usize>>>,
    user_id: i64,
}

impl Drop for StreamSlot {
    fn drop(&mut self) {
        let mut counts = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = counts.get_mut(&self.user_id) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                counts.remove(&self.user_id);
            }
        }
    }
}

/// The session behind one stream.
pub struct LiveSession {
    state: AppState,
    session_id: String,
    user_id: i64,
    expires_at: chrono::DateTime<Utc>,
    /// Held while the stream runs (this value lives inside the stream's `ended` future).
    _slot: StreamSlot,
}

impl LiveSession {
    /// Takes a stream slot for the caller (429 `too_many_streams` beyond the cap).
    pub fn start(state: &AppState, user: &CurrentUser) -> AppResult<Self> {
        let slot = state.auth.streams.acquire(user.id)?;
        Ok(Self {
            state: state.clone(),
            session_id: user.session_id.clone(),
            user_id: user.id,
            expires_at: user.session_expires_at,
            _slot: slot,
        })
    }

    /// The user's permissions if the session is still usable now, else `None`.
    async fn current(&self) -> Option<Permissions> {
        let live = crate::auth::extract::live_session(&self.state, &self.session_id).await;
        match live {
            Ok(Some(row)) if row.1.id == self.user_id => {}
            Ok(_) => return None,
            Err(e) => {
                // Fail closed: a stream whose session cannot be checked ends; the client
                // reconnects (and is authenticated afresh).
                tracing::warn!(error = %e, "could not re-check a stream's session");
                return None;
            }
        }
        match self
            .state
            .auth
            .grants
            .get(&self.state.db, self.user_id)
            .await
        {
            Ok(g) => Some(g.permissions.clone()),
            Err(e) => {
                tracing::warn!(error = %e, "could not re-check a stream's permissions");
                None
            }
        }
    }

    /// Resolves when the session can no longer be used, or `allowed` stops holding for the
    /// user's permissions. Each re-check publishes the permissions on `permissions` (for
    /// streams that filter by them). Holds the stream slot until then.
    pub async fn ended(
        self,
        allowed: impl Fn(&Permissions) -> bool,
        permissions: Option<watch::Sender<Permissions>>,
    ) {
        let mut sessions = self.state.auth.sessions.subscribe();
        let mut grants = self.state.auth.grants.subscribe();
        let until_expiry = (self.expires_at - Utc::now()).to_std().unwrap_or_default();
        let expiry = tokio::time::sleep(until_expiry);
        tokio::pin!(expiry);
        loop {
            tokio::select! {
                _ = &mut expiry => return,
                _ = sessions.changed() => {}
                _ = grants.changed() => {}
                _ = tokio::time::sleep(RECHECK) => {}
            }
            let Some(perms) = self.current().await else {
                return;
            };
            if !allowed(&perms) {
                return;
            }
            if let Some(tx) = &permissions {
                tx.send_replace(perms);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_capped_per_user_and_given_back() {
        let counts = StreamCounts::default();
        let mut held: Vec<StreamSlot> = (0..MAX_STREAMS_PER_USER)
            .map(|_| counts.acquire(1).unwrap())
            .collect();
        let e = counts.acquire(1).err().expect("over the cap");
        assert_eq!(e.status().as_u16(), 429);
        assert_eq!(e.code(), ErrorCode::TooManyStreams);
        // Another user is not affected.
        let _other = counts.acquire(2).unwrap();
        held.pop();
        assert_eq!(counts.open(1), MAX_STREAMS_PER_USER - 1);
        let _again = counts.acquire(1).unwrap();
        drop(held);
        assert_eq!(counts.open(1), 1);
    }
}
