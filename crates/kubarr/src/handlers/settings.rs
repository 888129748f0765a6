//! System settings: typed known keys, validated on write, audited.

use axum::extract::State;
use axum::Json;
use chrono::{DateTime, Utc};
use kubarr_db::queries::{roles, settings as settings_rows};
use sea_orm::TransactionTrait;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use utoipa::ToSchema;

use crate::audit::AuditAction;
use crate::auth::{perm, Permissions, Require};
use crate::error::{AppError, AppResult, ErrorBody, ErrorCode};
use crate::extract::{JsonBody, Path};
use crate::handlers::users::{ensure_can_grant, permissions_of_roles, ADMIN_ROLE};
use crate::settings::{self, Settings};
use crate::state::AppState;

/// Settings that decide which role new accounts get, or whether they get it without review.
const GIVES_ACCOUNTS_THE_DEFAULT_ROLE: &[&str] = &[
    "registration_default_role",
    "registration_enabled",
    "registration_requires_approval",
];

/// The role registration gives (the default role, or `viewer` when it no longer exists), as
/// permissions.
pub async fn registration_role_permissions(
    db: &impl sea_orm::ConnectionTrait,
    settings: &Settings,
) -> AppResult<Permissions> {
    let role = match roles::find_by_name(db, &settings.registration_default_role).await? {
        Some(r) => Some(r),
        None => roles::find_by_name(db, "viewer").await?,
    };
    let ids: Vec<i64> = role.iter().map(|r| r.id).collect();
    Ok(permissions_of_roles(db, &ids).await?)
}

#[derive(Serialize, ToSchema)]
pub struct SettingResponse {
    pub key: String,
    /// The effective value (the default when never set).
    #[schema(schema_with = crate::openapi::fields::setting_value)]
    pub value: Value,
    pub description: String,
    /// When it was last changed (absent for a default).
    pub updated_at: Option<DateTime<Utc>>,
    pub updated_by: Option<i64>,
}

async fn responses(
    db: &impl sea_orm::ConnectionTrait,
    effective: &Settings,
    only: Option<&str>,
) -> AppResult<Vec<SettingResponse>> {
    let rows = settings_rows::list(db).await?;
    Ok(settings::KEYS
        .iter()
        .filter(|k| only.is_none_or(|o| o == **k))
        .map(|key| {
            let row = rows.iter().find(|r| r.key == *key);
            SettingResponse {
                key: (*key).to_owned(),
                value: effective.get(key).unwrap_or(Value::Null),
                description: settings::description(key).unwrap_or_default().to_owned(),
                updated_at: row.map(|r| r.updated_at),
                updated_by: row.and_then(|r| r.updated_by),
            }
        })
        .collect())
}

/// Every setting with its effective value.
#[utoipa::path(get, path = "/api/settings", tag = "settings",
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "Every setting", body = Vec<SettingResponse>),
        (status = 403, description = "Lacks settings.view", body = ErrorBody)))]
pub async fn list_settings(
    State(state): State<AppState>,
    _user: Require<perm::SettingsView>,
) -> AppResult<Json<Vec<SettingResponse>>> {
    let effective = Settings::load(&state.db, &state.config).await?;
    Ok(Json(responses(&state.db, &effective, None).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateSettingRequest {
    /// The new value, typed per key.
    #[schema(value_type = Object)]
    pub value: Value,
}

/// Change one setting. Unknown key → 404; wrong type → 400; out of range → 422.
#[utoipa::path(put, path = "/api/settings/{key}", tag = "settings",
    params(("key" = String, Path, description = "Setting key")),
    request_body = UpdateSettingRequest,
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "The changed setting", body = SettingResponse),
        (status = 400, description = "Wrong type", body = ErrorBody),
        (status = 403, description = "Lacks settings.manage", body = ErrorBody),
        (status = 404, description = "Unknown key", body = ErrorBody),
        (status = 422, description = "Invalid value", body = ErrorBody)))]
pub async fn update_setting(
    State(state): State<AppState>,
    Require(actor, _): Require<perm::SettingsManage>,
    Path(key): Path<String>,
    JsonBody(req): JsonBody<UpdateSettingRequest>,
) -> AppResult<Json<SettingResponse>> {
    let Some(description) = settings::description(&key) else {
        return Err(AppError::not_found(
            ErrorCode::SettingNotFound,
            "There is no such setting.",
        ));
    };
    if key == "public_url" && !actor.roles.iter().any(|r| r == ADMIN_ROLE) {
        // Invite links are built on it: whoever sets it could send invitees' tokens elsewhere.
        return Err(AppError::forbidden(
            ErrorCode::Forbidden,
            "Only administrators may change the public URL.",
        ));
    }
    let txn = state.db.begin().await?;
    let mut effective = Settings::load(&txn, &state.config).await?;
    let old = effective.get(&key);
    effective.apply(&key, req.value)?;
    effective.validate()?;
    if key == "registration_default_role"
        && roles::find_by_name(&txn, &effective.registration_default_role)
            .await?
            .is_none()
    {
        return Err(
            AppError::unprocessable(ErrorCode::UnknownRole, "There is no such role.")
                .with_field("value"),
        );
    }
    if key == "media_storage" {
        // Only inside the roots the deployer allowed, stored canonical.
        effective.media_storage = state
            .config
            .media
            .allowed_roots
            .check(&effective.media_storage)?;
    }
    if GIVES_ACCOUNTS_THE_DEFAULT_ROLE.contains(&key.as_str()) {
        // Whoever decides what new accounts get must hold it: grant only what you hold.
        let granted = registration_role_permissions(&txn, &effective).await?;
        ensure_can_grant(&actor.permissions, &granted)?;
    }
    let new = effective.get(&key).unwrap_or(Value::Null);
    settings_rows::upsert(&txn, &key, new.to_string(), description, Some(actor.id)).await?;
    actor
        .audit()
        .record(
            &txn,
            AuditAction::SettingChanged,
            "setting",
            Some(key.clone()),
            json!({ "old": old, "new": new }),
        )
        .await?;
    let body = responses(&txn, &effective, Some(&key)).await?.remove(0);
    txn.commit().await?;
    state.auth.settings.invalidate();
    Ok(Json(body))
}
