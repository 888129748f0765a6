//! Invites: administrators invite people to register. The token is shown once at creation;
//! only its hash is stored, and the hash is the invite's `id`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, Duration, Utc};
use kubarr_db::queries::invites;
use sea_orm::TransactionTrait;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use crate::audit::AuditAction;
use crate::auth::token::{self, TokenKind};
use crate::auth::{perm, validate, Require};
use crate::error::{AppError, AppResult, ErrorBody, ErrorCode};
use crate::extract::{JsonBody, Path, Query};
use crate::handlers::pagination::{self, Page, PageParams};
use crate::handlers::settings::registration_role_permissions;
use crate::handlers::users::ensure_can_grant;
use crate::state::AppState;

pub const DEFAULT_EXPIRY_HOURS: u32 = 72;
pub const MAX_EXPIRY_HOURS: u32 = 720;

/// An invite as listed (never the token).
#[derive(Serialize, ToSchema)]
pub struct InviteResponse {
    /// Identifies the invite (the token's hash; not usable to register).
    pub id: String,
    pub email: Option<String>,
    pub created_by: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub used: bool,
    pub used_by: Option<i64>,
    pub used_at: Option<DateTime<Utc>>,
}

/// Invites, newest first.
#[utoipa::path(get, path = "/api/invites", tag = "invites",
    params(PageParams),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "A page of invites", body = Page<InviteResponse>),
        (status = 400, description = "Bad limit or cursor", body = ErrorBody),
        (status = 403, description = "Lacks users.manage", body = ErrorBody)))]
pub async fn list_invites(
    State(state): State<AppState>,
    _user: Require<perm::UsersManage>,
    Query(page): Query<PageParams>,
) -> AppResult<Json<Page<InviteResponse>>> {
    let limit = page.limit()?;
    let after = page
        .cursor()
        .map(pagination::decode_time::<String>)
        .transpose()?;
    let rows = invites::list(&state.db, after, limit + 1).await?;
    let cursor_at =
        |i: &kubarr_db::entities::invites::Model| pagination::encode_time(i.created_at, &i.token);
    Ok(Json(Page::from_rows(rows, limit, cursor_at, |i| {
        InviteResponse {
            id: i.token,
            email: i.email,
            created_by: i.created_by,
            created_at: i.created_at,
            expires_at: i.expires_at,
            used: i.used,
            used_by: i.used_by,
            used_at: i.used_at,
        }
    })))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateInviteRequest {
    #[schema(schema_with = crate::openapi::fields::optional_email)]
    pub email: Option<String>,
    /// Hours until the invite expires (default 72).
    #[schema(minimum = 1, maximum = 720)]
    pub expires_in_hours: Option<u32>,
}

#[derive(Serialize, ToSchema)]
pub struct CreatedInvite {
    pub id: String,
    /// The invite token, shown only now.
    pub token: String,
    /// The registration link carrying the token.
    pub url: String,
    pub expires_at: DateTime<Utc>,
    pub email: Option<String>,
}

/// Create an invite.
#[utoipa::path(post, path = "/api/invites", tag = "invites",
    request_body = CreateInviteRequest,
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 201, description = "Created; the token is shown once", body = CreatedInvite),
        (status = 400, description = "Invalid field", body = ErrorBody),
        (status = 403, description = "Lacks users.manage, or the registration role holds more than the caller (cannot_grant)", body = ErrorBody)))]
pub async fn create_invite(
    State(state): State<AppState>,
    Require(actor, _): Require<perm::UsersManage>,
    JsonBody(req): JsonBody<CreateInviteRequest>,
) -> AppResult<(StatusCode, Json<CreatedInvite>)> {
    let email = req
        .email
        .as_deref()
        .filter(|e| !e.is_empty())
        .map(|e| validate::email(e, "email"))
        .transpose()?;
    let hours = req.expires_in_hours.unwrap_or(DEFAULT_EXPIRY_HOURS);
    if !(1..=MAX_EXPIRY_HOURS).contains(&hours) {
        return Err(AppError::validation(
            "expires_in_hours",
            format!("`expires_in_hours` must be between 1 and {MAX_EXPIRY_HOURS}."),
        ));
    }
    let settings = state.auth.settings.get(&state.db, &state.config).await?;
    // An invite creates an account with the registration role: only for someone who could create
    // that user themselves.
    let granted = registration_role_permissions(&state.db, &settings).await?;
    ensure_can_grant(&actor.permissions, &granted)?;
    let (token, hash) = token::generate(TokenKind::Invite);
    let now = Utc::now();
    let expires_at = now + Duration::hours(i64::from(hours));
    let txn = state.db.begin().await?;
    invites::create(&txn, hash.clone(), actor.id, email.clone(), now, expires_at).await?;
    actor
        .audit()
        .record(
            &txn,
            AuditAction::InviteCreated,
            "invite",
            Some(hash.clone()),
            json!({ "email": email, "expires_at": expires_at }),
        )
        .await?;
    txn.commit().await?;
    let base = settings.public_url.clone().unwrap_or_default();
    let url = format!("{base}/register?invite={token}");
    Ok((
        StatusCode::CREATED,
        Json(CreatedInvite {
            id: hash,
            token,
            url,
            expires_at,
            email,
        }),
    ))
}

/// Revoke (delete) an invite. `{token}` is the invite's `id` as listed.
#[utoipa::path(delete, path = "/api/invites/{token}", tag = "invites",
    params(("token" = String, Path, description = "The invite's id")),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 204, description = "Revoked"),
        (status = 403, description = "Lacks users.manage", body = ErrorBody),
        (status = 404, description = "No such invite", body = ErrorBody)))]
pub async fn revoke_invite(
    State(state): State<AppState>,
    Require(actor, _): Require<perm::UsersManage>,
    Path(id): Path<String>,
) -> AppResult<StatusCode> {
    let not_found = || AppError::not_found(ErrorCode::InviteNotFound, "There is no such invite.");
    if id.len() != 64 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(not_found());
    }
    let txn = state.db.begin().await?;
    if !invites::delete(&txn, &id).await? {
        return Err(not_found());
    }
    actor
        .audit()
        .record(
            &txn,
            AuditAction::InviteRevoked,
            "invite",
            Some(id),
            serde_json::Value::Null,
        )
        .await?;
    txn.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
