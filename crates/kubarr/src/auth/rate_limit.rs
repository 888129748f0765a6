//! Brute-force protection for login, 2FA and registration, checked before any hashing.
//!
//! Three limits, counted in the database ([`rate_limits`]) so they hold across every replica
//! sharing it, however a load balancer spreads the attempts:
//! - **per client IP**: 10 attempts per action in a fixed one-minute window opened by the first,
//!   so one address cannot hammer the server;
//! - **per account and IP**: after 3 consecutive failures from one address, each further attempt
//!   on that account from that address waits 1 s, 2 s, 4 s, … up to 5 minutes. A success resets it;
//!   15 quiet minutes forget it. Keyed by address, so a flood from one IP never locks the real
//!   user out from another;
//! - **per account**: 100 failures within an hour, from any addresses, throttle the account (a
//!   distributed attack); one address cannot reach that under the delay above.
//!
//! A rejected attempt is answered 429 with `Retry-After`. If the database fails, the attempt is
//! refused with a server error rather than let through. The only memory kept per process caches
//! addresses the database already refused until their window ends, so a flood is turned away
//! without a write per request. Expired counters are deleted by [`RateLimiter::prune`] (called by
//! the periodic purge). Windows are measured on each replica's clock, which NTP keeps in step.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use kubarr_db::queries::rate_limits;
use sea_orm::{ConnectionTrait, DbErr};

/// Which endpoint family an attempt belongs to (separate buckets).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    Login,
    TwoFactor,
    Register,
}

impl Action {
    fn name(self) -> &'static str {
        match self {
            Self::Login => "login",
            Self::TwoFactor => "2fa",
            Self::Register => "register",
        }
    }
}

/// The limits; [`Default`] holds the production values.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Attempts per IP and action per minute.
    pub per_ip_per_minute: u32,
    /// Consecutive failures per account and IP before delays start.
    pub free_failures: u32,
    pub max_delay: Duration,
    /// Failures per account (all IPs) per hour.
    pub per_account_per_hour: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            per_ip_per_minute: 10,
            free_failures: 3,
            max_delay: Duration::from_secs(300),
            per_account_per_hour: 100,
        }
    }
}

/// Bounds the refusal cache; past it, refusals are simply not cached.
const MAX_CACHED: usize = 100_000;
const IP_WINDOW: TimeDelta = TimeDelta::minutes(1);
const ACCOUNT_WINDOW: TimeDelta = TimeDelta::hours(1);
/// Failures per account and IP are forgotten after this long without one (or `max_delay`).
const FAILURE_MEMORY: Duration = Duration::from_secs(900);

/// The attempt must wait this many seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryAfter(pub u64);

/// Why an attempt may not go ahead.
#[derive(Debug)]
pub enum Refusal {
    /// A limit is reached.
    Wait(RetryAfter),
    /// The shared counters could not be read or written: refuse rather than guess.
    Store(DbErr),
}

impl From<DbErr> for Refusal {
    fn from(e: DbErr) -> Self {
        Self::Store(e)
    }
}

/// The limiter shared by every request of this process; the counts live in the database.
pub struct RateLimiter {
    limits: Limits,
    /// Addresses the database refused, until their window ends.
    refused: Mutex<HashMap<(Action, IpAddr), DateTime<Utc>>>,
}

impl Default for RateLimiter {
    fn default() -> Self {
        Self::new(Limits::default())
    }
}

impl RateLimiter {
    pub fn new(limits: Limits) -> Self {
        Self {
            limits,
            refused: Mutex::default(),
        }
    }

    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    fn refused(&self) -> std::sync::MutexGuard<'_, HashMap<(Action, IpAddr), DateTime<Utc>>> {
        self.refused.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Counts one attempt from `ip`; refuses the 11th (by default) within its minute.
    pub async fn check_ip(
        &self,
        db: &impl ConnectionTrait,
        action: Action,
        ip: Option<IpAddr>,
    ) -> Result<(), Refusal> {
        let Some(ip) = ip else { return Ok(()) };
        let now = Utc::now();
        if let Some(&until) = self.refused().get(&(action, ip)) {
            if until > now {
                return Err(wait(until - now));
            }
        }
        let key = format!("ip:{}:{ip}", action.name());
        let counter = rate_limits::hit(db, &key, now, IP_WINDOW).await?;
        if counter.count <= to_i32(self.limits.per_ip_per_minute.max(1)) {
            return Ok(());
        }
        // Until the window ends every further hit is refused too, so this answer is safe to reuse.
        let mut refused = self.refused();
        if refused.len() >= MAX_CACHED {
            refused.retain(|_, until| *until > now);
        }
        if refused.len() < MAX_CACHED {
            refused.insert((action, ip), counter.expires_at);
        }
        Err(wait(counter.expires_at - now))
    }

    /// Whether an attempt on `account` from `ip` must wait (does not count it).
    pub async fn check_account(
        &self,
        db: &impl ConnectionTrait,
        account: &str,
        ip: Option<IpAddr>,
    ) -> Result<(), Refusal> {
        let now = Utc::now();
        if let Some(ip) = ip {
            if let Some(f) = rate_limits::get(db, &pair_key(account, ip), now).await? {
                let delay = self.delay_for(u32::try_from(f.count).unwrap_or(0));
                let ready_at = TimeDelta::from_std(delay)
                    .ok()
                    .and_then(|d| f.last_at.checked_add_signed(d))
                    .unwrap_or(DateTime::<Utc>::MAX_UTC);
                if ready_at > now {
                    return Err(wait(ready_at - now));
                }
            }
        }
        if let Some(w) = rate_limits::get(db, &account_db_key(account), now).await? {
            if w.count >= to_i32(self.limits.per_account_per_hour) {
                return Err(wait(w.expires_at - now));
            }
        }
        Ok(())
    }

    /// Records a failed attempt on `account` from `ip`.
    pub async fn record_failure(
        &self,
        db: &impl ConnectionTrait,
        account: &str,
        ip: Option<IpAddr>,
    ) -> Result<(), DbErr> {
        let now = Utc::now();
        if let Some(ip) = ip {
            let memory = self.limits.max_delay.max(FAILURE_MEMORY);
            let memory = TimeDelta::from_std(memory).unwrap_or(TimeDelta::days(1));
            rate_limits::record_failure(db, &pair_key(account, ip), now, memory).await?;
        }
        rate_limits::hit(db, &account_db_key(account), now, ACCOUNT_WINDOW).await?;
        Ok(())
    }

    /// A success from `ip` clears that address's failures on the account.
    pub async fn record_success(
        &self,
        db: &impl ConnectionTrait,
        account: &str,
        ip: Option<IpAddr>,
    ) -> Result<(), DbErr> {
        match ip {
            Some(ip) => rate_limits::reset(db, &pair_key(account, ip)).await,
            None => Ok(()),
        }
    }

    fn delay_for(&self, failures: u32) -> Duration {
        if failures < self.limits.free_failures {
            return Duration::ZERO;
        }
        let exp = (failures - self.limits.free_failures).min(20);
        Duration::from_secs(1u64 << exp).min(self.limits.max_delay)
    }

    /// Deletes counters that no longer limit anything. Returns how many rows went.
    pub async fn prune(&self, db: &impl ConnectionTrait) -> Result<u64, DbErr> {
        let now = Utc::now();
        self.refused().retain(|_, until| *until > now);
        rate_limits::prune(db, now).await
    }
}

fn wait(d: TimeDelta) -> Refusal {
    let ms = d.num_milliseconds().max(0).unsigned_abs();
    Refusal::Wait(RetryAfter(ms.div_ceil(1000).max(1)))
}

fn to_i32(n: u32) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// The counter of failures on an account from one address. The address never contains `@`,
/// so splitting at the last one is unambiguous whatever the account.
fn pair_key(account: &str, ip: IpAddr) -> String {
    format!("failures:{account}@{ip}")
}

fn account_db_key(account: &str) -> String {
    format!("account:{account}")
}

/// The key of an account in the limiter: the login as typed, normalised and bounded. Control
/// characters become U+FFFD: PostgreSQL refuses NUL in text, and no login contains them anyway.
pub fn account_key(login: &str) -> String {
    login
        .trim()
        .to_lowercase()
        .chars()
        .take(128)
        .map(|c| if c.is_control() { '\u{fffd}' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use kubarr_db::testing::TestDatabase;

    use crate::error::AppError;

    fn ip(s: &str) -> Option<IpAddr> {
        s.parse().ok()
    }

    fn waits(r: Result<(), Refusal>) -> u64 {
        match r {
            Err(Refusal::Wait(RetryAfter(secs))) => secs,
            other => panic!("expected a wait, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn ip_window_allows_ten_then_429_on_every_replica() {
        let t = TestDatabase::new().await;
        let (a, b) = (RateLimiter::default(), RateLimiter::default());
        for i in 0..10 {
            let rl = if i % 2 == 0 { &a } else { &b };
            rl.check_ip(&t.db, Action::Login, ip("1.1.1.1"))
                .await
                .unwrap();
        }
        for rl in [&a, &b, &a] {
            let retry = waits(rl.check_ip(&t.db, Action::Login, ip("1.1.1.1")).await);
            assert!((1..=60).contains(&retry), "{retry}");
        }
        a.check_ip(&t.db, Action::Login, ip("2.2.2.2"))
            .await
            .unwrap();
        b.check_ip(&t.db, Action::Register, ip("1.1.1.1"))
            .await
            .unwrap();
        // Without a known address there is nothing to count.
        a.check_ip(&t.db, Action::Login, None).await.unwrap();
        t.cleanup().await.unwrap();
    }

    #[tokio::test]
    async fn account_delay_is_per_ip_shared_and_reset_by_success() {
        let t = TestDatabase::new().await;
        let (a, b) = (RateLimiter::default(), RateLimiter::default());
        for _ in 0..3 {
            a.check_account(&t.db, "ann", ip("1.1.1.1")).await.unwrap();
            a.record_failure(&t.db, "ann", ip("1.1.1.1")).await.unwrap();
        }
        assert_eq!(waits(b.check_account(&t.db, "ann", ip("1.1.1.1")).await), 1);
        // Another address is not affected.
        b.check_account(&t.db, "ann", ip("2.2.2.2")).await.unwrap();
        b.record_success(&t.db, "ann", ip("1.1.1.1")).await.unwrap();
        a.check_account(&t.db, "ann", ip("1.1.1.1")).await.unwrap();
        // Hostile logins are stored safely (PostgreSQL refuses NUL in text).
        let hostile = account_key("ann\u{0}");
        a.record_failure(&t.db, &hostile, ip("1.1.1.1"))
            .await
            .unwrap();
        a.check_account(&t.db, &hostile, ip("1.1.1.1"))
            .await
            .unwrap();
        t.cleanup().await.unwrap();
    }

    #[tokio::test]
    async fn distributed_failures_throttle_the_account() {
        let t = TestDatabase::new().await;
        let rl = RateLimiter::new(Limits {
            per_account_per_hour: 5,
            ..Limits::default()
        });
        for i in 0..5 {
            let other = RateLimiter::default();
            other
                .record_failure(&t.db, "bob", ip(&format!("10.0.0.{i}")))
                .await
                .unwrap();
        }
        let retry = waits(rl.check_account(&t.db, "bob", ip("10.0.1.1")).await);
        assert!((3590..=3600).contains(&retry), "{retry}");
        assert_eq!(rl.prune(&t.db).await.unwrap(), 0, "all still live");
        assert!(rl
            .check_account(&t.db, "bob", ip("10.0.1.1"))
            .await
            .is_err());
        t.cleanup().await.unwrap();
    }

    #[tokio::test]
    async fn a_failing_store_refuses_the_attempt() {
        // No migrations: every query fails.
        let t = TestDatabase::new_unmigrated().await;
        let rl = RateLimiter::default();
        let refusal = rl
            .check_ip(&t.db, Action::Login, ip("1.1.1.1"))
            .await
            .unwrap_err();
        assert!(matches!(refusal, Refusal::Store(_)), "{refusal:?}");
        assert!(AppError::from(refusal).status().is_server_error());
        assert!(rl.check_account(&t.db, "ann", ip("1.1.1.1")).await.is_err());
        assert!(rl.record_failure(&t.db, "ann", None).await.is_err());
        t.cleanup().await.unwrap();
    }

    #[test]
    fn keys_cannot_collide() {
        let v6 = ip("::1:2").unwrap();
        let v6_short = ip("::1").unwrap();
        assert_ne!(pair_key("x", v6), pair_key("2:x", v6_short));
        assert_ne!(pair_key("a@b", v6), pair_key("a", v6));
        assert_eq!(account_key(" Admin\u{0}\n"), "admin\u{fffd}");
        assert_eq!(waits(Err(wait(TimeDelta::milliseconds(1)))), 1);
        assert_eq!(waits(Err(wait(TimeDelta::milliseconds(2001)))), 3);
    }

    #[test]
    fn delays_grow_and_cap() {
        let rl = RateLimiter::default();
        assert_eq!(rl.delay_for(2), Duration::ZERO);
        assert_eq!(rl.delay_for(3), Duration::from_secs(1));
        assert_eq!(rl.delay_for(5), Duration::from_secs(4));
        assert_eq!(rl.delay_for(60), Duration::from_secs(300));
    }
}
