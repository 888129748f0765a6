//! Brute-force protection for login, 2FA and registration, checked before any hashing.
//!
//! Three layers, all in memory:
//! - **per client IP**: a token bucket per action (10 attempts a minute), so one address cannot
//!   hammer the server;
//! - **per account and IP**: after 3 consecutive failures from one address, each further attempt
//!   on that account from that address waits 1 s, 2 s, 4 s, … up to 5 minutes. A success resets it.
//!   Keyed by address, so a flood from one IP never locks the real user out from another;
//! - **per account**: more than 100 failures within an hour, from any addresses, throttles the
//!   account (a distributed attack); one address cannot reach that under the delay above.
//!
//! A rejected attempt is answered 429 with `Retry-After`. Memory stays bounded: stale entries
//! are pruned by [`RateLimiter::prune`] (called by the periodic purge) and whenever a map grows
//! past its cap.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Which endpoint family an attempt belongs to (separate buckets).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    Login,
    TwoFactor,
    Register,
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

const MAX_ENTRIES: usize = 100_000;

#[derive(Clone, Copy, Debug)]
struct Bucket {
    tokens: f64,
    updated: Instant,
}

#[derive(Clone, Copy, Debug)]
struct Failures {
    count: u32,
    last: Instant,
}

#[derive(Clone, Copy, Debug)]
struct Window {
    count: u32,
    started: Instant,
}

#[derive(Default)]
struct Maps {
    ip: HashMap<(Action, IpAddr), Bucket>,
    account_ip: HashMap<(String, IpAddr), Failures>,
    account: HashMap<String, Window>,
}

/// The in-memory limiter shared by every request.
pub struct RateLimiter {
    limits: Limits,
    maps: Mutex<Maps>,
}

/// The attempt must wait this many seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryAfter(pub u64);

impl Default for RateLimiter {
    fn default() -> Self {
        Self::new(Limits::default())
    }
}

impl RateLimiter {
    pub fn new(limits: Limits) -> Self {
        Self {
            limits,
            maps: Mutex::new(Maps::default()),
        }
    }

    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    fn maps(&self) -> std::sync::MutexGuard<'_, Maps> {
        self.maps.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Counts one attempt from `ip`; fails when its bucket is empty.
    pub fn check_ip(&self, action: Action, ip: Option<IpAddr>) -> Result<(), RetryAfter> {
        let Some(ip) = ip else { return Ok(()) };
        let now = Instant::now();
        let capacity = f64::from(self.limits.per_ip_per_minute.max(1));
        let rate = capacity / 60.0;
        let mut maps = self.maps();
        if maps.ip.len() >= MAX_ENTRIES {
            prune_buckets(&mut maps.ip, now, capacity, rate);
        }
        let bucket = maps.ip.entry((action, ip)).or_insert(Bucket {
            tokens: capacity,
            updated: now,
        });
        let elapsed = now.duration_since(bucket.updated).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * rate).min(capacity);
        bucket.updated = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(RetryAfter(
                ((1.0 - bucket.tokens) / rate).ceil().max(1.0) as u64
            ))
        }
    }

    /// Whether an attempt on `account` from `ip` must wait (does not count it).
    pub fn check_account(&self, account: &str, ip: Option<IpAddr>) -> Result<(), RetryAfter> {
        let now = Instant::now();
        let maps = self.maps();
        if let Some(ip) = ip {
            if let Some(f) = maps.account_ip.get(&(account.to_owned(), ip)) {
                let delay = self.delay_for(f.count);
                let ready_at = f.last + delay;
                if ready_at > now {
                    return Err(RetryAfter(secs_ceil(ready_at - now)));
                }
            }
        }
        if let Some(w) = maps.account.get(account) {
            let end = w.started + Duration::from_secs(3600);
            if end > now && w.count >= self.limits.per_account_per_hour {
                return Err(RetryAfter(secs_ceil(end - now)));
            }
        }
        Ok(())
    }

    /// Records a failed attempt on `account` from `ip`.
    pub fn record_failure(&self, account: &str, ip: Option<IpAddr>) {
        let now = Instant::now();
        let mut maps = self.maps();
        if maps.account_ip.len() >= MAX_ENTRIES || maps.account.len() >= MAX_ENTRIES {
            self.prune_locked(&mut maps, now);
        }
        if let Some(ip) = ip {
            let f = maps
                .account_ip
                .entry((account.to_owned(), ip))
                .or_insert(Failures {
                    count: 0,
                    last: now,
                });
            f.count = f.count.saturating_add(1);
            f.last = now;
        }
        let w = maps.account.entry(account.to_owned()).or_insert(Window {
            count: 0,
            started: now,
        });
        if now.duration_since(w.started) >= Duration::from_secs(3600) {
            *w = Window {
                count: 0,
                started: now,
            };
        }
        w.count = w.count.saturating_add(1);
    }

    /// A success from `ip` clears that address's failures on the account.
    pub fn record_success(&self, account: &str, ip: Option<IpAddr>) {
        if let Some(ip) = ip {
            self.maps().account_ip.remove(&(account.to_owned(), ip));
        }
    }

    fn delay_for(&self, failures: u32) -> Duration {
        if failures < self.limits.free_failures {
            return Duration::ZERO;
        }
        let exp = (failures - self.limits.free_failures).min(20);
        Duration::from_secs(1u64 << exp).min(self.limits.max_delay)
    }

    /// Drops entries that no longer limit anything.
    pub fn prune(&self) {
        let now = Instant::now();
        let mut maps = self.maps();
        self.prune_locked(&mut maps, now);
    }

    fn prune_locked(&self, maps: &mut Maps, now: Instant) {
        let capacity = f64::from(self.limits.per_ip_per_minute.max(1));
        prune_buckets(&mut maps.ip, now, capacity, capacity / 60.0);
        let keep_failures = self.limits.max_delay.max(Duration::from_secs(900));
        maps.account_ip
            .retain(|_, f| now.duration_since(f.last) < keep_failures);
        maps.account
            .retain(|_, w| now.duration_since(w.started) < Duration::from_secs(3600));
    }
}

fn prune_buckets(
    map: &mut HashMap<(Action, IpAddr), Bucket>,
    now: Instant,
    capacity: f64,
    rate: f64,
) {
    map.retain(|_, b| b.tokens + now.duration_since(b.updated).as_secs_f64() * rate < capacity);
}

fn secs_ceil(d: Duration) -> u64 {
    let secs = d.as_secs() + u64::from(d.subsec_nanos() > 0);
    secs.max(1)
}

/// The key of an account in the limiter: the login as typed, normalised and bounded.
pub fn account_key(login: &str) -> String {
    login.trim().to_lowercase().chars().take(128).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> Option<IpAddr> {
        s.parse().ok()
    }

    #[test]
    fn ip_bucket_allows_ten_then_429() {
        let rl = RateLimiter::default();
        for _ in 0..10 {
            rl.check_ip(Action::Login, ip("1.1.1.1")).unwrap();
        }
        let retry = rl.check_ip(Action::Login, ip("1.1.1.1")).unwrap_err();
        assert!((1..=6).contains(&retry.0), "{retry:?}");
        rl.check_ip(Action::Login, ip("2.2.2.2")).unwrap();
        rl.check_ip(Action::Register, ip("1.1.1.1")).unwrap();
    }

    #[test]
    fn account_delay_is_per_ip_and_reset_by_success() {
        let rl = RateLimiter::default();
        for _ in 0..3 {
            rl.check_account("ann", ip("1.1.1.1")).unwrap();
            rl.record_failure("ann", ip("1.1.1.1"));
        }
        assert_eq!(rl.check_account("ann", ip("1.1.1.1")), Err(RetryAfter(1)));
        // Another address is not affected.
        rl.check_account("ann", ip("2.2.2.2")).unwrap();
        rl.record_success("ann", ip("1.1.1.1"));
        rl.check_account("ann", ip("1.1.1.1")).unwrap();
    }

    #[test]
    fn distributed_failures_throttle_the_account() {
        let rl = RateLimiter::new(Limits {
            per_account_per_hour: 5,
            ..Limits::default()
        });
        for i in 0..5 {
            rl.record_failure("bob", ip(&format!("10.0.0.{i}")));
        }
        assert!(rl.check_account("bob", ip("10.0.1.1")).is_err());
        rl.prune();
        assert!(rl.check_account("bob", ip("10.0.1.1")).is_err());
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
