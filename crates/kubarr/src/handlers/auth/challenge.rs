//! The second sign-in step: a TOTP code or a recovery code answers the challenge a password
//! login opened.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Utc;
use kubarr_db::entities::users as user_entity;
use kubarr_db::queries::{two_factor, users};
use sea_orm::TransactionTrait;
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

use super::{grant_session, SessionGranted};
use crate::audit::{Audit, AuditAction};
use crate::auth::purge::MAX_CHALLENGE_ATTEMPTS;
use crate::auth::rate_limit::Action;
use crate::auth::session::RequestOrigin;
use crate::auth::token::{self, TokenKind};
use crate::auth::totp;
use crate::error::{AppError, AppResult, ErrorBody, ErrorCode};
use crate::extract::JsonBody;
use crate::state::AppState;

fn challenge_failed() -> AppError {
    AppError::unauthorized(
        ErrorCode::InvalidChallenge,
        "The sign-in attempt has expired or failed too often. Sign in again.",
    )
}

/// Counts an attempt on a challenge and loads it with its user. Fails for unknown, expired and
/// exhausted challenges, and when the user can no longer sign in.
async fn open_challenge(
    state: &AppState,
    challenge_id: &str,
) -> AppResult<(String, user_entity::Model)> {
    let id =
        token::parse(TokenKind::Challenge, challenge_id.trim()).ok_or_else(challenge_failed)?;
    let now = Utc::now();
    if !two_factor::count_attempt(&state.db, &id, now, MAX_CHALLENGE_ATTEMPTS).await? {
        // Gone, expired or out of attempts: make sure it cannot be used again.
        two_factor::delete_challenge(&state.db, &id).await?;
        return Err(challenge_failed());
    }
    let challenge = two_factor::find_challenge(&state.db, &id)
        .await?
        .ok_or_else(challenge_failed)?;
    let user = users::find_by_id(&state.db, challenge.user_id)
        .await?
        .filter(|u| u.is_active && u.is_approved && u.totp_enabled)
        .ok_or_else(challenge_failed)?;
    Ok((id, user))
}

async fn record_2fa_failure(
    state: &AppState,
    origin: &RequestOrigin,
    user: &user_entity::Model,
    reason: &str,
) -> AppResult<()> {
    // Counted per account across challenges: a fresh challenge does not start over.
    state
        .auth
        .limiter
        .record_second_factor_failure(&state.db, user.id)
        .await?;
    Audit::anonymous(origin.ip)
        .by_user(user.id, user.username.clone())
        .record(
            &state.db,
            AuditAction::LoginFailed,
            "session",
            None,
            json!({ "reason": reason }),
        )
        .await?;
    Ok(())
}

#[derive(Deserialize, ToSchema)]
pub struct VerifyTwoFactorRequest {
    pub challenge_id: String,
    /// The 6-digit code of the authenticator app.
    pub code: String,
}

/// Complete a 2FA login with a TOTP code. A challenge dies after 5 failures or 5 minutes; a
/// code already used (same time step) is refused. Failures count per account across challenges:
/// past 3, further codes wait 1 s, 2 s, 4 s, … (429).
#[utoipa::path(post, path = "/api/auth/2fa/verify", tag = "auth",
    request_body = VerifyTwoFactorRequest,
    responses(
        (status = 200, description = "A session (token + HttpOnly cookie)", body = SessionGranted),
        (status = 401, description = "Bad, expired or reused code, or dead challenge", body = ErrorBody),
        (status = 429, description = "Too many attempts (Retry-After)", body = ErrorBody)))]
pub async fn verify_2fa(
    State(state): State<AppState>,
    origin: RequestOrigin,
    JsonBody(req): JsonBody<VerifyTwoFactorRequest>,
) -> AppResult<Response> {
    state
        .auth
        .limiter
        .check_ip(&state.db, Action::TwoFactor, origin.ip)
        .await?;
    let (challenge, user) = open_challenge(&state, &req.challenge_id).await?;
    state
        .auth
        .limiter
        .check_second_factor(&state.db, user.id)
        .await?;
    let secret = user
        .totp_secret
        .as_deref()
        .and_then(|s| state.secret_key.decrypt(s).ok())
        .and_then(|s| totp::base32_decode(&s))
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("stored TOTP secret unreadable")))?;
    let now_step = totp::step_at(Utc::now().timestamp());
    let step = totp::verify(&secret, &req.code, now_step, user.totp_last_used_step);
    let txn = state.db.begin().await?;
    let accepted = match step {
        Some(step) => users::claim_totp_step(&txn, user.id, step).await?,
        None => false,
    };
    if !accepted || !two_factor::delete_challenge(&txn, &challenge).await? {
        txn.rollback().await?;
        record_2fa_failure(&state, &origin, &user, "invalid_totp_code").await?;
        return Err(AppError::unauthorized(
            ErrorCode::InvalidCode,
            "The code is not valid. Use the current code of your authenticator app.",
        ));
    }
    state
        .auth
        .limiter
        .record_second_factor_success(&txn, user.id)
        .await?;
    grant_session(
        &state,
        txn,
        user,
        &origin,
        StatusCode::OK,
        json!({ "method": "totp" }),
    )
    .await
}

#[derive(Deserialize, ToSchema)]
pub struct RecoverTwoFactorRequest {
    pub challenge_id: String,
    /// One of the recovery codes shown when 2FA was enabled (dashes optional).
    pub recovery_code: String,
}

/// Complete a 2FA login with a recovery code; each code works once.
#[utoipa::path(post, path = "/api/auth/2fa/recover", tag = "auth",
    request_body = RecoverTwoFactorRequest,
    responses(
        (status = 200, description = "A session (token + HttpOnly cookie)", body = SessionGranted),
        (status = 401, description = "Unknown or used code, or dead challenge", body = ErrorBody),
        (status = 429, description = "Too many attempts (Retry-After)", body = ErrorBody)))]
pub async fn recover_2fa(
    State(state): State<AppState>,
    origin: RequestOrigin,
    JsonBody(req): JsonBody<RecoverTwoFactorRequest>,
) -> AppResult<Response> {
    state
        .auth
        .limiter
        .check_ip(&state.db, Action::TwoFactor, origin.ip)
        .await?;
    let (challenge, user) = open_challenge(&state, &req.challenge_id).await?;
    state
        .auth
        .limiter
        .check_second_factor(&state.db, user.id)
        .await?;
    let txn = state.db.begin().await?;
    let now = Utc::now();
    let used = match token::parse_recovery_code(&req.recovery_code) {
        Some(hash) => two_factor::use_recovery_code(&txn, user.id, &hash, now).await?,
        None => false,
    };
    if !used || !two_factor::delete_challenge(&txn, &challenge).await? {
        txn.rollback().await?;
        record_2fa_failure(&state, &origin, &user, "invalid_recovery_code").await?;
        return Err(AppError::unauthorized(
            ErrorCode::InvalidCode,
            "The recovery code is not valid or was already used.",
        ));
    }
    let remaining = two_factor::remaining_recovery_codes(&txn, user.id).await?;
    Audit::anonymous(origin.ip)
        .by_user(user.id, user.username.clone())
        .record(
            &txn,
            AuditAction::RecoveryCodeUsed,
            "user",
            Some(user.id.to_string()),
            json!({ "remaining": remaining }),
        )
        .await?;
    state
        .auth
        .limiter
        .record_second_factor_success(&txn, user.id)
        .await?;
    grant_session(
        &state,
        txn,
        user,
        &origin,
        StatusCode::OK,
        json!({ "method": "recovery_code" }),
    )
    .await
}
