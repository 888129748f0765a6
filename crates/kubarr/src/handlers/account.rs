//! The caller's own account: TOTP enrolment and removal, and password change.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::Utc;
use kubarr_db::queries::{sessions, two_factor, users};
use sea_orm::TransactionTrait;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use crate::audit::AuditAction;
use crate::auth::rate_limit::{user_key, Action};
use crate::auth::token;
use crate::auth::{password, totp, CurrentUser, EnrollingUser};
use crate::error::{AppError, AppResult, ErrorBody, ErrorCode};
use crate::extract::JsonBody;
use crate::state::AppState;

/// How many recovery codes enabling 2FA hands out.
pub const RECOVERY_CODES: usize = 10;

#[derive(Serialize, ToSchema)]
pub struct TwoFactorSetupResponse {
    /// Base32 secret for manual entry.
    pub secret: String,
    /// `otpauth://totp/Kubarr:<user>?secret=…&issuer=Kubarr` for a QR code.
    pub otpauth_uri: String,
}

fn load_user_error() -> AppError {
    AppError::unauthorized(
        ErrorCode::SessionExpired,
        "Your session has ended. Please sign in again.",
    )
}

/// Start TOTP enrolment: a new secret, not active until enabled with a code.
#[utoipa::path(post, path = "/api/users/me/2fa/setup", tag = "account",
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "The new secret", body = TwoFactorSetupResponse),
        (status = 409, description = "2FA is already enabled", body = ErrorBody)))]
pub async fn setup_2fa(
    State(state): State<AppState>,
    EnrollingUser(user): EnrollingUser,
) -> AppResult<Json<TwoFactorSetupResponse>> {
    if user.totp_enabled {
        return Err(AppError::conflict(
            ErrorCode::TwoFactorAlreadyEnabled,
            "Two-factor authentication is already on.",
        ));
    }
    let secret = totp::generate_secret();
    let txn = state.db.begin().await?;
    users::set_pending_totp_secret(&txn, user.id, state.secret_key.encrypt(&secret)).await?;
    user.audit()
        .record(
            &txn,
            AuditAction::TwoFactorSetupStarted,
            "user",
            Some(user.id.to_string()),
            serde_json::Value::Null,
        )
        .await?;
    txn.commit().await?;
    let otpauth_uri = totp::otpauth_uri(&secret, &user.username);
    Ok(Json(TwoFactorSetupResponse {
        secret,
        otpauth_uri,
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct EnableTwoFactorRequest {
    /// The account's password: whoever holds only a session cannot bind the account to their
    /// own authenticator.
    pub password: String,
    /// A current code of the authenticator app.
    pub code: String,
}

#[derive(Serialize, ToSchema)]
pub struct RecoveryCodesResponse {
    /// Ten single-use codes, shown only now.
    pub recovery_codes: Vec<String>,
}

/// Turn TOTP on with the password and a valid code; returns 10 single-use recovery codes (shown
/// once).
#[utoipa::path(post, path = "/api/users/me/2fa/enable", tag = "account",
    request_body = EnableTwoFactorRequest,
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "Enabled", body = RecoveryCodesResponse),
        (status = 400, description = "Wrong password or code", body = ErrorBody),
        (status = 409, description = "Already enabled, or setup not started", body = ErrorBody),
        (status = 429, description = "Too many attempts (Retry-After)", body = ErrorBody)))]
pub async fn enable_2fa(
    State(state): State<AppState>,
    EnrollingUser(user): EnrollingUser,
    JsonBody(req): JsonBody<EnableTwoFactorRequest>,
) -> AppResult<Json<RecoveryCodesResponse>> {
    let limiter = &state.auth.limiter;
    let account = user_key(user.id);
    limiter
        .check_ip(&state.db, Action::TwoFactor, user.ip)
        .await?;
    limiter.check_account(&state.db, &account, user.ip).await?;
    let model = users::find_by_id(&state.db, user.id)
        .await?
        .ok_or_else(load_user_error)?;
    if model.totp_enabled {
        return Err(AppError::conflict(
            ErrorCode::TwoFactorAlreadyEnabled,
            "Two-factor authentication is already on.",
        ));
    }
    let secret = model
        .totp_secret
        .as_deref()
        .and_then(|s| state.secret_key.decrypt(s).ok())
        .and_then(|s| totp::base32_decode(&s))
        .ok_or_else(|| {
            AppError::conflict(
                ErrorCode::TwoFactorNotSetUp,
                "Start with /api/users/me/2fa/setup.",
            )
        })?;
    if !password::verify(&req.password, &model.hashed_password).await? {
        limiter.record_failure(&state.db, &account, user.ip).await?;
        return Err(AppError::bad_request(
            ErrorCode::InvalidCredentials,
            "The password is not correct.",
        )
        .with_field("password"));
    }
    let now_step = totp::step_at(Utc::now().timestamp());
    let wrong = || {
        AppError::bad_request(ErrorCode::InvalidCode, "The code is not valid.").with_field("code")
    };
    let step =
        totp::verify(&secret, &req.code, now_step, model.totp_last_used_step).ok_or_else(wrong)?;
    let codes: Vec<String> = (0..RECOVERY_CODES)
        .map(|_| token::generate_recovery_code())
        .collect();
    let hashes: Vec<String> = codes.iter().map(|c| token::recovery_code_hash(c)).collect();
    let txn = state.db.begin().await?;
    if !users::claim_totp_step(&txn, user.id, step).await? {
        return Err(wrong());
    }
    users::set_totp_enabled(&txn, user.id, true).await?;
    two_factor::replace_recovery_codes(&txn, user.id, &hashes, Utc::now()).await?;
    user.audit()
        .record(
            &txn,
            AuditAction::TwoFactorEnabled,
            "user",
            Some(user.id.to_string()),
            json!({ "recovery_codes": RECOVERY_CODES }),
        )
        .await?;
    txn.commit().await?;
    state.auth.sessions_changed();
    Ok(Json(RecoveryCodesResponse {
        recovery_codes: codes,
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct DisableTwoFactorRequest {
    pub password: String,
    /// A current code of the authenticator app.
    pub code: String,
}

/// Turn TOTP off; needs the password and a current code. Refused while a role requires 2FA.
#[utoipa::path(post, path = "/api/users/me/2fa/disable", tag = "account",
    request_body = DisableTwoFactorRequest,
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 204, description = "Disabled; recovery codes deleted"),
        (status = 400, description = "Wrong password or code", body = ErrorBody),
        (status = 409, description = "Not enabled, or required by a role", body = ErrorBody),
        (status = 429, description = "Too many attempts (Retry-After)", body = ErrorBody)))]
pub async fn disable_2fa(
    State(state): State<AppState>,
    user: CurrentUser,
    JsonBody(req): JsonBody<DisableTwoFactorRequest>,
) -> AppResult<StatusCode> {
    let limiter = &state.auth.limiter;
    let account = user_key(user.id);
    limiter
        .check_ip(&state.db, Action::TwoFactor, user.ip)
        .await?;
    limiter.check_account(&state.db, &account, user.ip).await?;
    ensure_may_disable_2fa(&user)?;
    let step = confirm_password_and_code(&state, &user, &req).await?;
    let txn = state.db.begin().await?;
    // The step is claimed once: the same code cannot also sign in (or disable twice).
    if !users::claim_totp_step(&txn, user.id, step).await? {
        return Err(wrong_password_or_code());
    }
    users::set_totp_enabled(&txn, user.id, false).await?;
    two_factor::delete_recovery_codes(&txn, user.id).await?;
    user.audit()
        .record(
            &txn,
            AuditAction::TwoFactorDisabled,
            "user",
            Some(user.id.to_string()),
            serde_json::Value::Null,
        )
        .await?;
    txn.commit().await?;
    state.auth.sessions_changed();
    if let Err(e) = limiter.record_success(&state.db, &account, user.ip).await {
        // 2FA is off already: a failure count left behind only delays this address a little.
        tracing::warn!(error = %e, "could not clear the failed attempts after disabling 2FA");
    }
    Ok(StatusCode::NO_CONTENT)
}

fn ensure_may_disable_2fa(user: &CurrentUser) -> AppResult<()> {
    if !user.totp_enabled {
        return Err(AppError::conflict(
            ErrorCode::TwoFactorNotEnabled,
            "Two-factor authentication is off.",
        ));
    }
    if user.role_requires_2fa {
        return Err(AppError::conflict(
            ErrorCode::TwoFactorRequiredByRole,
            "One of your roles requires two-factor authentication.",
        ));
    }
    Ok(())
}

fn wrong_password_or_code() -> AppError {
    AppError::bad_request(
        ErrorCode::InvalidCredentials,
        "The password or the code is not correct.",
    )
}

/// The TOTP step of `req.code` when both the password and the code are right; a failure counts
/// against the account and says neither which one was wrong.
async fn confirm_password_and_code(
    state: &AppState,
    user: &CurrentUser,
    req: &DisableTwoFactorRequest,
) -> AppResult<i64> {
    let model = users::find_by_id(&state.db, user.id)
        .await?
        .ok_or_else(load_user_error)?;
    let password_ok = password::verify(&req.password, &model.hashed_password).await?;
    let secret = model
        .totp_secret
        .as_deref()
        .and_then(|s| state.secret_key.decrypt(s).ok())
        .and_then(|s| totp::base32_decode(&s))
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("stored TOTP secret unreadable")))?;
    let step = totp::verify(
        &secret,
        &req.code,
        totp::step_at(Utc::now().timestamp()),
        model.totp_last_used_step,
    );
    match (password_ok, step) {
        (true, Some(step)) => Ok(step),
        _ => {
            let account = user_key(user.id);
            state
                .auth
                .limiter
                .record_failure(&state.db, &account, user.ip)
                .await?;
            Err(wrong_password_or_code())
        }
    }
}

#[derive(Deserialize, ToSchema)]
pub struct ChangePasswordRequest {
    pub current_password: String,
    #[schema(schema_with = crate::openapi::fields::new_password)]
    pub new_password: String,
}

/// Change the caller's password; ends their other sessions.
#[utoipa::path(put, path = "/api/users/me/password", tag = "account",
    request_body = ChangePasswordRequest,
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 204, description = "Changed; other sessions ended"),
        (status = 400, description = "Invalid field, or wrong current password", body = ErrorBody),
        (status = 422, description = "The password fails the policy (`weak_password`)", body = ErrorBody),
        (status = 429, description = "Too many attempts (Retry-After)", body = ErrorBody)))]
pub async fn change_password(
    State(state): State<AppState>,
    user: CurrentUser,
    JsonBody(req): JsonBody<ChangePasswordRequest>,
) -> AppResult<StatusCode> {
    let limiter = &state.auth.limiter;
    let account = user_key(user.id);
    limiter.check_account(&state.db, &account, user.ip).await?;
    password::validate_with(
        &req.new_password,
        &[&user.username, &user.email],
        "new_password",
    )?;
    let model = users::find_by_id(&state.db, user.id)
        .await?
        .ok_or_else(load_user_error)?;
    if !password::verify(&req.current_password, &model.hashed_password).await? {
        limiter.record_failure(&state.db, &account, user.ip).await?;
        return Err(AppError::bad_request(
            ErrorCode::InvalidCredentials,
            "The current password is not correct.",
        )
        .with_field("current_password"));
    }
    limiter.record_success(&state.db, &account, user.ip).await?;
    let hashed = password::hash(&req.new_password, state.config.auth.bcrypt_cost).await?;
    let txn = state.db.begin().await?;
    users::set_password(&txn, user.id, hashed).await?;
    let revoked = sessions::revoke_all_for_user(&txn, user.id, Some(&user.session_id)).await?;
    // A sign-in half done with the old password must not complete.
    two_factor::delete_challenges_for_user(&txn, user.id).await?;
    user.audit()
        .record(
            &txn,
            AuditAction::PasswordChanged,
            "user",
            Some(user.id.to_string()),
            json!({ "sessions_revoked": revoked }),
        )
        .await?;
    txn.commit().await?;
    state.auth.sessions_changed();
    Ok(StatusCode::NO_CONTENT)
}
