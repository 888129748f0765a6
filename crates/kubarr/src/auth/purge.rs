//! The periodic clean-up, run by the leader replica: sessions and 2FA challenges that can no longer
//! be used, audit entries past the retention setting, the rate limiter's expired counters, and
//! the leases of replicas that stopped.

use std::time::Duration;

use chrono::Utc;

use crate::state::AppState;

/// A challenge dies after this many failed attempts.
pub const MAX_CHALLENGE_ATTEMPTS: i32 = 5;
/// How often the purge runs.
pub const INTERVAL: Duration = Duration::from_secs(600);

/// How many rows one purge removed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Purged {
    pub sessions: u64,
    pub challenges: u64,
    /// Audit entries older than `audit_retention_days`.
    pub audit: u64,
}

/// Deletes expired, idle and revoked sessions and dead challenges once.
pub async fn purge_once(state: &AppState) -> Result<Purged, sea_orm::DbErr> {
    let settings = state.auth.settings.get(&state.db, &state.config).await?;
    let now = Utc::now();
    let sessions =
        kubarr_db::queries::sessions::purge(&state.db, now, now - settings.idle_timeout()).await?;
    let challenges =
        kubarr_db::queries::two_factor::purge_challenges(&state.db, now, MAX_CHALLENGE_ATTEMPTS)
            .await?;
    if sessions + challenges > 0 {
        state.auth.sessions_changed();
    }
    let audit = match settings.audit_retention_days {
        0 => 0,
        days => {
            let before =
                now - chrono::Duration::days(i64::try_from(days).unwrap_or(i64::MAX / 86_400));
            kubarr_db::queries::audit::purge_before(&state.db, before).await?
        }
    };
    // Shared by every replica; whichever runs the purge deletes the expired counters for all.
    state.auth.limiter.prune(&state.db).await?;
    // Leases of replicas that stopped: an expired lease already counts as absent, so this only
    // keeps the table small (an hour's grace keeps them visible for debugging).
    kubarr_db::queries::leases::purge_expired(&state.db, now - chrono::Duration::hours(1)).await?;
    // Expired launch tickets and app sessions (an app session never outlives its dashboard
    // session, whose deletion also removes it).
    kubarr_db::queries::gateway::purge(&state.db, now).await?;
    Ok(Purged {
        sessions,
        challenges,
        audit,
    })
}

/// Runs [`purge_once`] every `interval`, until the future is dropped.
pub async fn run(state: AppState, interval: Duration) {
    let mut ticker = tokio::time::interval(interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        match purge_once(&state).await {
            Ok(p) if p.sessions + p.challenges + p.audit > 0 => {
                tracing::info!(
                    sessions = p.sessions,
                    challenges = p.challenges,
                    audit_entries = p.audit,
                    "purged expired sessions, challenges and audit entries"
                );
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "purging expired sessions failed"),
        }
    }
}
