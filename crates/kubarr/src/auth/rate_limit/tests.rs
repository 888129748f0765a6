//! The limiter against a real database (SQLite, or PostgreSQL with KUBARR_TEST_DATABASE_URL).

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
async fn distributed_failures_delay_failing_addresses_but_never_a_clean_one() {
    let t = TestDatabase::new().await;
    let rl = RateLimiter::new(Limits {
        account_free_failures: 5,
        ..Limits::default()
    });
    for i in 0..5 {
        let other = RateLimiter::default();
        other
            .record_failure(&t.db, "bob", ip(&format!("10.0.0.{i}")))
            .await
            .unwrap();
    }
    // An address that failed on the account waits; no one-hour refusal, a second.
    assert_eq!(
        waits(rl.check_account(&t.db, "bob", ip("10.0.0.1")).await),
        1
    );
    // A clean address (the owner at home) always gets its answer.
    rl.check_account(&t.db, "bob", ip("10.0.1.1"))
        .await
        .unwrap();
    // Each further failure doubles the wait.
    for _ in 0..3 {
        rl.record_failure(&t.db, "bob", ip("10.0.0.9"))
            .await
            .unwrap();
    }
    assert_eq!(
        waits(rl.check_account(&t.db, "bob", ip("10.0.0.1")).await),
        8
    );
    rl.check_account(&t.db, "bob", ip("10.0.1.1"))
        .await
        .unwrap();
    assert_eq!(rl.prune(&t.db).await.unwrap(), 0, "all still live");
    t.cleanup().await.unwrap();
}

#[tokio::test]
async fn second_factor_failures_grow_across_challenges_and_a_success_clears_them() {
    let t = TestDatabase::new().await;
    let (a, b) = (RateLimiter::default(), RateLimiter::default());
    for _ in 0..3 {
        a.check_second_factor(&t.db, 7).await.unwrap();
        a.record_second_factor_failure(&t.db, 7).await.unwrap();
    }
    assert_eq!(waits(b.check_second_factor(&t.db, 7).await), 1);
    b.record_second_factor_failure(&t.db, 7).await.unwrap();
    assert_eq!(waits(a.check_second_factor(&t.db, 7).await), 2);
    a.check_second_factor(&t.db, 8).await.unwrap();
    b.record_second_factor_success(&t.db, 7).await.unwrap();
    a.check_second_factor(&t.db, 7).await.unwrap();
    t.cleanup().await.unwrap();
}

#[tokio::test]
async fn an_ipv6_client_is_counted_by_its_slash_64() {
    let t = TestDatabase::new().await;
    let rl = RateLimiter::default();
    for i in 0..10 {
        let addr = format!("2001:db8:1:2:{i:x}::{:x}", i * 7 + 1);
        rl.check_ip(&t.db, Action::Login, ip(&addr)).await.unwrap();
    }
    let retry = waits(
        rl.check_ip(&t.db, Action::Login, ip("2001:db8:1:2:ffff::1"))
            .await,
    );
    assert!((1..=60).contains(&retry), "{retry}");
    // The neighbouring /64 is another client.
    rl.check_ip(&t.db, Action::Login, ip("2001:db8:1:3::1"))
        .await
        .unwrap();
    // Failures on an account too: rotating the host part does not reset them.
    for i in 0..3 {
        rl.record_failure(&t.db, "eve", ip(&format!("2001:db8:9:9::{i}")))
            .await
            .unwrap();
    }
    assert_eq!(
        waits(
            rl.check_account(&t.db, "eve", ip("2001:db8:9:9::abcd"))
                .await
        ),
        1
    );
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
    assert_eq!(account_key(" Admin\u{0}\n"), "login:admin\u{fffd}");
    assert_ne!(account_key("user:5"), user_key(5));
    assert_eq!(
        client_network("2001:db8:1:2:3:4:5:6".parse().unwrap()),
        "2001:db8:1:2::".parse::<IpAddr>().unwrap()
    );
    assert_eq!(
        client_network("::ffff:10.1.2.3".parse().unwrap()),
        "10.1.2.3".parse::<IpAddr>().unwrap()
    );
    assert_eq!(waits(Err(wait(TimeDelta::milliseconds(1)))), 1);
    assert_eq!(waits(Err(wait(TimeDelta::milliseconds(2001)))), 3);
}

#[test]
fn delays_grow_and_cap() {
    let rl = RateLimiter::default();
    assert_eq!(rl.delay_for(2, 3), Duration::ZERO);
    assert_eq!(rl.delay_for(3, 3), Duration::from_secs(1));
    assert_eq!(rl.delay_for(5, 3), Duration::from_secs(4));
    assert_eq!(rl.delay_for(60, 3), Duration::from_secs(300));
}
