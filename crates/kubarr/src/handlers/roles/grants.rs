//! Writing what a role grants: its global permissions and its per-app grants. Creating a role
//! and replacing either set all go through [`GrantChange`]: parsed and checked the same way,
//! held against what the caller may grant, written in the caller's transaction.

use axum::extract::State;
use axum::Json;
use kubarr_db::entities::roles as role_entity;
use kubarr_db::queries::roles;
use kubarr_orchestrator::AppName;
use sea_orm::{ConnectionTrait, DatabaseTransaction, DbErr, TransactionTrait};
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

use super::{commit_role_change, find_custom_role, AppGrant, RoleResponse};
use crate::audit::AuditAction;
use crate::auth::{perm, CurrentUser, Permission, Permissions, Require};
use crate::error::{AppError, AppResult, ErrorBody};
use crate::extract::{JsonBody, Path};
use crate::handlers::users::{ensure_can_grant, permissions_of_roles};
use crate::state::AppState;

/// New global permissions and/or per-app grants for a role (`None`: left as they are).
#[derive(Debug, Default)]
pub(super) struct GrantChange {
    pub permissions: Option<Vec<Permission>>,
    pub grants: Option<Vec<AppGrant>>,
}

impl GrantChange {
    /// Parses permission names and checks per-app grants (400s naming the entry).
    pub fn parse(permissions: Option<&[String]>, grants: Option<&[AppGrant]>) -> AppResult<Self> {
        Ok(Self {
            permissions: permissions.map(parse_permissions).transpose()?,
            grants: grants.map(check_grants).transpose()?,
        })
    }

    /// 403 unless `actor` holds everything this change gives.
    pub fn ensure_actor_holds(&self, actor: &Permissions) -> AppResult<()> {
        let global = self.permissions.as_deref().unwrap_or_default();
        let grants = self.grants.as_deref().unwrap_or_default();
        let given = Permissions::from_names(
            global.iter().map(|p| p.as_str()),
            grants
                .iter()
                .map(|g| (g.app_name.as_str(), g.permission.as_str())),
        );
        ensure_can_grant(actor, &given)
    }

    /// Replaces the role's sets named by this change.
    pub async fn write(&self, db: &impl ConnectionTrait, role_id: i64) -> Result<(), DbErr> {
        if let Some(permissions) = &self.permissions {
            roles::set_permissions(db, role_id, &names(permissions)).await?;
        }
        if let Some(grants) = &self.grants {
            let pairs: Vec<(String, String)> = grants
                .iter()
                .map(|g| (g.app_name.clone(), g.permission.as_str().to_owned()))
                .collect();
            roles::set_app_grants(db, role_id, &pairs).await?;
        }
        Ok(())
    }
}

fn names(permissions: &[Permission]) -> Vec<String> {
    permissions.iter().map(|p| p.as_str().to_owned()).collect()
}

/// Parses global permission names; unknown ones are a 400 naming the entry.
fn parse_permissions(names: &[String]) -> AppResult<Vec<Permission>> {
    let mut out = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let p: Permission = name.parse().map_err(|_| {
            AppError::validation(
                format!("permissions[{i}]"),
                format!("`{name}` is not a permission."),
            )
        })?;
        if !out.contains(&p) {
            out.push(p);
        }
    }
    out.sort();
    Ok(out)
}

fn check_grants(grants: &[AppGrant]) -> AppResult<Vec<AppGrant>> {
    if grants.len() > 500 {
        return Err(AppError::validation("grants", "Too many grants."));
    }
    let mut out = Vec::new();
    for (i, g) in grants.iter().enumerate() {
        if let Err(e) = AppName::parse(&g.app_name) {
            return Err(AppError::validation(
                format!("grants[{i}].app_name"),
                format!("{e}."),
            ));
        }
        if !g.permission.is_app_scopable() {
            return Err(AppError::validation(
                format!("grants[{i}].permission"),
                format!("`{}` cannot be granted per app.", g.permission),
            ));
        }
        if !out.contains(g) {
            out.push(g.clone());
        }
    }
    out.sort();
    Ok(out)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetPermissionsRequest {
    /// Global permission names (replaces the current set).
    #[schema(schema_with = crate::openapi::fields::permission_names)]
    pub permissions: Vec<String>,
}

/// Replace a custom role's global permissions.
#[utoipa::path(put, path = "/api/roles/{id}/permissions", tag = "roles",
    params(("id" = i64, Path, description = "Role id")),
    request_body = SetPermissionsRequest,
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "The changed role", body = RoleResponse),
        (status = 400, description = "Unknown permission name", body = ErrorBody),
        (status = 403, description = "Lacks roles.manage, or the role holds or would hold more than the caller (cannot_grant)", body = ErrorBody),
        (status = 404, description = "No such role", body = ErrorBody),
        (status = 409, description = "A system role", body = ErrorBody)))]
pub async fn set_role_permissions(
    State(state): State<AppState>,
    Require(actor, _): Require<perm::RolesManage>,
    Path(id): Path<i64>,
    JsonBody(req): JsonBody<SetPermissionsRequest>,
) -> AppResult<Json<RoleResponse>> {
    let change = GrantChange::parse(Some(&req.permissions), None)?;
    let (txn, role) = begin_replacement(&state, &actor, id, &change).await?;
    let old = roles::permissions(&txn, id).await?;
    change.write(&txn, id).await?;
    let names = names(change.permissions.as_deref().unwrap_or_default());
    actor
        .audit()
        .record(
            &txn,
            AuditAction::RoleUpdated,
            "role",
            Some(id.to_string()),
            json!({ "name": role.name, "permissions": { "old": old, "new": names } }),
        )
        .await?;
    Ok(Json(commit_role_change(&state, txn, role).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetAppGrantsRequest {
    /// Per-app grants (replaces the current set).
    pub grants: Vec<AppGrant>,
}

/// Replace a custom role's per-app grants.
#[utoipa::path(put, path = "/api/roles/{id}/apps", tag = "roles",
    params(("id" = i64, Path, description = "Role id")),
    request_body = SetAppGrantsRequest,
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "The changed role", body = RoleResponse),
        (status = 400, description = "Invalid app name, or a permission that cannot be per app", body = ErrorBody),
        (status = 403, description = "Lacks roles.manage, or the role holds or would hold more than the caller (cannot_grant)", body = ErrorBody),
        (status = 404, description = "No such role", body = ErrorBody),
        (status = 409, description = "A system role", body = ErrorBody)))]
pub async fn set_role_apps(
    State(state): State<AppState>,
    Require(actor, _): Require<perm::RolesManage>,
    Path(id): Path<i64>,
    JsonBody(req): JsonBody<SetAppGrantsRequest>,
) -> AppResult<Json<RoleResponse>> {
    let change = GrantChange::parse(None, Some(&req.grants))?;
    let (txn, role) = begin_replacement(&state, &actor, id, &change).await?;
    change.write(&txn, id).await?;
    let grants = change.grants.unwrap_or_default();
    actor
        .audit()
        .record(
            &txn,
            AuditAction::RoleUpdated,
            "role",
            Some(id.to_string()),
            json!({ "name": role.name, "app_grants": grants }),
        )
        .await?;
    Ok(Json(commit_role_change(&state, txn, role).await?))
}

/// Opens the transaction that replaces custom role `id`'s permissions or grants, once the caller
/// may: they must hold what the role has now (replacing it takes those rights from its holders)
/// and what the change gives.
async fn begin_replacement(
    state: &AppState,
    actor: &CurrentUser,
    id: i64,
    change: &GrantChange,
) -> AppResult<(DatabaseTransaction, role_entity::Model)> {
    let txn = state.db.begin().await?;
    let role = find_custom_role(&txn, id).await?;
    ensure_can_grant(
        &actor.permissions,
        &permissions_of_roles(&txn, &[id]).await?,
    )?;
    change.ensure_actor_holds(&actor.permissions)?;
    Ok((txn, role))
}
