//! `leases`: named, time-bounded claims shared by every replica. The `leader` lease elects the
//! replica that runs background work; each replica also holds `replica:<id>` while it lives, so
//! others can tell an operation it started from one it abandoned by dying.
//!
//! Every change is one conditional statement, so two replicas racing for a lease cannot both win.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set,
};

use super::is_unique_violation;
use crate::entities::leases::{self, Column, Entity, Model};

/// The lease name that marks the leader.
pub const LEADER: &str = "leader";

/// The liveness lease of one replica.
pub fn replica_lease(replica: &str) -> String {
    format!("replica:{replica}")
}

/// Takes or renews `name` for `holder` until `now + ttl`. Returns whether `holder` holds it
/// now: false while another holder's lease is unexpired.
pub async fn try_acquire(
    db: &impl ConnectionTrait,
    name: &str,
    holder: &str,
    ttl: chrono::Duration,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let expires = now + ttl;
    let renewed = Entity::update_many()
        .col_expr(Column::RenewedAt, Expr::value(now))
        .col_expr(Column::ExpiresAt, Expr::value(expires))
        .filter(Column::Name.eq(name))
        .filter(Column::Holder.eq(holder))
        .exec(db)
        .await?;
    if renewed.rows_affected == 1 {
        return Ok(true);
    }
    let taken = Entity::update_many()
        .col_expr(Column::Holder, Expr::value(holder))
        .col_expr(Column::AcquiredAt, Expr::value(now))
        .col_expr(Column::RenewedAt, Expr::value(now))
        .col_expr(Column::ExpiresAt, Expr::value(expires))
        .filter(Column::Name.eq(name))
        .filter(Column::ExpiresAt.lt(now))
        .exec(db)
        .await?;
    if taken.rows_affected == 1 {
        return Ok(true);
    }
    let row = leases::ActiveModel {
        name: Set(name.to_owned()),
        holder: Set(holder.to_owned()),
        acquired_at: Set(now),
        renewed_at: Set(now),
        expires_at: Set(expires),
        ..Default::default()
    };
    match row.insert(db).await {
        Ok(_) => Ok(true),
        // The lease exists and is held by someone else.
        Err(e) if is_unique_violation(&e) => Ok(false),
        Err(e) => Err(e),
    }
}

/// Gives `name` up if `holder` holds it (a clean shutdown hands leadership over at once).
pub async fn release(db: &impl ConnectionTrait, name: &str, holder: &str) -> Result<(), DbErr> {
    Entity::delete_many()
        .filter(Column::Name.eq(name))
        .filter(Column::Holder.eq(holder))
        .exec(db)
        .await
        .map(|_| ())
}

/// The lease `name`, expired or not.
pub async fn find(db: &impl ConnectionTrait, name: &str) -> Result<Option<Model>, DbErr> {
    Entity::find().filter(Column::Name.eq(name)).one(db).await
}

/// Whether `name` is held by anyone at `now`.
pub async fn is_held(
    db: &impl ConnectionTrait,
    name: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    Ok(find(db, name).await?.is_some_and(|l| l.expires_at > now))
}

/// Deletes leases that expired before `before`. Returns how many.
pub async fn purge_expired(db: &impl ConnectionTrait, before: DateTime<Utc>) -> Result<u64, DbErr> {
    Ok(Entity::delete_many()
        .filter(Column::ExpiresAt.lt(before))
        .exec(db)
        .await?
        .rows_affected)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::TestDatabase;

    fn secs(s: i64) -> chrono::Duration {
        chrono::Duration::seconds(s)
    }

    #[tokio::test]
    async fn one_holder_at_a_time_until_the_lease_expires() {
        let t = TestDatabase::new().await;
        let db = &t.db;
        let t0 = Utc::now();
        assert!(try_acquire(db, LEADER, "a", secs(15), t0).await.unwrap());
        assert!(!try_acquire(db, LEADER, "b", secs(15), t0).await.unwrap());
        // Renewing pushes the expiry out; b still cannot take it.
        assert!(try_acquire(db, LEADER, "a", secs(15), t0 + secs(10))
            .await
            .unwrap());
        assert!(!try_acquire(db, LEADER, "b", secs(15), t0 + secs(20))
            .await
            .unwrap());
        // a stops renewing: once expired, b takes over and a has lost it.
        assert!(try_acquire(db, LEADER, "b", secs(15), t0 + secs(26))
            .await
            .unwrap());
        assert_eq!(find(db, LEADER).await.unwrap().unwrap().holder, "b");
        assert!(!try_acquire(db, LEADER, "a", secs(15), t0 + secs(27))
            .await
            .unwrap());
        t.cleanup().await.unwrap();
    }

    #[tokio::test]
    async fn a_released_lease_is_free_at_once_and_only_its_holder_releases_it() {
        let t = TestDatabase::new().await;
        let db = &t.db;
        let now = Utc::now();
        assert!(try_acquire(db, LEADER, "a", secs(15), now).await.unwrap());
        release(db, LEADER, "b").await.unwrap();
        assert!(is_held(db, LEADER, now).await.unwrap());
        release(db, LEADER, "a").await.unwrap();
        assert!(!is_held(db, LEADER, now).await.unwrap());
        assert!(try_acquire(db, LEADER, "b", secs(15), now).await.unwrap());
        t.cleanup().await.unwrap();
    }

    #[tokio::test]
    async fn concurrent_candidates_elect_exactly_one() {
        let t = TestDatabase::new().await;
        let now = Utc::now();
        let tasks: Vec<_> = (0..8)
            .map(|i| {
                let db = t.db.clone();
                tokio::spawn(async move {
                    try_acquire(&db, LEADER, &format!("r{i}"), secs(15), now).await
                })
            })
            .collect();
        let mut winners = 0;
        for task in tasks {
            if task.await.unwrap().unwrap() {
                winners += 1;
            }
        }
        assert_eq!(winners, 1);
        t.cleanup().await.unwrap();
    }

    #[tokio::test]
    async fn expired_leases_are_purged() {
        let t = TestDatabase::new().await;
        let db = &t.db;
        let now = Utc::now();
        try_acquire(db, &replica_lease("old"), "old", secs(5), now - secs(60))
            .await
            .unwrap();
        try_acquire(db, &replica_lease("new"), "new", secs(30), now)
            .await
            .unwrap();
        assert_eq!(purge_expired(db, now).await.unwrap(), 1);
        assert!(find(db, &replica_lease("old")).await.unwrap().is_none());
        assert!(is_held(db, &replica_lease("new"), now).await.unwrap());
        t.cleanup().await.unwrap();
    }
}
