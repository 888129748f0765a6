//! Session rows. `id` is the SHA-256 (hex) of the bearer token; the token is never stored.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
    QueryOrder, Set,
};

use crate::entities::{sessions, users};

/// A session to insert.
#[derive(Clone, Debug)]
pub struct NewSession {
    pub id: String,
    pub user_id: i64,
    pub user_agent: Option<String>,
    pub ip_address: Option<String>,
    pub now: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// Inserts a session.
pub async fn create(db: &impl ConnectionTrait, new: NewSession) -> Result<sessions::Model, DbErr> {
    sessions::ActiveModel {
        id: Set(new.id),
        user_id: Set(new.user_id),
        user_agent: Set(new.user_agent),
        ip_address: Set(new.ip_address),
        created_at: Set(new.now),
        expires_at: Set(new.expires_at),
        last_accessed_at: Set(new.now),
        is_revoked: Set(false),
    }
    .insert(db)
    .await
}

/// A session and its user, whatever their state (the caller checks expiry, revocation, …).
pub async fn find_with_user(
    db: &impl ConnectionTrait,
    id: &str,
) -> Result<Option<(sessions::Model, users::Model)>, DbErr> {
    Ok(sessions::Entity::find_by_id(id.to_owned())
        .find_also_related(users::Entity)
        .one(db)
        .await?
        .and_then(|(s, u)| u.map(|u| (s, u))))
}

/// Records use of a session (callers do it at most once a minute).
pub async fn touch(db: &impl ConnectionTrait, id: &str, now: DateTime<Utc>) -> Result<(), DbErr> {
    sessions::Entity::update_many()
        .col_expr(sessions::Column::LastAccessedAt, Expr::value(now))
        .filter(sessions::Column::Id.eq(id))
        .exec(db)
        .await
        .map(|_| ())
}

/// Revokes one session; with `user_id`, only if it belongs to that user. Returns whether a live
/// session was revoked.
pub async fn revoke(
    db: &impl ConnectionTrait,
    id: &str,
    user_id: Option<i64>,
) -> Result<bool, DbErr> {
    let mut update = sessions::Entity::update_many()
        .col_expr(sessions::Column::IsRevoked, Expr::value(true))
        .filter(sessions::Column::Id.eq(id))
        .filter(sessions::Column::IsRevoked.eq(false));
    if let Some(user_id) = user_id {
        update = update.filter(sessions::Column::UserId.eq(user_id));
    }
    Ok(update.exec(db).await?.rows_affected > 0)
}

/// Revokes every live session of a user, except `keep` (the caller's own, when changing their
/// own password). Returns how many were revoked.
pub async fn revoke_all_for_user(
    db: &impl ConnectionTrait,
    user_id: i64,
    keep: Option<&str>,
) -> Result<u64, DbErr> {
    let mut update = sessions::Entity::update_many()
        .col_expr(sessions::Column::IsRevoked, Expr::value(true))
        .filter(sessions::Column::UserId.eq(user_id))
        .filter(sessions::Column::IsRevoked.eq(false));
    if let Some(keep) = keep {
        update = update.filter(sessions::Column::Id.ne(keep));
    }
    Ok(update.exec(db).await?.rows_affected)
}

/// The live (unrevoked, unexpired, not idle) sessions of a user, newest first.
pub async fn list_live_for_user(
    db: &impl ConnectionTrait,
    user_id: i64,
    now: DateTime<Utc>,
    idle_cutoff: DateTime<Utc>,
) -> Result<Vec<sessions::Model>, DbErr> {
    sessions::Entity::find()
        .filter(sessions::Column::UserId.eq(user_id))
        .filter(sessions::Column::IsRevoked.eq(false))
        .filter(sessions::Column::ExpiresAt.gt(now))
        .filter(sessions::Column::LastAccessedAt.gt(idle_cutoff))
        .order_by_desc(sessions::Column::CreatedAt)
        .order_by_desc(sessions::Column::Id)
        .all(db)
        .await
}

/// Deletes sessions that can no longer be used: expired, idle past `idle_cutoff`, or revoked.
pub async fn purge(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    idle_cutoff: DateTime<Utc>,
) -> Result<u64, DbErr> {
    Ok(sessions::Entity::delete_many()
        .filter(
            Condition::any()
                .add(sessions::Column::ExpiresAt.lte(now))
                .add(sessions::Column::LastAccessedAt.lte(idle_cutoff))
                .add(sessions::Column::IsRevoked.eq(true)),
        )
        .exec(db)
        .await?
        .rows_affected)
}
