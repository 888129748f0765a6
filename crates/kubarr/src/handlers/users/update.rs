//! `PATCH /api/users/{id}`: e-mail, flags and roles, checked first (grant only what you hold,
//! the last administrator stays, the e-mail is free), then written and audited in one
//! transaction.

use axum::extract::State;
use axum::Json;
use kubarr_db::entities::{roles as role_entity, users as user_entity};
use kubarr_db::queries::{sessions, users};
use sea_orm::{DatabaseTransaction, TransactionTrait};
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

use super::{
    ensure_can_grant, ensure_not_last_admin, existing_roles, find_user, lock_admins,
    permissions_of_roles, permissions_of_user, user_response, UserResponse, ADMIN_ROLE,
};
use crate::audit::AuditAction;
use crate::auth::{perm, validate, CurrentUser, Require};
use crate::error::{AppResult, ErrorBody};
use crate::extract::{JsonBody, Path};
use crate::identity::{self, IdentityError};
use crate::state::AppState;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUserRequest {
    #[schema(schema_with = crate::openapi::fields::email_or_null)]
    pub email: Option<String>,
    pub is_active: Option<bool>,
    pub is_approved: Option<bool>,
    /// Replaces the user's roles.
    pub role_ids: Option<Vec<i64>>,
}

/// Change a user's e-mail, flags (activate/deactivate, approve/reject) or roles. Deactivating
/// or un-approving ends the user's sessions.
#[utoipa::path(patch, path = "/api/users/{id}", tag = "users",
    params(("id" = i64, Path, description = "User id")),
    request_body = UpdateUserRequest,
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "The changed user", body = UserResponse),
        (status = 400, description = "Invalid field", body = ErrorBody),
        (status = 403, description = "Lacks users.manage, or the change involves permissions the caller does not hold", body = ErrorBody),
        (status = 404, description = "No such user", body = ErrorBody),
        (status = 409, description = "Would remove the last active administrator, or e-mail taken", body = ErrorBody),
        (status = 422, description = "Unknown role, or the password fails the policy", body = ErrorBody)))]
pub async fn update_user(
    State(state): State<AppState>,
    Require(actor, _): Require<perm::UsersManage>,
    Path(id): Path<i64>,
    JsonBody(req): JsonBody<UpdateUserRequest>,
) -> AppResult<Json<UserResponse>> {
    let email = req
        .email
        .as_deref()
        .map(|e| validate::email(e, "email"))
        .transpose()?;
    let txn = state.db.begin().await?;
    lock_admins(&txn).await?;
    let target = find_user(&txn, id).await?;
    let new_roles = check_update(&txn, &actor, &target, &req, email.as_deref()).await?;
    users::update(
        &txn,
        id,
        users::UserChanges {
            email: email.clone(),
            is_active: req.is_active,
            is_approved: req.is_approved,
        },
    )
    .await
    .map_err(|e| match identity::is_unique_violation(&e) {
        true => IdentityError::EmailTaken,
        false => e.into(),
    })?;
    if let Some(roles) = &new_roles {
        let ids: Vec<i64> = roles.iter().map(|r| r.id).collect();
        users::set_roles(&txn, id, &ids).await?;
    }
    // A deactivated or un-approved user is signed out everywhere at once.
    let revoked = if req.is_active == Some(false) || req.is_approved == Some(false) {
        sessions::revoke_all_for_user(&txn, id, None).await?
    } else {
        0
    };
    let details = audit_details(
        &target,
        &req,
        email.as_deref(),
        new_roles.as_deref(),
        revoked,
    );
    actor
        .audit()
        .record(
            &txn,
            AuditAction::UserUpdated,
            "user",
            Some(id.to_string()),
            details,
        )
        .await?;
    let model = find_user(&txn, id).await?;
    let body = user_response(&txn, model).await?;
    txn.commit().await?;
    state.auth.sessions_changed();
    Ok(Json(body))
}

/// Everything that can refuse the change, before anything is written: the caller holds every
/// permission the user has and every one the new roles give, the e-mail is free, and the last
/// active administrator keeps the role. Returns the new roles when they change.
async fn check_update(
    txn: &DatabaseTransaction,
    actor: &CurrentUser,
    target: &user_entity::Model,
    req: &UpdateUserRequest,
    email: Option<&str>,
) -> AppResult<Option<Vec<role_entity::Model>>> {
    let target_perms = permissions_of_user(txn, target.id).await?;
    ensure_can_grant(&actor.permissions, &target_perms)?;
    let new_roles = match &req.role_ids {
        Some(role_ids) => {
            let found = existing_roles(txn, role_ids, "role_ids").await?;
            let ids: Vec<i64> = found.iter().map(|r| r.id).collect();
            ensure_can_grant(&actor.permissions, &permissions_of_roles(txn, &ids).await?)?;
            Some(found)
        }
        None => None,
    };
    if let Some(email) = email {
        identity::ensure_free(txn, None, Some(email), Some(target.id)).await?;
    }
    let loses_admin = req.is_active == Some(false)
        || req.is_approved == Some(false)
        || new_roles.as_ref().is_some_and(|found| {
            !found
                .iter()
                .any(|r| r.name.eq_ignore_ascii_case(ADMIN_ROLE))
        });
    if loses_admin {
        ensure_not_last_admin(txn, target.id).await?;
    }
    Ok(new_roles)
}

/// What the audit row says changed (never more than the request named).
fn audit_details(
    target: &user_entity::Model,
    req: &UpdateUserRequest,
    email: Option<&str>,
    new_roles: Option<&[role_entity::Model]>,
    sessions_revoked: u64,
) -> serde_json::Value {
    let mut details = serde_json::Map::new();
    if let Some(email) = email {
        details.insert("email".into(), json!(email));
    }
    if let Some(v) = req.is_active {
        details.insert("is_active".into(), json!(v));
    }
    if let Some(v) = req.is_approved {
        details.insert("is_approved".into(), json!(v));
    }
    if let Some(roles) = new_roles {
        let names: Vec<&str> = roles.iter().map(|r| r.name.as_str()).collect();
        details.insert("roles".into(), json!(names));
    }
    details.insert("username".into(), json!(target.username));
    if sessions_revoked > 0 {
        details.insert("sessions_revoked".into(), json!(sessions_revoked));
    }
    serde_json::Value::Object(details)
}
