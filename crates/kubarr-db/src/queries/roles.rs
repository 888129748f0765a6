//! Roles, their global permissions and per-app grants, and the grants of a user.

use chrono::Utc;
use sea_orm::sea_query::{Alias, Expr, Func, Query, UnionType};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, FromQueryResult,
    PaginatorTrait, QueryFilter, QueryOrder, Set,
};

use crate::entities::{role_app_permissions, role_permissions, roles, user_roles};

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

pub async fn find_by_id(db: &impl ConnectionTrait, id: i64) -> Result<Option<roles::Model>, DbErr> {
    roles::Entity::find_by_id(id).one(db).await
}

/// Roles with the given ids (missing ids are simply absent).
pub async fn find_many(db: &impl ConnectionTrait, ids: &[i64]) -> Result<Vec<roles::Model>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    roles::Entity::find()
        .filter(roles::Column::Id.is_in(ids.iter().copied()))
        .order_by_asc(roles::Column::Id)
        .all(db)
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

/// Global permissions of several roles: `(role_id, permission)`.
pub async fn permissions_of(
    db: &impl ConnectionTrait,
    role_ids: &[i64],
) -> Result<Vec<(i64, String)>, DbErr> {
    if role_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(role_permissions::Entity::find()
        .filter(role_permissions::Column::RoleId.is_in(role_ids.iter().copied()))
        .order_by_asc(role_permissions::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.role_id, p.permission))
        .collect())
}

/// Per-app grants of several roles: `(role_id, app_name, permission)`.
pub async fn app_grants_of(
    db: &impl ConnectionTrait,
    role_ids: &[i64],
) -> Result<Vec<(i64, String, String)>, DbErr> {
    if role_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(role_app_permissions::Entity::find()
        .filter(role_app_permissions::Column::RoleId.is_in(role_ids.iter().copied()))
        .order_by_asc(role_app_permissions::Column::AppName)
        .order_by_asc(role_app_permissions::Column::Permission)
        .all(db)
        .await?
        .into_iter()
        .map(|g| (g.role_id, g.app_name, g.permission))
        .collect())
}

/// Fields of a new role.
#[derive(Clone, Debug)]
pub struct NewRole {
    pub name: String,
    pub description: String,
    pub requires_2fa: bool,
}

pub async fn create(db: &impl ConnectionTrait, new: NewRole) -> Result<roles::Model, DbErr> {
    let now = Utc::now();
    roles::ActiveModel {
        name: Set(new.name),
        description: Set(new.description),
        is_system: Set(false),
        requires_2fa: Set(new.requires_2fa),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// Changes of a role (each `None` leaves the column alone).
#[derive(Clone, Debug, Default)]
pub struct RoleChanges {
    pub name: Option<String>,
    pub description: Option<String>,
    pub requires_2fa: Option<bool>,
}

pub async fn update(db: &impl ConnectionTrait, id: i64, changes: RoleChanges) -> Result<(), DbErr> {
    let mut update = roles::Entity::update_many()
        .col_expr(roles::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(roles::Column::Id.eq(id));
    if let Some(name) = changes.name {
        update = update.col_expr(roles::Column::Name, Expr::value(name));
    }
    if let Some(description) = changes.description {
        update = update.col_expr(roles::Column::Description, Expr::value(description));
    }
    if let Some(requires_2fa) = changes.requires_2fa {
        update = update.col_expr(roles::Column::Requires2fa, Expr::value(requires_2fa));
    }
    update.exec(db).await.map(|_| ())
}

pub async fn delete(db: &impl ConnectionTrait, id: i64) -> Result<bool, DbErr> {
    Ok(roles::Entity::delete_by_id(id)
        .exec(db)
        .await?
        .rows_affected
        == 1)
}

/// Replaces a role's global permissions.
pub async fn set_permissions(
    db: &impl ConnectionTrait,
    role_id: i64,
    permissions: &[String],
) -> Result<(), DbErr> {
    role_permissions::Entity::delete_many()
        .filter(role_permissions::Column::RoleId.eq(role_id))
        .exec(db)
        .await?;
    if permissions.is_empty() {
        return Ok(());
    }
    role_permissions::Entity::insert_many(permissions.iter().map(|p| {
        role_permissions::ActiveModel {
            role_id: Set(role_id),
            permission: Set(p.clone()),
            ..Default::default()
        }
    }))
    .exec_without_returning(db)
    .await
    .map(|_| ())
}

/// Replaces a role's per-app grants with `(app_name, permission)` pairs.
pub async fn set_app_grants(
    db: &impl ConnectionTrait,
    role_id: i64,
    grants: &[(String, String)],
) -> Result<(), DbErr> {
    role_app_permissions::Entity::delete_many()
        .filter(role_app_permissions::Column::RoleId.eq(role_id))
        .exec(db)
        .await?;
    if grants.is_empty() {
        return Ok(());
    }
    role_app_permissions::Entity::insert_many(grants.iter().map(|(app, p)| {
        role_app_permissions::ActiveModel {
            role_id: Set(role_id),
            app_name: Set(app.clone()),
            permission: Set(p.clone()),
            ..Default::default()
        }
    }))
    .exec_without_returning(db)
    .await
    .map(|_| ())
}

/// How many users hold a role.
pub async fn user_count(db: &impl ConnectionTrait, role_id: i64) -> Result<u64, DbErr> {
    user_roles::Entity::find()
        .filter(user_roles::Column::RoleId.eq(role_id))
        .count(db)
        .await
}

/// One row of a user's grants: a role, and one of its permissions (global when `app_name` is
/// `None`). A role without permissions yields one row with `permission: None`.
#[derive(Clone, Debug, FromQueryResult)]
pub struct GrantRow {
    pub role_id: i64,
    pub role_name: String,
    pub requires_2fa: bool,
    pub permission: Option<String>,
    pub app_name: Option<String>,
}

/// Every role, global permission and per-app grant of a user, in one round trip.
pub async fn user_grants(db: &impl ConnectionTrait, user_id: i64) -> Result<Vec<GrantRow>, DbErr> {
    let global = Query::select()
        .expr_as(
            Expr::col((roles::Entity, roles::Column::Id)),
            Alias::new("role_id"),
        )
        .expr_as(
            Expr::col((roles::Entity, roles::Column::Name)),
            Alias::new("role_name"),
        )
        .expr_as(
            Expr::col((roles::Entity, roles::Column::Requires2fa)),
            Alias::new("requires_2fa"),
        )
        .expr_as(
            Expr::col((
                role_permissions::Entity,
                role_permissions::Column::Permission,
            )),
            Alias::new("permission"),
        )
        .expr_as(Expr::cust("NULL"), Alias::new("app_name"))
        .from(user_roles::Entity)
        .inner_join(
            roles::Entity,
            Expr::col((roles::Entity, roles::Column::Id))
                .equals((user_roles::Entity, user_roles::Column::RoleId)),
        )
        .left_join(
            role_permissions::Entity,
            Expr::col((role_permissions::Entity, role_permissions::Column::RoleId))
                .equals((roles::Entity, roles::Column::Id)),
        )
        .and_where(Expr::col((user_roles::Entity, user_roles::Column::UserId)).eq(user_id))
        .to_owned();
    let per_app = Query::select()
        .expr(Expr::col((roles::Entity, roles::Column::Id)))
        .expr(Expr::col((roles::Entity, roles::Column::Name)))
        .expr(Expr::col((roles::Entity, roles::Column::Requires2fa)))
        .expr(Expr::col((
            role_app_permissions::Entity,
            role_app_permissions::Column::Permission,
        )))
        .expr(Expr::col((
            role_app_permissions::Entity,
            role_app_permissions::Column::AppName,
        )))
        .from(user_roles::Entity)
        .inner_join(
            roles::Entity,
            Expr::col((roles::Entity, roles::Column::Id))
                .equals((user_roles::Entity, user_roles::Column::RoleId)),
        )
        .inner_join(
            role_app_permissions::Entity,
            Expr::col((
                role_app_permissions::Entity,
                role_app_permissions::Column::RoleId,
            ))
            .equals((roles::Entity, roles::Column::Id)),
        )
        .and_where(Expr::col((user_roles::Entity, user_roles::Column::UserId)).eq(user_id))
        .to_owned();
    let query = global.clone().union(UnionType::All, per_app).to_owned();
    let stmt = db.get_database_backend().build(&query);
    GrantRow::find_by_statement(stmt).all(db).await
}
