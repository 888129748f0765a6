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
    let factor = SecondFactor::Totp(&req.code);
    complete_challenge(&state, &origin, &req.challenge_id, factor).await
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
    let factor = SecondFactor::RecoveryCode(&req.recovery_code);
    complete_challenge(&state, &origin, &req.challenge_id, factor).await
}

/// What answers a challenge.
#[derive(Clone, Copy)]
enum SecondFactor<'a> {
    Totp(&'a str),
    RecoveryCode(&'a str),
}

impl SecondFactor<'_> {
    /// The `method` of the login's audit row.
    fn method(self) -> &'static str {
        match self {
            Self::Totp(_) => "totp",
            Self::RecoveryCode(_) => "recovery_code",
        }
    }

    fn rejected(self) -> (&'static str, AppError) {
        match self {
            Self::Totp(_) => (
                "invalid_totp_code",
                AppError::unauthorized(
                    ErrorCode::InvalidCode,
                    "The code is not valid. Use the current code of your authenticator app.",
                ),
            ),
            Self::RecoveryCode(_) => (
                "invalid_recovery_code",
                AppError::unauthorized(
                    ErrorCode::InvalidCode,
                    "The recovery code is not valid or was already used.",
                ),
            ),
        }
    }
}

/// The one way a challenge is completed: rate limits, the challenge's attempt count, the
/// per-account second-factor back-off, the factor consumed (a TOTP step or a recovery code, each
/// usable once) together with the challenge, and then the session.
async fn complete_challenge(
    state: &AppState,
    origin: &RequestOrigin,
    challenge_id: &str,
    factor: SecondFactor<'_>,
) -> AppResult<Response> {
    let limiter = &state.auth.limiter;
    limiter
        .check_ip(&state.db, Action::TwoFactor, origin.ip)
        .await?;
    let (challenge, user) = open_challenge(state, challenge_id).await?;
    limiter.check_second_factor(&state.db, user.id).await?;
    // Read before the transaction: an unreadable secret is a server fault, not a wrong code.
    let totp_secret = match factor {
        SecondFactor::Totp(_) => Some(
            user.totp_secret
                .as_deref()
                .and_then(|s| state.secret_key.decrypt(s).ok())
                .and_then(|s| totp::base32_decode(&s))
                .ok_or_else(|| {
                    AppError::internal(anyhow::anyhow!("stored TOTP secret unreadable"))
                })?,
        ),
        SecondFactor::RecoveryCode(_) => None,
    };
    let txn = state.db.begin().await?;
    let accepted = match factor {
        SecondFactor::Totp(code) => {
            let now_step = totp::step_at(Utc::now().timestamp());
            let step = totp_secret
                .as_deref()
                .and_then(|secret| totp::verify(secret, code, now_step, user.totp_last_used_step));
            match step {
                Some(step) => users::claim_totp_step(&txn, user.id, step).await?,
                None => false,
            }
        }
        SecondFactor::RecoveryCode(code) => match token::parse_recovery_code(code) {
            Some(hash) => two_factor::use_recovery_code(&txn, user.id, &hash, Utc::now()).await?,
            None => false,
        },
    };
    // The challenge goes with the factor, so of two concurrent answers only one signs in.
    if !accepted || !two_factor::delete_challenge(&txn, &challenge).await? {
        txn.rollback().await?;
        let (reason, error) = factor.rejected();
        record_2fa_failure(state, origin, &user, reason).await?;
        return Err(error);
    }
    if let SecondFactor::RecoveryCode(_) = factor {
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
    }
    limiter.record_second_factor_success(&txn, user.id).await?;
    grant_session(
        state,
        txn,
        user,
        origin,
        StatusCode::OK,
        json!({ "method": factor.method() }),
    )
    .await
}
