//! Users: list, create, read, change (flags, e-mail, roles), delete, and password reset by an
//! administrator. Guard rails: the last active administrator stays, and nobody grants or
//! touches more than they hold themselves.

use std::collections::HashMap;

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use kubarr_db::entities::{roles as role_entity, users as user_entity};
use kubarr_db::queries::{roles, sessions, two_factor, users};
use sea_orm::{ConnectionTrait, DbBackend, DbErr, Statement, TransactionTrait};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use crate::audit::AuditAction;
use crate::auth::{password, perm, Permissions, Require};
use crate::error::{AppError, AppResult, ErrorBody, ErrorCode};
use crate::extract::{JsonBody, Path, Query};
use crate::handlers::pagination::{self, Page, PageParams};
use crate::identity::{self, AccountFields, CheckedAccount, Membership};
use crate::state::AppState;

pub(crate) mod update;

/// The name of the system role that holds every permission.
pub const ADMIN_ROLE: &str = "admin";

/// A user as the API shows it (never the password hash or TOTP secret).
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct UserResponse {
    pub id: i64,
    pub username: String,
    pub email: String,
    pub is_active: bool,
    pub is_approved: bool,
    pub totp_enabled: bool,
    /// Role names.
    pub roles: Vec<String>,
    pub role_ids: Vec<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub last_login_at: Option<DateTime<Utc>>,
}

/// Builds the API view of users (one query for roles).
pub async fn user_responses(
    db: &impl ConnectionTrait,
    models: Vec<user_entity::Model>,
) -> Result<Vec<UserResponse>, DbErr> {
    let ids: Vec<i64> = models.iter().map(|u| u.id).collect();
    let role_ids = users::role_ids(db, &ids).await?;
    let names: HashMap<i64, String> = roles::list(db)
        .await?
        .into_iter()
        .map(|r| (r.id, r.name))
        .collect();
    Ok(models
        .into_iter()
        .map(|u| {
            let ids = role_ids.get(&u.id).cloned().unwrap_or_default();
            let mut roles: Vec<String> =
                ids.iter().filter_map(|id| names.get(id).cloned()).collect();
            roles.sort();
            UserResponse {
                id: u.id,
                username: u.username,
                email: u.email,
                is_active: u.is_active,
                is_approved: u.is_approved,
                totp_enabled: u.totp_enabled,
                roles,
                role_ids: ids,
                created_at: u.created_at,
                updated_at: u.updated_at,
                last_login_at: u.last_login_at,
            }
        })
        .collect())
}

pub async fn user_response(
    db: &impl ConnectionTrait,
    model: user_entity::Model,
) -> Result<UserResponse, DbErr> {
    Ok(user_responses(db, vec![model]).await?.remove(0))
}

/// The permissions of a set of roles, merged.
pub async fn permissions_of_roles(
    db: &impl ConnectionTrait,
    role_ids: &[i64],
) -> Result<Permissions, DbErr> {
    let global = roles::permissions_of(db, role_ids).await?;
    let apps = roles::app_grants_of(db, role_ids).await?;
    Ok(Permissions::from_names(
        global.iter().map(|(_, p)| p.as_str()),
        apps.iter().map(|(_, a, p)| (a.as_str(), p.as_str())),
    ))
}

/// The permissions a user holds through their roles.
pub async fn permissions_of_user(
    db: &impl ConnectionTrait,
    user_id: i64,
) -> Result<Permissions, DbErr> {
    let ids = users::role_ids(db, &[user_id])
        .await?
        .remove(&user_id)
        .unwrap_or_default();
    permissions_of_roles(db, &ids).await
}

/// Checks role ids exist (422 naming the field otherwise) and returns the roles.
pub async fn existing_roles(
    db: &impl ConnectionTrait,
    role_ids: &[i64],
    field: &str,
) -> AppResult<Vec<role_entity::Model>> {
    let mut ids = role_ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    if ids.len() > 50 {
        return Err(AppError::validation(field, "Too many roles."));
    }
    let found = roles::find_many(db, &ids).await?;
    if found.len() != ids.len() {
        return Err(AppError::unprocessable(
            ErrorCode::UnknownRole,
            "One of the roles does not exist.",
        )
        .with_field(field));
    }
    Ok(found)
}

/// 403 unless `actor` holds everything in `granted`.
pub fn ensure_can_grant(actor: &Permissions, granted: &Permissions) -> AppResult<()> {
    if actor.covers(granted) {
        Ok(())
    } else {
        Err(AppError::forbidden(
            ErrorCode::CannotGrant,
            "You cannot grant permissions you do not hold yourself.",
        ))
    }
}

/// Takes a lock that serialises changes to who is an administrator (PostgreSQL; SQLite writes
/// are serialised anyway), so two concurrent demotions cannot remove the last one.
pub async fn lock_admins(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    if db.get_database_backend() == DbBackend::Postgres {
        db.execute(Statement::from_string(
            DbBackend::Postgres,
            "SELECT id FROM roles WHERE lower(name) = 'admin' FOR UPDATE",
        ))
        .await?;
    }
    Ok(())
}

/// 409 when `user_id` is an active administrator and no other active one would remain.
pub async fn ensure_not_last_admin(db: &impl ConnectionTrait, user_id: i64) -> AppResult<()> {
    let admins = users::active_user_ids_with_role(db, ADMIN_ROLE).await?;
    if admins.contains(&user_id) && admins.iter().all(|id| *id == user_id) {
        return Err(AppError::conflict(
            ErrorCode::LastAdmin,
            "This is the last active administrator; keep at least one.",
        ));
    }
    Ok(())
}

pub(crate) async fn find_user(db: &impl ConnectionTrait, id: i64) -> AppResult<user_entity::Model> {
    users::find_by_id(db, id)
        .await?
        .ok_or_else(|| AppError::not_found(ErrorCode::UserNotFound, "There is no such user."))
}

/// List users, by id.
#[utoipa::path(get, path = "/api/users", tag = "users",
    params(PageParams),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "A page of users", body = Page<UserResponse>),
        (status = 400, description = "Bad limit or cursor", body = ErrorBody),
        (status = 403, description = "Lacks users.view", body = ErrorBody)))]
pub async fn list_users(
    State(state): State<AppState>,
    _user: Require<perm::UsersView>,
    Query(page): Query<PageParams>,
) -> AppResult<Json<Page<UserResponse>>> {
    let limit = page.limit()?;
    let after = page.cursor().map(pagination::decode_id).transpose()?;
    let mut models = users::list(&state.db, after, limit + 1).await?;
    let next_cursor = pagination::truncate(&mut models, limit, |u| pagination::encode_id(u.id));
    let items = user_responses(&state.db, models).await?;
    Ok(Json(Page { items, next_cursor }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUserRequest {
    #[schema(schema_with = crate::openapi::fields::username)]
    pub username: String,
    #[schema(schema_with = crate::openapi::fields::email)]
    pub email: String,
    #[schema(schema_with = crate::openapi::fields::new_password)]
    pub password: String,
    #[serde(default)]
    pub role_ids: Vec<i64>,
}

/// Create a user (active and approved).
#[utoipa::path(post, path = "/api/users", tag = "users",
    request_body = CreateUserRequest,
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 201, description = "Created", body = UserResponse),
        (status = 400, description = "Invalid field", body = ErrorBody),
        (status = 403, description = "Lacks users.manage, or the roles grant more than the caller holds", body = ErrorBody),
        (status = 409, description = "Username or e-mail taken", body = ErrorBody),
        (status = 422, description = "Unknown role, or the password fails the policy", body = ErrorBody)))]
pub async fn create_user(
    State(state): State<AppState>,
    Require(actor, _): Require<perm::UsersManage>,
    JsonBody(req): JsonBody<CreateUserRequest>,
) -> AppResult<(StatusCode, Json<UserResponse>)> {
    let fields = AccountFields {
        username: &req.username,
        email: &req.email,
        password: &req.password,
    };
    let account = CheckedAccount::check(fields, "")?;
    let roles_found = existing_roles(&state.db, &req.role_ids, "role_ids").await?;
    let role_ids: Vec<i64> = roles_found.iter().map(|r| r.id).collect();
    ensure_can_grant(
        &actor.permissions,
        &permissions_of_roles(&state.db, &role_ids).await?,
    )?;
    identity::ensure_free(
        &state.db,
        Some(account.username()),
        Some(account.email()),
        None,
    )
    .await?;
    let account = account.hash(state.config.auth.bcrypt_cost).await?;
    let username = account.username().to_owned();
    let txn = state.db.begin().await?;
    let created = identity::create_user(&txn, account, Membership::Roles(role_ids), false).await?;
    let role_names: Vec<&str> = roles_found.iter().map(|r| r.name.as_str()).collect();
    actor
        .audit()
        .record(
            &txn,
            AuditAction::UserCreated,
            "user",
            Some(created.id.to_string()),
            json!({ "username": username, "roles": role_names }),
        )
        .await?;
    let body = user_response(&txn, created).await?;
    txn.commit().await?;
    state.auth.sessions_changed();
    Ok((StatusCode::CREATED, Json(body)))
}

/// One user.
#[utoipa::path(get, path = "/api/users/{id}", tag = "users",
    params(("id" = i64, Path, description = "User id")),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "The user", body = UserResponse),
        (status = 403, description = "Lacks users.view", body = ErrorBody),
        (status = 404, description = "No such user", body = ErrorBody)))]
pub async fn get_user(
    State(state): State<AppState>,
    _user: Require<perm::UsersView>,
    Path(id): Path<i64>,
) -> AppResult<Json<UserResponse>> {
    let model = find_user(&state.db, id).await?;
    Ok(Json(user_response(&state.db, model).await?))
}

/// Delete a user (their sessions end with them).
#[utoipa::path(delete, path = "/api/users/{id}", tag = "users",
    params(("id" = i64, Path, description = "User id")),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Lacks users.manage, or the user holds permissions the caller does not", body = ErrorBody),
        (status = 404, description = "No such user", body = ErrorBody),
        (status = 409, description = "The last active administrator, or the caller themself", body = ErrorBody)))]
pub async fn delete_user(
    State(state): State<AppState>,
    Require(actor, _): Require<perm::UsersManage>,
    Path(id): Path<i64>,
) -> AppResult<StatusCode> {
    let txn = state.db.begin().await?;
    lock_admins(&txn).await?;
    let target = find_user(&txn, id).await?;
    if target.id == actor.id {
        return Err(AppError::conflict(
            ErrorCode::CannotDeleteSelf,
            "You cannot delete your own account.",
        ));
    }
    ensure_can_grant(&actor.permissions, &permissions_of_user(&txn, id).await?)?;
    ensure_not_last_admin(&txn, id).await?;
    sessions::revoke_all_for_user(&txn, id, None).await?;
    users::delete(&txn, id).await?;
    actor
        .audit()
        .record(
            &txn,
            AuditAction::UserDeleted,
            "user",
            Some(id.to_string()),
            json!({ "username": target.username }),
        )
        .await?;
    txn.commit().await?;
    state.auth.sessions_changed();
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetPasswordRequest {
    #[schema(schema_with = crate::openapi::fields::new_password)]
    pub new_password: String,
}

/// Set a new password for a user; ends all of their sessions.
#[utoipa::path(put, path = "/api/users/{id}/password", tag = "users",
    params(("id" = i64, Path, description = "User id")),
    request_body = ResetPasswordRequest,
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 204, description = "Password set; the user's sessions ended"),
        (status = 400, description = "Invalid field", body = ErrorBody),
        (status = 422, description = "The password fails the policy (`weak_password`)", body = ErrorBody),
        (status = 403, description = "Lacks users.reset_password, or the user holds permissions the caller does not", body = ErrorBody),
        (status = 404, description = "No such user", body = ErrorBody)))]
pub async fn reset_user_password(
    State(state): State<AppState>,
    Require(actor, _): Require<perm::UsersResetPassword>,
    Path(id): Path<i64>,
    JsonBody(req): JsonBody<ResetPasswordRequest>,
) -> AppResult<StatusCode> {
    let target = find_user(&state.db, id).await?;
    ensure_can_grant(
        &actor.permissions,
        &permissions_of_user(&state.db, id).await?,
    )?;
    password::validate_with(
        &req.new_password,
        &[&target.username, &target.email],
        "new_password",
    )?;
    let hashed = password::hash(&req.new_password, state.config.auth.bcrypt_cost).await?;
    let txn = state.db.begin().await?;
    users::set_password(&txn, id, hashed).await?;
    let revoked = sessions::revoke_all_for_user(&txn, id, None).await?;
    // A sign-in half done with the old password must not complete.
    two_factor::delete_challenges_for_user(&txn, id).await?;
    actor
        .audit()
        .record(
            &txn,
            AuditAction::PasswordReset,
            "user",
            Some(id.to_string()),
            json!({ "username": target.username, "sessions_revoked": revoked }),
        )
        .await?;
    txn.commit().await?;
    state.auth.sessions_changed();
    Ok(StatusCode::NO_CONTENT)
}
