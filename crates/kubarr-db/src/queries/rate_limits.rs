//! `rate_limit_counters`: attempt counters shared by every replica, so a limit holds however a
//! load balancer spreads the attempts.
//!
//! Each change is one `INSERT … ON CONFLICT (key) DO UPDATE … RETURNING` statement: the database
//! serialises concurrent hits on a key, so no increment is lost and each caller sees the count its
//! own hit produced. Timestamps are bound from Rust, never computed in SQL, so SQLite stores and
//! compares them in the same text form as every other `DateTimeUtc` column.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Alias, Expr, OnConflict, Query, SimpleExpr};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, QueryFilter};

use crate::entities::rate_limit_counters::{Column, Entity, Model};

/// When a counter starts over.
#[derive(Clone, Copy, Debug)]
enum Expiry {
    /// A fixed window: `d` after the hit that opened it.
    Fixed(Duration),
    /// `d` after the latest hit, so it lives as long as hits keep coming.
    Idle(Duration),
}

/// Counts one hit on `key` in a fixed `window` opened by the first hit; a hit after the window
/// ended opens a new one. Returns the counter as this hit left it (`expires_at` ends the window).
pub async fn hit(
    db: &impl ConnectionTrait,
    key: &str,
    now: DateTime<Utc>,
    window: Duration,
) -> Result<Model, DbErr> {
    upsert(db, key, now, Expiry::Fixed(window)).await
}

/// Counts one failure on `key`. The count starts over once `idle` has passed since the previous
/// failure; `last_at` is this failure. Returns the counter as this failure left it.
pub async fn record_failure(
    db: &impl ConnectionTrait,
    key: &str,
    now: DateTime<Utc>,
    idle: Duration,
) -> Result<Model, DbErr> {
    upsert(db, key, now, Expiry::Idle(idle)).await
}

async fn upsert(
    db: &impl ConnectionTrait,
    key: &str,
    now: DateTime<Utc>,
    expiry: Expiry,
) -> Result<Model, DbErr> {
    let (Expiry::Fixed(d) | Expiry::Idle(d)) = expiry;
    // In `DO UPDATE`, the table names the stored row and `excluded` the row this hit would insert.
    let stored = |c: Column| Expr::col((Entity, c));
    let fresh = |c: Column| Expr::col((Alias::new("excluded"), c));
    let run_out = || stored(Column::ExpiresAt).lte(now);
    let restart_or_keep =
        |c: Column| -> SimpleExpr { Expr::case(run_out(), fresh(c)).finally(stored(c)).into() };
    let count: SimpleExpr = Expr::case(run_out(), 1)
        .finally(stored(Column::Count).add(1))
        .into();
    let expires_at = match expiry {
        Expiry::Fixed(_) => restart_or_keep(Column::ExpiresAt),
        Expiry::Idle(_) => fresh(Column::ExpiresAt).into(),
    };
    let stmt = Query::insert()
        .into_table(Entity)
        .columns([
            Column::Key,
            Column::Count,
            Column::WindowStartedAt,
            Column::LastAt,
            Column::ExpiresAt,
        ])
        .values_panic([
            key.into(),
            1.into(),
            now.into(),
            now.into(),
            (now + d).into(),
        ])
        .on_conflict(
            OnConflict::column(Column::Key)
                .value(Column::Count, count)
                .value(
                    Column::WindowStartedAt,
                    restart_or_keep(Column::WindowStartedAt),
                )
                .value(Column::LastAt, fresh(Column::LastAt))
                .value(Column::ExpiresAt, expires_at)
                .to_owned(),
        )
        .returning_all()
        .to_owned();
    Model::find_by_statement(db.get_database_backend().build(&stmt))
        .one(db)
        .await?
        .ok_or_else(|| DbErr::Custom("rate-limit upsert returned no row".into()))
}

/// The counter `key`, unless it has run out at `now`.
pub async fn get(
    db: &impl ConnectionTrait,
    key: &str,
    now: DateTime<Utc>,
) -> Result<Option<Model>, DbErr> {
    Entity::find()
        .filter(Column::Key.eq(key))
        .filter(Column::ExpiresAt.gt(now))
        .one(db)
        .await
}

/// Forgets `key` (a success clears the failures before it).
pub async fn reset(db: &impl ConnectionTrait, key: &str) -> Result<(), DbErr> {
    Entity::delete_many()
        .filter(Column::Key.eq(key))
        .exec(db)
        .await
        .map(|_| ())
}

/// Deletes the counters that have run out at `now`. Returns how many.
pub async fn prune(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<u64, DbErr> {
    Ok(Entity::delete_many()
        .filter(Column::ExpiresAt.lte(now))
        .exec(db)
        .await?
        .rows_affected)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::TestDatabase;
    use chrono::DurationRound;

    fn secs(s: i64) -> Duration {
        Duration::seconds(s)
    }

    /// Whole seconds, so values read back compare equal on PostgreSQL (microseconds) too.
    fn t0() -> DateTime<Utc> {
        Utc::now().duration_trunc(secs(1)).unwrap()
    }

    #[tokio::test]
    async fn hits_count_within_a_fixed_window_then_start_over() {
        let t = TestDatabase::new().await;
        let db = &t.db;
        let t0 = t0();
        for (i, at) in [t0, t0 + secs(10), t0 + secs(59)].into_iter().enumerate() {
            let c = hit(db, "ip:login:a", at, secs(60)).await.unwrap();
            assert_eq!(c.count, i as i32 + 1, "{}", t.label());
            assert_eq!(c.window_started_at, t0);
            assert_eq!(c.last_at, at);
            assert_eq!(c.expires_at, t0 + secs(60), "later hits do not extend it");
        }
        // Another key is counted apart.
        assert_eq!(hit(db, "ip:login:b", t0, secs(60)).await.unwrap().count, 1);
        let c = hit(db, "ip:login:a", t0 + secs(60), secs(60))
            .await
            .unwrap();
        assert_eq!(
            (c.count, c.window_started_at, c.expires_at),
            (1, t0 + secs(60), t0 + secs(120))
        );
        t.cleanup().await.unwrap();
    }

    #[tokio::test]
    async fn failures_are_forgotten_after_a_quiet_spell_or_a_reset() {
        let t = TestDatabase::new().await;
        let db = &t.db;
        let t0 = t0();
        let idle = secs(900);
        // Each failure within 15 minutes of the previous one keeps the run going.
        for (i, m) in [0, 10, 20, 30].into_iter().enumerate() {
            let at = t0 + secs(m * 60);
            let c = record_failure(db, "f", at, idle).await.unwrap();
            assert_eq!((c.count, c.last_at), (i as i32 + 1, at));
            assert_eq!((c.window_started_at, c.expires_at), (t0, at + idle));
        }
        let later = t0 + secs(30 * 60) + idle;
        assert!(get(db, "f", later - secs(1)).await.unwrap().is_some());
        assert!(get(db, "f", later).await.unwrap().is_none(), "run out");
        let c = record_failure(db, "f", later, idle).await.unwrap();
        assert_eq!((c.count, c.window_started_at), (1, later));
        reset(db, "f").await.unwrap();
        assert!(get(db, "f", later).await.unwrap().is_none());
        assert_eq!(record_failure(db, "f", later, idle).await.unwrap().count, 1);
        t.cleanup().await.unwrap();
    }

    #[tokio::test]
    async fn prune_deletes_only_counters_that_ran_out() {
        let t = TestDatabase::new().await;
        let db = &t.db;
        let t0 = t0();
        hit(db, "old", t0, secs(60)).await.unwrap();
        hit(db, "new", t0 + secs(30), secs(60)).await.unwrap();
        assert_eq!(prune(db, t0 + secs(59)).await.unwrap(), 0);
        assert_eq!(prune(db, t0 + secs(60)).await.unwrap(), 1);
        assert!(get(db, "old", t0).await.unwrap().is_none());
        assert_eq!(get(db, "new", t0).await.unwrap().unwrap().count, 1);
        t.cleanup().await.unwrap();
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_hits_lose_no_increment() {
        let t = TestDatabase::new().await;
        let now = Utc::now();
        let tasks: Vec<_> = (0..20)
            .map(|_| {
                let db = t.db.clone();
                tokio::spawn(async move { hit(&db, "ip:login:c", now, secs(60)).await })
            })
            .collect();
        let mut seen = Vec::new();
        for task in tasks {
            seen.push(task.await.unwrap().unwrap().count);
        }
        seen.sort_unstable();
        assert_eq!(seen, (1..=20).collect::<Vec<_>>(), "{}", t.label());
        let stored = get(&t.db, "ip:login:c", now).await.unwrap().unwrap();
        assert_eq!(stored.count, 20);
        t.cleanup().await.unwrap();
    }
}
