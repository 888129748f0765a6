//! Session rows.

use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use crate::entities::sessions;

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
