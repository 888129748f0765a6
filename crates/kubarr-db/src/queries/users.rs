//! User rows: counting, lookup and creation.

use chrono::Utc;
use sea_orm::sea_query::{Expr, Func};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, Set,
};

use crate::entities::{user_roles, users};

/// Fields of a new user. The password is already hashed.
#[derive(Clone, Debug)]
pub struct NewUser {
    pub username: String,
    pub email: String,
    pub hashed_password: String,
    pub is_active: bool,
    pub is_approved: bool,
}

/// How many users exist.
pub async fn count(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    users::Entity::find().count(db).await
}

/// Finds a user whose username or e-mail matches `login`, case-insensitively.
pub async fn find_by_login(
    db: &impl ConnectionTrait,
    login: &str,
) -> Result<Option<users::Model>, DbErr> {
    let login = login.to_lowercase();
    users::Entity::find()
        .filter(
            Condition::any()
                .add(Expr::expr(Func::lower(Expr::col(users::Column::Username))).eq(login.clone()))
                .add(Expr::expr(Func::lower(Expr::col(users::Column::Email))).eq(login)),
        )
        .one(db)
        .await
}

/// Finds a user by id.
pub async fn find_by_id(db: &impl ConnectionTrait, id: i64) -> Result<Option<users::Model>, DbErr> {
    users::Entity::find_by_id(id).one(db).await
}

/// Inserts a user and assigns the given roles.
pub async fn create(
    db: &impl ConnectionTrait,
    new: NewUser,
    role_ids: &[i64],
) -> Result<users::Model, DbErr> {
    let now = Utc::now();
    let user = users::ActiveModel {
        username: Set(new.username),
        email: Set(new.email),
        hashed_password: Set(new.hashed_password),
        is_active: Set(new.is_active),
        is_approved: Set(new.is_approved),
        totp_secret: Set(None),
        totp_enabled: Set(false),
        totp_last_used_step: Set(None),
        password_changed_at: Set(Some(now)),
        last_login_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    for role_id in role_ids {
        user_roles::ActiveModel {
            user_id: Set(user.id),
            role_id: Set(*role_id),
        }
        .insert(db)
        .await?;
    }
    Ok(user)
}

/// Replaces a user's password hash.
pub async fn set_password(
    db: &impl ConnectionTrait,
    user_id: i64,
    hashed_password: String,
) -> Result<(), DbErr> {
    let now = Utc::now();
    users::Entity::update_many()
        .col_expr(users::Column::HashedPassword, Expr::value(hashed_password))
        .col_expr(users::Column::PasswordChangedAt, Expr::value(now))
        .col_expr(users::Column::UpdatedAt, Expr::value(now))
        .filter(users::Column::Id.eq(user_id))
        .exec(db)
        .await
        .map(|_| ())
}
