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

/// The settings row that marks setup as done; inserting it is the lock that lets exactly one
/// first administrator be created, however many requests or replicas try at once.
pub const SETUP_MARKER: &str = "_setup_completed";

/// Creates the first administrator (an active user with the `admin` role) — only while no user
/// exists and setup was never completed. `None` when it was. Run it in a transaction.
pub async fn create_first_admin(
    db: &impl ConnectionTrait,
    new: NewUser,
) -> Result<Option<users::Model>, DbErr> {
    if count(db).await? > 0
        || !super::settings::insert_if_absent(
            db,
            SETUP_MARKER,
            "true".into(),
            "Set when setup is done.",
        )
        .await?
    {
        return Ok(None);
    }
    let admin = super::roles::find_by_name(db, "admin")
        .await?
        .ok_or_else(|| DbErr::Custom("the admin role is missing".into()))?;
    create(db, new, &[admin.id]).await.map(Some)
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

/// A page of users ordered by id, after `after_id`.
pub async fn list(
    db: &impl ConnectionTrait,
    after_id: Option<i64>,
    limit: u64,
) -> Result<Vec<users::Model>, DbErr> {
    use sea_orm::{QueryOrder, QuerySelect};
    let mut q = users::Entity::find();
    if let Some(after) = after_id {
        q = q.filter(users::Column::Id.gt(after));
    }
    q.order_by_asc(users::Column::Id).limit(limit).all(db).await
}

/// The role ids of each of the given users.
pub async fn role_ids(
    db: &impl ConnectionTrait,
    user_ids: &[i64],
) -> Result<std::collections::HashMap<i64, Vec<i64>>, DbErr> {
    use sea_orm::QueryOrder;
    let mut map: std::collections::HashMap<i64, Vec<i64>> =
        user_ids.iter().map(|id| (*id, Vec::new())).collect();
    if user_ids.is_empty() {
        return Ok(map);
    }
    let rows = user_roles::Entity::find()
        .filter(user_roles::Column::UserId.is_in(user_ids.iter().copied()))
        .order_by_asc(user_roles::Column::RoleId)
        .all(db)
        .await?;
    for row in rows {
        map.entry(row.user_id).or_default().push(row.role_id);
    }
    Ok(map)
}

/// Replaces a user's roles.
pub async fn set_roles(
    db: &impl ConnectionTrait,
    user_id: i64,
    role_ids: &[i64],
) -> Result<(), DbErr> {
    user_roles::Entity::delete_many()
        .filter(user_roles::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    if role_ids.is_empty() {
        return Ok(());
    }
    user_roles::Entity::insert_many(role_ids.iter().map(|role_id| user_roles::ActiveModel {
        user_id: Set(user_id),
        role_id: Set(*role_id),
    }))
    .exec_without_returning(db)
    .await
    .map(|_| ())
}

/// Changes of a user's flags and e-mail (each `None` leaves the column alone).
#[derive(Clone, Debug, Default)]
pub struct UserChanges {
    pub email: Option<String>,
    pub is_active: Option<bool>,
    pub is_approved: Option<bool>,
}

pub async fn update(
    db: &impl ConnectionTrait,
    user_id: i64,
    changes: UserChanges,
) -> Result<(), DbErr> {
    let mut update = users::Entity::update_many()
        .col_expr(users::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(users::Column::Id.eq(user_id));
    if let Some(email) = changes.email {
        update = update.col_expr(users::Column::Email, Expr::value(email));
    }
    if let Some(active) = changes.is_active {
        update = update.col_expr(users::Column::IsActive, Expr::value(active));
    }
    if let Some(approved) = changes.is_approved {
        update = update.col_expr(users::Column::IsApproved, Expr::value(approved));
    }
    update.exec(db).await.map(|_| ())
}

/// Deletes a user (sessions, roles, codes and challenges go with it).
pub async fn delete(db: &impl ConnectionTrait, user_id: i64) -> Result<bool, DbErr> {
    Ok(users::Entity::delete_by_id(user_id)
        .exec(db)
        .await?
        .rows_affected
        == 1)
}

/// Records a successful login.
pub async fn set_last_login(
    db: &impl ConnectionTrait,
    user_id: i64,
    at: chrono::DateTime<Utc>,
) -> Result<(), DbErr> {
    users::Entity::update_many()
        .col_expr(users::Column::LastLoginAt, Expr::value(at))
        .filter(users::Column::Id.eq(user_id))
        .exec(db)
        .await
        .map(|_| ())
}

/// Stores a new (encrypted) TOTP secret, not yet enabled.
pub async fn set_pending_totp_secret(
    db: &impl ConnectionTrait,
    user_id: i64,
    encrypted: String,
) -> Result<(), DbErr> {
    users::Entity::update_many()
        .col_expr(users::Column::TotpSecret, Expr::value(encrypted))
        .col_expr(users::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(users::Column::Id.eq(user_id))
        .filter(users::Column::TotpEnabled.eq(false))
        .exec(db)
        .await
        .map(|_| ())
}

/// Turns TOTP on or off. Turning it off also forgets the secret and the last used step.
pub async fn set_totp_enabled(
    db: &impl ConnectionTrait,
    user_id: i64,
    enabled: bool,
) -> Result<(), DbErr> {
    let mut update = users::Entity::update_many()
        .col_expr(users::Column::TotpEnabled, Expr::value(enabled))
        .col_expr(users::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(users::Column::Id.eq(user_id));
    if !enabled {
        update = update
            .col_expr(
                users::Column::TotpSecret,
                Expr::value(Option::<String>::None),
            )
            .col_expr(
                users::Column::TotpLastUsedStep,
                Expr::value(Option::<i64>::None),
            );
    }
    update.exec(db).await.map(|_| ())
}

/// Records `step` as the last used TOTP step, only if it is later than the stored one. Returns
/// false when it is not (a replay, or a concurrent use of the same code won).
pub async fn claim_totp_step(
    db: &impl ConnectionTrait,
    user_id: i64,
    step: i64,
) -> Result<bool, DbErr> {
    let res = users::Entity::update_many()
        .col_expr(users::Column::TotpLastUsedStep, Expr::value(step))
        .filter(users::Column::Id.eq(user_id))
        .filter(
            Condition::any()
                .add(users::Column::TotpLastUsedStep.is_null())
                .add(users::Column::TotpLastUsedStep.lt(step)),
        )
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Ids of active users holding the role named `role_name` (case-insensitive).
pub async fn active_user_ids_with_role(
    db: &impl ConnectionTrait,
    role_name: &str,
) -> Result<Vec<i64>, DbErr> {
    use crate::entities::roles;
    use sea_orm::{JoinType, QuerySelect, RelationTrait};
    let rows: Vec<i64> = users::Entity::find()
        .select_only()
        .column(users::Column::Id)
        .join(JoinType::InnerJoin, users::Relation::UserRoles.def())
        .join(JoinType::InnerJoin, user_roles::Relation::Role.def())
        .filter(users::Column::IsActive.eq(true))
        .filter(users::Column::IsApproved.eq(true))
        .filter(
            Expr::expr(Func::lower(Expr::col((roles::Entity, roles::Column::Name))))
                .eq(role_name.to_lowercase()),
        )
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows)
}
