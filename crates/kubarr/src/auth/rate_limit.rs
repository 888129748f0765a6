//! Brute-force protection for login, 2FA and registration, checked before any hashing.
//!
//! Limits are counted in the database ([`rate_limits`]) so they hold across every replica sharing
//! it, however a load balancer spreads the attempts. An IPv6 client is counted by its /64 (one
//! host usually holds a whole /64, so single addresses would be free to rotate):
//! - **per client address**: 10 attempts per action in a fixed one-minute window opened by the
//!   first, so one address cannot hammer the server;
//! - **per account and address**: after 3 consecutive failures from one address, each further
//!   attempt on that account from that address waits 1 s, 2 s, 4 s, … up to 5 minutes. A success
//!   resets it; 15 quiet minutes forget it;
//! - **per account**, from every address (a distributed attack): past 20 failures, each further
//!   failure doubles the wait, up to 5 minutes — but only addresses that failed on the account
//!   themselves wait. A first attempt from a clean address always gets its answer, so an attacker
//!   cannot lock the owner out. An hour without failures forgets the count;
//! - **second factor per account**: TOTP and recovery-code failures, across every challenge,
//!   delay further codes the same growing way after 3, so new challenges cannot reset it.
//!
//! Accounts are keyed by user id ([`user_key`]), whatever login named them; a login that names
//! no user is keyed by the login as typed ([`account_key`]), so both answer alike. A rejected
//! attempt is answered 429 with `Retry-After`. If the database fails, the attempt is refused
//! with a server error rather than let through. The only memory kept per process caches
//! addresses the database already refused until their window ends, so a flood is turned away
//! without a write per request. Expired counters are deleted by [`RateLimiter::prune`] (called by
//! the periodic purge). Windows are measured on each replica's clock, which NTP keeps in step.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv6Addr};
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
    /// Failures per account (all addresses) before addresses with failures of their own wait.
    pub account_free_failures: u32,
    /// Second-factor failures per account (all challenges) before codes wait.
    pub second_factor_free_failures: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            per_ip_per_minute: 10,
            free_failures: 3,
            max_delay: Duration::from_secs(300),
            account_free_failures: 20,
            second_factor_free_failures: 3,
        }
    }
}

/// Bounds the refusal cache; past it, refusals are simply not cached.
const MAX_CACHED: usize = 100_000;
const IP_WINDOW: TimeDelta = TimeDelta::minutes(1);
/// Account-wide failures are forgotten an hour after the last one.
const ACCOUNT_MEMORY: TimeDelta = TimeDelta::hours(1);
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
    /// Addresses (IPv6: /64 networks) the database refused, until their window ends.
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
        let Some(ip) = ip.map(client_network) else {
            return Ok(());
        };
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

    /// Whether an attempt on `account` from `ip` must wait (does not count it). An address with
    /// no failures on the account never waits: the account-wide delay holds back only addresses
    /// that failed on it themselves.
    pub async fn check_account(
        &self,
        db: &impl ConnectionTrait,
        account: &str,
        ip: Option<IpAddr>,
    ) -> Result<(), Refusal> {
        let now = Utc::now();
        if let Some(ip) = ip {
            let Some(f) = rate_limits::get(db, &pair_key(account, ip), now).await? else {
                return Ok(());
            };
            let count = u32::try_from(f.count).unwrap_or(0);
            let delay = self.delay_for(count, self.limits.free_failures);
            waited(f.last_at, delay, now)?;
        }
        if let Some(w) = rate_limits::get(db, &account_db_key(account), now).await? {
            let count = u32::try_from(w.count).unwrap_or(0);
            let delay = self.delay_for(count, self.limits.account_free_failures);
            waited(w.last_at, delay, now)?;
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
        rate_limits::record_failure(db, &account_db_key(account), now, ACCOUNT_MEMORY).await?;
        Ok(())
    }

    /// A success from `ip` clears that address's failures on the account. The account-wide count
    /// stays: an attack from elsewhere goes on regardless.
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

    /// Whether a second-factor code for `user_id` must wait (failures across every challenge).
    pub async fn check_second_factor(
        &self,
        db: &impl ConnectionTrait,
        user_id: i64,
    ) -> Result<(), Refusal> {
        let now = Utc::now();
        if let Some(f) = rate_limits::get(db, &second_factor_key(user_id), now).await? {
            let count = u32::try_from(f.count).unwrap_or(0);
            let delay = self.delay_for(count, self.limits.second_factor_free_failures);
            waited(f.last_at, delay, now)?;
        }
        Ok(())
    }

    /// Counts a wrong TOTP or recovery code for `user_id`.
    pub async fn record_second_factor_failure(
        &self,
        db: &impl ConnectionTrait,
        user_id: i64,
    ) -> Result<(), DbErr> {
        let memory = self.limits.max_delay.max(FAILURE_MEMORY);
        let memory = TimeDelta::from_std(memory).unwrap_or(TimeDelta::days(1));
        rate_limits::record_failure(db, &second_factor_key(user_id), Utc::now(), memory)
            .await
            .map(drop)
    }

    /// A right code clears the second-factor failures of `user_id`.
    pub async fn record_second_factor_success(
        &self,
        db: &impl ConnectionTrait,
        user_id: i64,
    ) -> Result<(), DbErr> {
        rate_limits::reset(db, &second_factor_key(user_id)).await
    }

    /// The wait after `failures`, the first `free` of them costing nothing.
    fn delay_for(&self, failures: u32, free: u32) -> Duration {
        if failures < free {
            return Duration::ZERO;
        }
        let exp = (failures - free).min(20);
        Duration::from_secs(1u64 << exp).min(self.limits.max_delay)
    }

    /// Deletes counters that no longer limit anything. Returns how many rows went.
    pub async fn prune(&self, db: &impl ConnectionTrait) -> Result<u64, DbErr> {
        let now = Utc::now();
        self.refused().retain(|_, until| *until > now);
        rate_limits::prune(db, now).await
    }
}

/// Refuses when `delay` after `last` has not passed at `now`.
fn waited(last: DateTime<Utc>, delay: Duration, now: DateTime<Utc>) -> Result<(), Refusal> {
    let ready_at = TimeDelta::from_std(delay)
        .ok()
        .and_then(|d| last.checked_add_signed(d))
        .unwrap_or(DateTime::<Utc>::MAX_UTC);
    if ready_at > now {
        return Err(wait(ready_at - now));
    }
    Ok(())
}

/// What a client is counted as: its IPv4 address, or its IPv6 /64 (the network part of the
/// address, host bits zeroed).
pub fn client_network(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let bits = u128::from(v6) & !((1u128 << 64) - 1);
                IpAddr::V6(Ipv6Addr::from(bits))
            }
        },
        v4 => v4,
    }
}

fn wait(d: TimeDelta) -> Refusal {
    let ms = d.num_milliseconds().max(0).unsigned_abs();
    Refusal::Wait(RetryAfter(ms.div_ceil(1000).max(1)))
}

fn to_i32(n: u32) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// The counter of failures on an account from one address (an IPv6 client's /64). The address
/// never contains `@`, so splitting at the last one is unambiguous whatever the account.
fn pair_key(account: &str, ip: IpAddr) -> String {
    format!("failures:{account}@{}", client_network(ip))
}

fn account_db_key(account: &str) -> String {
    format!("account:{account}")
}

fn second_factor_key(user_id: i64) -> String {
    format!("2fa:user:{user_id}")
}

/// The key of an existing account in the limiter: its user id, whichever login named it.
pub fn user_key(user_id: i64) -> String {
    format!("user:{user_id}")
}

/// The key of a login that names no user: the login as typed, normalised and bounded (its own
/// prefix, so it never collides with [`user_key`]). Control characters become U+FFFD: PostgreSQL
/// refuses NUL in text, and no login contains them anyway.
pub fn account_key(login: &str) -> String {
    let normalised: String = login
        .trim()
        .to_lowercase()
        .chars()
        .take(128)
        .map(|c| if c.is_control() { '\u{fffd}' } else { c })
        .collect();
    format!("login:{normalised}")
}

#[cfg(test)]
mod tests;
