//! Roles, their global permissions and per-app grants, and the permission vocabulary.
//! System roles (`admin`, `operator`, `viewer`) cannot be renamed, deleted or re-permissioned.

pub(crate) mod grants;
mod rules;

use std::collections::HashMap;

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Utc};
use kubarr_db::entities::roles as role_entity;
use kubarr_db::queries::roles;
use sea_orm::{ConnectionTrait, DatabaseTransaction, DbErr, TransactionTrait};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use crate::audit::AuditAction;
use crate::auth::{perm, Permission, Require};
use crate::error::{AppError, AppResult, ErrorBody, ErrorCode};
use crate::extract::{JsonBody, Path};
use crate::handlers::users::{ensure_can_grant, permissions_of_roles};
use crate::identity::is_unique_violation;
use crate::state::AppState;

use grants::GrantChange;
use rules::{description, description_or_null, role_name, role_name_or_null, role_name_schema};

/// A permission and what it allows.
#[derive(Serialize, ToSchema)]
pub struct PermissionInfo {
    pub name: Permission,
    pub description: String,
    /// Whether a role may hold it for one app only.
    pub app_scopable: bool,
}

/// Every permission with a description.
#[utoipa::path(get, path = "/api/permissions", tag = "roles",
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "Every permission", body = Vec<PermissionInfo>),
        (status = 403, description = "Lacks roles.view", body = ErrorBody)))]
pub async fn list_permissions(_user: Require<perm::RolesView>) -> Json<Vec<PermissionInfo>> {
    Json(
        Permission::ALL
            .iter()
            .map(|p| PermissionInfo {
                name: *p,
                description: p.description().to_owned(),
                app_scopable: p.is_app_scopable(),
            })
            .collect(),
    )
}

/// A permission held for one app only.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, PartialEq, Eq, PartialOrd, Ord)]
#[serde(deny_unknown_fields)]
pub struct AppGrant {
    #[schema(schema_with = crate::openapi::fields::app_name)]
    pub app_name: String,
    #[schema(schema_with = crate::openapi::fields::app_scopable_permission)]
    pub permission: Permission,
}

#[derive(Serialize, ToSchema)]
pub struct RoleResponse {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub is_system: bool,
    /// Holders must enable 2FA before they can do anything else.
    pub requires_2fa: bool,
    pub permissions: Vec<Permission>,
    pub app_grants: Vec<AppGrant>,
    pub user_count: u64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

async fn role_responses(
    db: &impl ConnectionTrait,
    models: Vec<role_entity::Model>,
) -> Result<Vec<RoleResponse>, DbErr> {
    let ids: Vec<i64> = models.iter().map(|r| r.id).collect();
    let mut global: HashMap<i64, Vec<Permission>> = HashMap::new();
    for (role_id, name) in roles::permissions_of(db, &ids).await? {
        if let Ok(p) = name.parse() {
            global.entry(role_id).or_default().push(p);
        }
    }
    let mut apps: HashMap<i64, Vec<AppGrant>> = HashMap::new();
    for (role_id, app_name, name) in roles::app_grants_of(db, &ids).await? {
        if let Ok(permission) = name.parse() {
            apps.entry(role_id).or_default().push(AppGrant {
                app_name,
                permission,
            });
        }
    }
    let mut out = Vec::with_capacity(models.len());
    for r in models {
        let mut permissions = global.remove(&r.id).unwrap_or_default();
        permissions.sort();
        let mut app_grants = apps.remove(&r.id).unwrap_or_default();
        app_grants.sort();
        out.push(RoleResponse {
            user_count: roles::user_count(db, r.id).await?,
            id: r.id,
            name: r.name,
            description: r.description,
            is_system: r.is_system,
            requires_2fa: r.requires_2fa,
            permissions,
            app_grants,
            created_at: r.created_at,
            updated_at: r.updated_at,
        });
    }
    Ok(out)
}

async fn find_role(db: &impl ConnectionTrait, id: i64) -> AppResult<role_entity::Model> {
    roles::find_by_id(db, id)
        .await?
        .ok_or_else(|| AppError::not_found(ErrorCode::RoleNotFound, "There is no such role."))
}

/// A role that may be changed: custom, not system.
async fn find_custom_role(db: &impl ConnectionTrait, id: i64) -> AppResult<role_entity::Model> {
    let role = find_role(db, id).await?;
    if role.is_system {
        return Err(system_role());
    }
    Ok(role)
}

/// Ends a role change: the role as answered, the commit, and fresh grants for every request after.
async fn commit_role_change(
    state: &AppState,
    txn: DatabaseTransaction,
    role: role_entity::Model,
) -> AppResult<RoleResponse> {
    let body = role_responses(&txn, vec![role]).await?.remove(0);
    txn.commit().await?;
    state.auth.grants.invalidate();
    Ok(body)
}

fn system_role() -> AppError {
    AppError::conflict(
        ErrorCode::SystemRole,
        "System roles cannot be renamed, deleted or given other permissions.",
    )
}

/// Every role.
#[utoipa::path(get, path = "/api/roles", tag = "roles",
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "Every role", body = Vec<RoleResponse>),
        (status = 403, description = "Lacks roles.view", body = ErrorBody)))]
pub async fn list_roles(
    State(state): State<AppState>,
    _user: Require<perm::RolesView>,
) -> AppResult<Json<Vec<RoleResponse>>> {
    let models = roles::list(&state.db).await?;
    Ok(Json(role_responses(&state.db, models).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateRoleRequest {
    #[schema(schema_with = role_name_schema)]
    pub name: String,
    #[schema(schema_with = description_or_null)]
    pub description: Option<String>,
    #[serde(default)]
    pub requires_2fa: bool,
    /// Global permission names.
    #[serde(default)]
    #[schema(schema_with = crate::openapi::fields::permission_names)]
    pub permissions: Vec<String>,
    #[serde(default)]
    pub app_grants: Vec<AppGrant>,
}

/// Create a custom role.
#[utoipa::path(post, path = "/api/roles", tag = "roles",
    request_body = CreateRoleRequest,
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 201, description = "Created", body = RoleResponse),
        (status = 400, description = "Invalid field or unknown permission", body = ErrorBody),
        (status = 403, description = "Lacks roles.manage, or grants more than the caller holds", body = ErrorBody),
        (status = 409, description = "Name taken", body = ErrorBody)))]
pub async fn create_role(
    State(state): State<AppState>,
    Require(actor, _): Require<perm::RolesManage>,
    JsonBody(req): JsonBody<CreateRoleRequest>,
) -> AppResult<(StatusCode, Json<RoleResponse>)> {
    let name = role_name(&req.name)?;
    let description = description(req.description.as_deref())?.unwrap_or_default();
    let change = GrantChange::parse(Some(&req.permissions), Some(&req.app_grants))?;
    change.ensure_actor_holds(&actor.permissions)?;
    let taken = || {
        AppError::conflict(ErrorCode::RoleNameTaken, "A role with that name exists.")
            .with_field("name")
    };
    let txn = state.db.begin().await?;
    if roles::find_by_name(&txn, &name).await?.is_some() {
        return Err(taken());
    }
    let role = roles::create(
        &txn,
        roles::NewRole {
            name: name.clone(),
            description,
            requires_2fa: req.requires_2fa,
        },
    )
    .await
    .map_err(|e| {
        if is_unique_violation(&e) {
            taken()
        } else {
            e.into()
        }
    })?;
    change.write(&txn, role.id).await?;
    let (permissions, grants) = (change.permissions, change.grants);
    actor
        .audit()
        .record(
            &txn,
            AuditAction::RoleCreated,
            "role",
            Some(role.id.to_string()),
            json!({ "name": name, "permissions": permissions, "app_grants": grants, "requires_2fa": req.requires_2fa }),
        )
        .await?;
    let body = commit_role_change(&state, txn, role).await?;
    Ok((StatusCode::CREATED, Json(body)))
}

/// One role.
#[utoipa::path(get, path = "/api/roles/{id}", tag = "roles",
    params(("id" = i64, Path, description = "Role id")),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "The role", body = RoleResponse),
        (status = 403, description = "Lacks roles.view", body = ErrorBody),
        (status = 404, description = "No such role", body = ErrorBody)))]
pub async fn get_role(
    State(state): State<AppState>,
    _user: Require<perm::RolesView>,
    Path(id): Path<i64>,
) -> AppResult<Json<RoleResponse>> {
    let role = find_role(&state.db, id).await?;
    Ok(Json(role_responses(&state.db, vec![role]).await?.remove(0)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateRoleRequest {
    #[schema(schema_with = role_name_or_null)]
    pub name: Option<String>,
    #[schema(schema_with = description_or_null)]
    pub description: Option<String>,
    pub requires_2fa: Option<bool>,
}

/// Rename a custom role, or change any role's description or 2FA requirement.
#[utoipa::path(patch, path = "/api/roles/{id}", tag = "roles",
    params(("id" = i64, Path, description = "Role id")),
    request_body = UpdateRoleRequest,
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "The changed role", body = RoleResponse),
        (status = 400, description = "Invalid field", body = ErrorBody),
        (status = 403, description = "Lacks roles.manage, or the role holds more than the caller", body = ErrorBody),
        (status = 404, description = "No such role", body = ErrorBody),
        (status = 409, description = "Renaming a system role, or name taken", body = ErrorBody)))]
pub async fn update_role(
    State(state): State<AppState>,
    Require(actor, _): Require<perm::RolesManage>,
    Path(id): Path<i64>,
    JsonBody(req): JsonBody<UpdateRoleRequest>,
) -> AppResult<Json<RoleResponse>> {
    let name = req.name.as_deref().map(role_name).transpose()?;
    let description = description(req.description.as_deref())?;
    let txn = state.db.begin().await?;
    let role = find_role(&txn, id).await?;
    ensure_can_grant(
        &actor.permissions,
        &permissions_of_roles(&txn, &[id]).await?,
    )?;
    let taken = || {
        AppError::conflict(ErrorCode::RoleNameTaken, "A role with that name exists.")
            .with_field("name")
    };
    if let Some(name) = &name {
        if *name != role.name {
            if role.is_system {
                return Err(system_role());
            }
            if roles::find_by_name(&txn, name)
                .await?
                .is_some_and(|r| r.id != id)
            {
                return Err(taken());
            }
        }
    }
    roles::update(
        &txn,
        id,
        roles::RoleChanges {
            name: name.clone(),
            description: description.clone(),
            requires_2fa: req.requires_2fa,
        },
    )
    .await
    .map_err(|e| {
        if is_unique_violation(&e) {
            taken()
        } else {
            e.into()
        }
    })?;
    actor
        .audit()
        .record(
            &txn,
            AuditAction::RoleUpdated,
            "role",
            Some(id.to_string()),
            json!({ "name": name, "description": description, "requires_2fa": req.requires_2fa }),
        )
        .await?;
    let role = find_role(&txn, id).await?;
    Ok(Json(commit_role_change(&state, txn, role).await?))
}

/// Delete a custom role (its holders lose it).
#[utoipa::path(delete, path = "/api/roles/{id}", tag = "roles",
    params(("id" = i64, Path, description = "Role id")),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Lacks roles.manage, or the role holds more than the caller", body = ErrorBody),
        (status = 404, description = "No such role", body = ErrorBody),
        (status = 409, description = "A system role", body = ErrorBody)))]
pub async fn delete_role(
    State(state): State<AppState>,
    Require(actor, _): Require<perm::RolesManage>,
    Path(id): Path<i64>,
) -> AppResult<StatusCode> {
    let txn = state.db.begin().await?;
    let role = find_custom_role(&txn, id).await?;
    ensure_can_grant(
        &actor.permissions,
        &permissions_of_roles(&txn, &[id]).await?,
    )?;
    roles::delete(&txn, id).await?;
    actor
        .audit()
        .record(
            &txn,
            AuditAction::RoleDeleted,
            "role",
            Some(id.to_string()),
            json!({ "name": role.name }),
        )
        .await?;
    txn.commit().await?;
    state.auth.grants.invalidate();
    Ok(StatusCode::NO_CONTENT)
}
