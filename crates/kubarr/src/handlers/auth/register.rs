//! Self-registration, with an invite or (when enabled) openly.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::Utc;
use kubarr_db::entities::invites as invite_entity;
use kubarr_db::queries::{invites, roles};
use sea_orm::TransactionTrait;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use crate::audit::{Audit, AuditAction};
use crate::auth::rate_limit::Action;
use crate::auth::session::RequestOrigin;
use crate::auth::token::{self, TokenKind};
use crate::error::{AppError, AppResult, ErrorBody, ErrorCode};
use crate::extract::JsonBody;
use crate::identity::{AccountFields, CheckedAccount, Membership};
use crate::settings::Settings;
use crate::state::AppState;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    /// Required unless open registration is enabled.
    pub invite_token: Option<String>,
    #[schema(schema_with = crate::openapi::fields::username)]
    pub username: String,
    #[schema(schema_with = crate::openapi::fields::email)]
    pub email: String,
    #[schema(schema_with = crate::openapi::fields::new_password)]
    pub password: String,
}

#[derive(Serialize, ToSchema)]
pub struct RegisterResponse {
    pub id: i64,
    pub username: String,
    pub email: String,
    /// An administrator must approve the account before it can sign in.
    pub pending_approval: bool,
}

/// Create an account with an invite (single use, unexpired), or by open registration when the
/// settings allow it.
#[utoipa::path(post, path = "/api/auth/register", tag = "auth",
    request_body = RegisterRequest,
    responses(
        (status = 201, description = "Account created", body = RegisterResponse),
        (status = 400, description = "Invalid field, or invalid, used or expired invite", body = ErrorBody),
        (status = 422, description = "The password fails the policy (`weak_password`)", body = ErrorBody),
        (status = 403, description = "Registration needs an invite", body = ErrorBody),
        (status = 409, description = "Username or e-mail taken", body = ErrorBody),
        (status = 429, description = "Too many attempts (Retry-After)", body = ErrorBody)))]
pub async fn register(
    State(state): State<AppState>,
    origin: RequestOrigin,
    JsonBody(req): JsonBody<RegisterRequest>,
) -> AppResult<(StatusCode, Json<RegisterResponse>)> {
    state
        .auth
        .limiter
        .check_ip(&state.db, Action::Register, origin.ip)
        .await?;
    let settings = state.auth.settings.get(&state.db, &state.config).await?;
    let invite = redeemable_invite(&state, &settings, req.invite_token.as_deref()).await?;
    let fields = AccountFields {
        username: &req.username,
        email: &req.email,
        password: &req.password,
    };
    let account = CheckedAccount::check(fields, "")?;
    ensure_invite_is_for(invite.as_ref(), account.email())?;
    crate::identity::ensure_free(
        &state.db,
        Some(account.username()),
        Some(account.email()),
        None,
    )
    .await?;
    let (username, email) = (account.username().to_owned(), account.email().to_owned());
    let account = account.hash(state.config.auth.bcrypt_cost).await?;
    let pending_approval = invite.is_none() && settings.registration_requires_approval;
    let txn = state.db.begin().await?;
    let role = match roles::find_by_name(&txn, &settings.registration_default_role).await? {
        Some(r) => Some(r),
        None => roles::find_by_name(&txn, "viewer").await?,
    };
    let membership = Membership::Roles(role.iter().map(|r| r.id).collect());
    let created = crate::identity::create_user(&txn, account, membership, pending_approval).await?;
    if let Some(invite) = &invite {
        // Conditional update: of concurrent redemptions exactly one succeeds.
        if !invites::redeem(&txn, &invite.token, created.id, Utc::now()).await? {
            txn.rollback().await?;
            return Err(invalid_invite());
        }
    }
    Audit::anonymous(origin.ip)
        .by_user(created.id, username.clone())
        .record(
            &txn,
            AuditAction::UserRegistered,
            "user",
            Some(created.id.to_string()),
            json!({
                "via": if invite.is_some() { "invite" } else { "open_registration" },
                "role": role.as_ref().map(|r| r.name.clone()),
                "pending_approval": pending_approval,
            }),
        )
        .await?;
    txn.commit().await?;
    state.auth.grants.invalidate();
    Ok((
        StatusCode::CREATED,
        Json(RegisterResponse {
            id: created.id,
            username,
            email,
            pending_approval,
        }),
    ))
}

fn invalid_invite() -> AppError {
    AppError::bad_request(
        ErrorCode::InvalidInvite,
        "The invite is not valid, was used or has expired.",
    )
    .with_field("invite_token")
}

/// The invite the request names, if it is unused and unexpired; none when there is no token and
/// open registration is on; else the request is refused. Redeeming it is the caller's job,
/// inside the transaction that creates the account.
async fn redeemable_invite(
    state: &AppState,
    settings: &Settings,
    token: Option<&str>,
) -> AppResult<Option<invite_entity::Model>> {
    match token.map(str::trim).filter(|t| !t.is_empty()) {
        Some(t) => {
            let hash = token::parse(TokenKind::Invite, t).ok_or_else(invalid_invite)?;
            let invite = invites::find(&state.db, &hash)
                .await?
                .filter(|i| !i.used && i.expires_at > Utc::now())
                .ok_or_else(invalid_invite)?;
            Ok(Some(invite))
        }
        None if settings.registration_enabled => Ok(None),
        None => Err(AppError::forbidden(
            ErrorCode::RegistrationClosed,
            "Registration needs an invite.",
        )),
    }
}

/// An invite made out to an e-mail address is for that address only.
fn ensure_invite_is_for(invite: Option<&invite_entity::Model>, email: &str) -> AppResult<()> {
    match invite.and_then(|i| i.email.as_deref()) {
        Some(expected) if !expected.eq_ignore_ascii_case(email) => Err(AppError::unprocessable(
            ErrorCode::InviteEmailMismatch,
            "This invite is for another e-mail address.",
        )
        .with_field("email")),
        _ => Ok(()),
    }
}
