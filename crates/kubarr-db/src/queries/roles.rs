//! Role lookups.

use sea_orm::sea_query::{Expr, Func};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};

use crate::entities::{role_permissions, roles};

/// Finds a role by name (case-insensitive, as the unique index is).
pub async fn find_by_name(
    db: &impl ConnectionTrait,
    name: &str,
) -> Result<Option<roles::Model>, DbErr> {
    roles::Entity::find()
        .filter(Expr::expr(Func::lower(Expr::col(roles::Column::Name))).eq(name.to_lowercase()))
        .one(db)
        .await
}

/// All roles, ordered by id.
pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<roles::Model>, DbErr> {
    roles::Entity::find()
        .order_by_asc(roles::Column::Id)
        .all(db)
        .await
}

/// The global permissions of one role, sorted.
pub async fn permissions(db: &impl ConnectionTrait, role_id: i64) -> Result<Vec<String>, DbErr> {
    let mut perms: Vec<String> = role_permissions::Entity::find()
        .filter(role_permissions::Column::RoleId.eq(role_id))
        .all(db)
        .await?
        .into_iter()
        .map(|p| p.permission)
        .collect();
    perms.sort();
    Ok(perms)
}
