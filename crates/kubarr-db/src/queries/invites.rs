//! Invites. `token` is the SHA-256 (hex) of the invite token handed to the admin.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use crate::entities::invites;

pub async fn create(
    db: &impl ConnectionTrait,
    token_hash: String,
    created_by: i64,
    email: Option<String>,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<invites::Model, DbErr> {
    invites::ActiveModel {
        token: Set(token_hash),
        created_by: Set(Some(created_by)),
        email: Set(email),
        used: Set(false),
        used_by: Set(None),
        used_at: Set(None),
        expires_at: Set(expires_at),
        created_at: Set(now),
    }
    .insert(db)
    .await
}

pub async fn find(
    db: &impl ConnectionTrait,
    token_hash: &str,
) -> Result<Option<invites::Model>, DbErr> {
    invites::Entity::find_by_id(token_hash.to_owned())
        .one(db)
        .await
}

/// Marks an unused, unexpired invite as used by `user_id`. Returns false when another
/// redemption won, or the invite is used, revoked or expired: exactly one redemption succeeds.
pub async fn redeem(
    db: &impl ConnectionTrait,
    token_hash: &str,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let res = invites::Entity::update_many()
        .col_expr(invites::Column::Used, Expr::value(true))
        .col_expr(invites::Column::UsedBy, Expr::value(user_id))
        .col_expr(invites::Column::UsedAt, Expr::value(now))
        .filter(invites::Column::Token.eq(token_hash))
        .filter(invites::Column::Used.eq(false))
        .filter(invites::Column::ExpiresAt.gt(now))
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Deletes an invite; returns whether it existed.
pub async fn delete(db: &impl ConnectionTrait, token_hash: &str) -> Result<bool, DbErr> {
    Ok(invites::Entity::delete_by_id(token_hash.to_owned())
        .exec(db)
        .await?
        .rows_affected
        == 1)
}

/// A page of invites, newest first, after the `(created_at, token)` cursor.
pub async fn list(
    db: &impl ConnectionTrait,
    after: Option<(DateTime<Utc>, String)>,
    limit: u64,
) -> Result<Vec<invites::Model>, DbErr> {
    let mut q = invites::Entity::find();
    if let Some((at, token)) = after {
        q = q.filter(
            sea_orm::Condition::any()
                .add(invites::Column::CreatedAt.lt(at))
                .add(
                    sea_orm::Condition::all()
                        .add(invites::Column::CreatedAt.eq(at))
                        .add(invites::Column::Token.lt(token)),
                ),
        );
    }
    q.order_by_desc(invites::Column::CreatedAt)
        .order_by_desc(invites::Column::Token)
        .limit(limit)
        .all(db)
        .await
}
