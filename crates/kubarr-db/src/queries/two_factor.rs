//! Pending 2FA challenges and recovery codes. Ids and codes are stored as SHA-256 hashes.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, Set,
};

use crate::entities::{pending_2fa_challenges as challenges, two_factor_recovery_codes as codes};

/// A challenge to insert.
#[derive(Clone, Debug)]
pub struct NewChallenge {
    pub id: String,
    pub user_id: i64,
    pub user_agent: Option<String>,
    pub ip_address: Option<String>,
    pub now: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

pub async fn create_challenge(
    db: &impl ConnectionTrait,
    new: NewChallenge,
) -> Result<challenges::Model, DbErr> {
    challenges::ActiveModel {
        id: Set(new.id),
        user_id: Set(new.user_id),
        attempts: Set(0),
        user_agent: Set(new.user_agent),
        ip_address: Set(new.ip_address),
        created_at: Set(new.now),
        expires_at: Set(new.expires_at),
    }
    .insert(db)
    .await
}

pub async fn find_challenge(
    db: &impl ConnectionTrait,
    id: &str,
) -> Result<Option<challenges::Model>, DbErr> {
    challenges::Entity::find_by_id(id.to_owned()).one(db).await
}

/// Counts one attempt on a live challenge, atomically. Returns false when the challenge is gone,
/// expired or already has `max_attempts` attempts (then the caller must refuse).
pub async fn count_attempt(
    db: &impl ConnectionTrait,
    id: &str,
    now: DateTime<Utc>,
    max_attempts: i32,
) -> Result<bool, DbErr> {
    let res = challenges::Entity::update_many()
        .col_expr(
            challenges::Column::Attempts,
            Expr::col(challenges::Column::Attempts).add(1),
        )
        .filter(challenges::Column::Id.eq(id))
        .filter(challenges::Column::ExpiresAt.gt(now))
        .filter(challenges::Column::Attempts.lt(max_attempts))
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Deletes a challenge; returns whether it existed (so exactly one completion wins).
pub async fn delete_challenge(db: &impl ConnectionTrait, id: &str) -> Result<bool, DbErr> {
    Ok(challenges::Entity::delete_by_id(id.to_owned())
        .exec(db)
        .await?
        .rows_affected
        == 1)
}

/// Deletes every pending challenge of a user (their password changed: a challenge opened with the
/// old one must not complete). Returns how many.
pub async fn delete_challenges_for_user(
    db: &impl ConnectionTrait,
    user_id: i64,
) -> Result<u64, DbErr> {
    Ok(challenges::Entity::delete_many()
        .filter(challenges::Column::UserId.eq(user_id))
        .exec(db)
        .await?
        .rows_affected)
}

/// Deletes expired challenges and those out of attempts.
pub async fn purge_challenges(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    max_attempts: i32,
) -> Result<u64, DbErr> {
    Ok(challenges::Entity::delete_many()
        .filter(
            sea_orm::Condition::any()
                .add(challenges::Column::ExpiresAt.lte(now))
                .add(challenges::Column::Attempts.gte(max_attempts)),
        )
        .exec(db)
        .await?
        .rows_affected)
}

/// Replaces a user's recovery codes with the given hashes.
pub async fn replace_recovery_codes(
    db: &impl ConnectionTrait,
    user_id: i64,
    hashes: &[String],
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    delete_recovery_codes(db, user_id).await?;
    if hashes.is_empty() {
        return Ok(());
    }
    codes::Entity::insert_many(hashes.iter().map(|h| codes::ActiveModel {
        user_id: Set(user_id),
        code_hash: Set(h.clone()),
        used_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    }))
    .exec_without_returning(db)
    .await
    .map(|_| ())
}

pub async fn delete_recovery_codes(db: &impl ConnectionTrait, user_id: i64) -> Result<(), DbErr> {
    codes::Entity::delete_many()
        .filter(codes::Column::UserId.eq(user_id))
        .exec(db)
        .await
        .map(|_| ())
}

/// Marks an unused recovery code of the user as used. Returns false when no such unused code
/// exists (wrong or already used): a conditional update, so a code works exactly once.
pub async fn use_recovery_code(
    db: &impl ConnectionTrait,
    user_id: i64,
    code_hash: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let res = codes::Entity::update_many()
        .col_expr(codes::Column::UsedAt, Expr::value(now))
        .filter(codes::Column::UserId.eq(user_id))
        .filter(codes::Column::CodeHash.eq(code_hash))
        .filter(codes::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    Ok(res.rows_affected >= 1)
}

/// How many unused recovery codes a user has left.
pub async fn remaining_recovery_codes(
    db: &impl ConnectionTrait,
    user_id: i64,
) -> Result<u64, DbErr> {
    codes::Entity::find()
        .filter(codes::Column::UserId.eq(user_id))
        .filter(codes::Column::UsedAt.is_null())
        .count(db)
        .await
}
