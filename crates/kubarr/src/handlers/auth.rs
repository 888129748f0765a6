//! Authentication and sessions: login (with the TOTP second step and recovery codes), logout,
//! the caller's identity and sessions, and registration.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json as JsonResponse;
use chrono::{DateTime, Duration, Utc};
use kubarr_db::entities::users as user_entity;
use kubarr_db::queries::{invites, roles, sessions, two_factor, users};
use sea_orm::{DatabaseTransaction, TransactionTrait};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use crate::audit::{Audit, AuditAction};
use crate::auth::purge::MAX_CHALLENGE_ATTEMPTS;
use crate::auth::rate_limit::{account_key, Action};
use crate::auth::session::{self, RequestOrigin};
use crate::auth::token::{self, TokenKind};
use crate::auth::{password, totp, validate, CurrentUser, EnrollingUser, Permission};
use crate::error::{AppError, AppResult, ErrorBody};
use crate::extract::{Json, Path};
use crate::handlers::users::{ensure_unique, is_unique_violation, user_response, UserResponse};
use crate::state::AppState;

/// How long a 2FA challenge lives.
pub const CHALLENGE_TTL_MINUTES: i64 = 5;
/// Longest login accepted (longer ones cannot name a user).
const MAX_LOGIN_BYTES: usize = 320;

/// A new session: the token (shown once), when it expires, and the user.
#[derive(Serialize, ToSchema)]
pub struct SessionGranted {
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub user: UserResponse,
}

/// The password was right; a TOTP code (or a recovery code) must follow.
#[derive(Serialize, ToSchema)]
pub struct TwoFactorChallenge {
    /// Always `true`.
    pub requires_2fa: bool,
    pub challenge_id: String,
    pub expires_at: DateTime<Utc>,
}

/// Either a session or a 2FA challenge.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
pub enum LoginResponse {
    Session(SessionGranted),
    TwoFactor(TwoFactorChallenge),
}

fn invalid_credentials() -> AppError {
    AppError::unauthorized(
        "invalid_credentials",
        "The username or password is incorrect.",
    )
}

/// Issues a session for `user` inside `txn`, audits the login, commits, and answers with the
/// token in the body and the cookie.
pub(crate) async fn grant_session(
    state: &AppState,
    txn: DatabaseTransaction,
    user: user_entity::Model,
    origin: &RequestOrigin,
    status: StatusCode,
    details: serde_json::Value,
) -> AppResult<Response> {
    let settings = state.auth.settings.get(&txn, &state.config).await?;
    let issued = session::issue(&txn, &settings, user.id, origin).await?;
    let now = Utc::now();
    users::set_last_login(&txn, user.id, now).await?;
    Audit::anonymous(origin.ip)
        .as_user(user.id, user.username.clone())
        .record(&txn, AuditAction::LoginSucceeded, "session", None, details)
        .await?;
    let mut model = user;
    model.last_login_at = Some(now);
    let user = user_response(&txn, model).await?;
    txn.commit().await?;
    let cookie = session::set_cookie(&issued, origin.https);
    let body = LoginResponse::Session(SessionGranted {
        token: issued.token,
        expires_at: issued.expires_at,
        user,
    });
    Ok((status, [(header::SET_COOKIE, cookie)], JsonResponse(body)).into_response())
}

#[derive(Deserialize, ToSchema)]
pub struct LoginRequest {
    /// Username or e-mail (case-insensitive).
    pub username: String,
    pub password: String,
}

/// Sign in with a username (or e-mail) and password. Answers a session, or a 2FA challenge when
/// the user has TOTP enabled. Every failure is the same `invalid_credentials`.
#[utoipa::path(post, path = "/api/auth/login", tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "A session (token + HttpOnly cookie) or a 2FA challenge", body = LoginResponse),
        (status = 400, description = "Malformed body", body = ErrorBody),
        (status = 401, description = "invalid_credentials", body = ErrorBody),
        (status = 429, description = "Too many attempts (Retry-After)", body = ErrorBody),
    ))]
pub async fn login(
    State(state): State<AppState>,
    origin: RequestOrigin,
    Json(req): Json<LoginRequest>,
) -> AppResult<Response> {
    let limiter = &state.auth.limiter;
    limiter
        .check_ip(&state.db, Action::Login, origin.ip)
        .await?;
    let account = account_key(&req.username);
    limiter
        .check_account(&state.db, &account, origin.ip)
        .await?;

    let login = req.username.trim();
    // Control characters cannot be in a login (and PostgreSQL refuses NUL in text).
    let user =
        if login.is_empty() || login.len() > MAX_LOGIN_BYTES || login.chars().any(char::is_control)
        {
            None
        } else {
            users::find_by_login(&state.db, login).await?
        };
    // Always one bcrypt verification, so the answer takes as long whoever is named.
    let hash = match &user {
        Some(u) => u.hashed_password.clone(),
        None => state
            .auth
            .dummy_hash(state.config.auth.bcrypt_cost)
            .await?
            .to_owned(),
    };
    let password_ok = password::verify(&req.password, &hash).await?;
    let failure = match &user {
        None => Some("unknown_user"),
        Some(_) if !password_ok => Some("wrong_password"),
        Some(u) if !u.is_active => Some("inactive"),
        Some(u) if !u.is_approved => Some("not_approved"),
        Some(_) => None,
    };
    if let Some(reason) = failure {
        limiter
            .record_failure(&state.db, &account, origin.ip)
            .await?;
        let mut audit = Audit::anonymous(origin.ip);
        audit.username = Some(login.chars().filter(|c| !c.is_control()).take(64).collect());
        audit.user_id = user.as_ref().map(|u| u.id);
        audit
            .record(
                &state.db,
                AuditAction::LoginFailed,
                "session",
                None,
                json!({ "reason": reason }),
            )
            .await?;
        return Err(invalid_credentials());
    }
    let user = user.expect("checked above");
    limiter
        .record_success(&state.db, &account, origin.ip)
        .await?;

    if user.totp_enabled {
        let (challenge_id, id_hash) = token::generate(TokenKind::Challenge);
        let now = Utc::now();
        let expires_at = now + Duration::minutes(CHALLENGE_TTL_MINUTES);
        two_factor::create_challenge(
            &state.db,
            two_factor::NewChallenge {
                id: id_hash,
                user_id: user.id,
                user_agent: origin.user_agent.clone(),
                ip_address: origin.ip_text(),
                now,
                expires_at,
            },
        )
        .await?;
        let body = LoginResponse::TwoFactor(TwoFactorChallenge {
            requires_2fa: true,
            challenge_id,
            expires_at,
        });
        return Ok((StatusCode::OK, JsonResponse(body)).into_response());
    }
    let txn = state.db.begin().await?;
    grant_session(
        &state,
        txn,
        user,
        &origin,
        StatusCode::OK,
        json!({ "method": "password" }),
    )
    .await
}

fn challenge_failed() -> AppError {
    AppError::unauthorized(
        "invalid_challenge",
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
    Audit::anonymous(origin.ip)
        .as_user(user.id, user.username.clone())
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
/// code already used (same time step) is refused.
#[utoipa::path(post, path = "/api/auth/2fa/verify", tag = "auth",
    request_body = VerifyTwoFactorRequest,
    responses(
        (status = 200, description = "A session (token + HttpOnly cookie)", body = SessionGranted),
        (status = 400, description = "Malformed body", body = ErrorBody),
        (status = 401, description = "Bad, expired or reused code, or dead challenge", body = ErrorBody),
        (status = 429, description = "Too many attempts (Retry-After)", body = ErrorBody),
    ))]
pub async fn verify_2fa(
    State(state): State<AppState>,
    origin: RequestOrigin,
    Json(req): Json<VerifyTwoFactorRequest>,
) -> AppResult<Response> {
    state
        .auth
        .limiter
        .check_ip(&state.db, Action::TwoFactor, origin.ip)
        .await?;
    let (challenge, user) = open_challenge(&state, &req.challenge_id).await?;
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
            "invalid_code",
            "The code is not valid. Use the current code of your authenticator app.",
        ));
    }
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
        (status = 400, description = "Malformed body", body = ErrorBody),
        (status = 401, description = "Unknown or used code, or dead challenge", body = ErrorBody),
        (status = 429, description = "Too many attempts (Retry-After)", body = ErrorBody),
    ))]
pub async fn recover_2fa(
    State(state): State<AppState>,
    origin: RequestOrigin,
    Json(req): Json<RecoverTwoFactorRequest>,
) -> AppResult<Response> {
    state
        .auth
        .limiter
        .check_ip(&state.db, Action::TwoFactor, origin.ip)
        .await?;
    let (challenge, user) = open_challenge(&state, &req.challenge_id).await?;
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
            "invalid_code",
            "The recovery code is not valid or was already used.",
        ));
    }
    let remaining = two_factor::remaining_recovery_codes(&txn, user.id).await?;
    Audit::anonymous(origin.ip)
        .as_user(user.id, user.username.clone())
        .record(
            &txn,
            AuditAction::RecoveryCodeUsed,
            "user",
            Some(user.id.to_string()),
            json!({ "remaining": remaining }),
        )
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

/// End the current session and clear the cookie.
#[utoipa::path(post, path = "/api/auth/logout", tag = "auth",
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 204, description = "Signed out; the cookie is cleared"),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Cookie without the CSRF header", body = ErrorBody),
    ))]
pub async fn logout(
    State(state): State<AppState>,
    EnrollingUser(user): EnrollingUser,
) -> AppResult<Response> {
    let txn = state.db.begin().await?;
    sessions::revoke(&txn, &user.session_id, Some(user.id)).await?;
    user.audit()
        .record(
            &txn,
            AuditAction::Logout,
            "session",
            None,
            serde_json::Value::Null,
        )
        .await?;
    txn.commit().await?;
    state.auth.sessions_changed();
    Ok((
        StatusCode::NO_CONTENT,
        [(header::SET_COOKIE, session::clear_cookie())],
    )
        .into_response())
}

/// The caller's identity and what they may do.
#[derive(Serialize, ToSchema)]
pub struct MeResponse {
    pub id: i64,
    pub username: String,
    pub email: String,
    /// Role names.
    pub roles: Vec<String>,
    /// Global permissions.
    pub permissions: Vec<Permission>,
    /// Per-app grants beyond the global permissions: app name → permissions.
    pub app_permissions: BTreeMap<String, Vec<Permission>>,
    pub totp_enabled: bool,
    /// A role requires 2FA and it is not enabled yet: nothing else works until it is.
    pub two_factor_enrollment_required: bool,
}

/// Who am I?
#[utoipa::path(get, path = "/api/auth/me", tag = "auth",
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "The caller", body = MeResponse),
        (status = 401, description = "Not signed in", body = ErrorBody),
    ))]
pub async fn me(EnrollingUser(user): EnrollingUser) -> JsonResponse<MeResponse> {
    let app_permissions = user
        .permissions
        .apps()
        .iter()
        .map(|(app, set)| (app.clone(), set.iter().collect()))
        .collect();
    JsonResponse(MeResponse {
        id: user.id,
        two_factor_enrollment_required: user.must_enrol_2fa(),
        username: user.username,
        email: user.email,
        roles: user.roles,
        permissions: user.permissions.global().iter().collect(),
        app_permissions,
        totp_enabled: user.totp_enabled,
    })
}

/// One of the caller's sessions.
#[derive(Serialize, ToSchema)]
pub struct SessionResponse {
    /// Identifies the session (a hash; not usable as a token).
    pub id: String,
    pub user_agent: Option<String>,
    pub ip_address: Option<String>,
    pub created_at: DateTime<Utc>,
    pub last_accessed_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// The session of this request.
    pub current: bool,
}

/// The caller's live sessions, newest first.
#[utoipa::path(get, path = "/api/auth/sessions", tag = "auth",
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "Live sessions", body = Vec<SessionResponse>),
        (status = 401, description = "Not signed in", body = ErrorBody),
    ))]
pub async fn list_sessions(
    State(state): State<AppState>,
    user: CurrentUser,
) -> AppResult<JsonResponse<Vec<SessionResponse>>> {
    let settings = state.auth.settings.get(&state.db, &state.config).await?;
    let now = Utc::now();
    let rows = sessions::list_live_for_user(&state.db, user.id, now, now - settings.idle_timeout())
        .await?;
    Ok(JsonResponse(
        rows.into_iter()
            .map(|s| SessionResponse {
                current: s.id == user.session_id,
                id: s.id,
                user_agent: s.user_agent,
                ip_address: s.ip_address,
                created_at: s.created_at,
                last_accessed_at: s.last_accessed_at,
                expires_at: s.expires_at,
            })
            .collect(),
    ))
}

/// End one of the caller's sessions (effective on its next request).
#[utoipa::path(delete, path = "/api/auth/sessions/{id}", tag = "auth",
    params(("id" = String, Path, description = "Session id from the list")),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 204, description = "Revoked"),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Cookie without the CSRF header", body = ErrorBody),
        (status = 404, description = "No such live session of the caller", body = ErrorBody),
    ))]
pub async fn revoke_session(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> AppResult<StatusCode> {
    if id.len() != 64 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(AppError::not_found(
            "session_not_found",
            "There is no such session.",
        ));
    }
    let txn = state.db.begin().await?;
    if !sessions::revoke(&txn, &id, Some(user.id)).await? {
        return Err(AppError::not_found(
            "session_not_found",
            "There is no such session.",
        ));
    }
    user.audit()
        .record(
            &txn,
            AuditAction::SessionRevoked,
            "session",
            None,
            json!({ "current": id == user.session_id }),
        )
        .await?;
    txn.commit().await?;
    state.auth.sessions_changed();
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    /// Required unless open registration is enabled.
    pub invite_token: Option<String>,
    pub username: String,
    pub email: String,
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
        (status = 403, description = "Registration needs an invite", body = ErrorBody),
        (status = 409, description = "Username or e-mail taken", body = ErrorBody),
        (status = 429, description = "Too many attempts (Retry-After)", body = ErrorBody),
    ))]
pub async fn register(
    State(state): State<AppState>,
    origin: RequestOrigin,
    Json(req): Json<RegisterRequest>,
) -> AppResult<(StatusCode, JsonResponse<RegisterResponse>)> {
    state
        .auth
        .limiter
        .check_ip(&state.db, Action::Register, origin.ip)
        .await?;
    let settings = state.auth.settings.get(&state.db, &state.config).await?;
    let bad_invite = || {
        AppError::bad_request(
            "invalid_invite",
            "The invite is not valid, was used or has expired.",
        )
        .with_field("invite_token")
    };
    let invite = match req
        .invite_token
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        Some(t) => {
            let hash = token::parse(TokenKind::Invite, t).ok_or_else(bad_invite)?;
            let invite = invites::find(&state.db, &hash)
                .await?
                .filter(|i| !i.used && i.expires_at > Utc::now())
                .ok_or_else(bad_invite)?;
            Some(invite)
        }
        None if settings.registration_enabled => None,
        None => {
            return Err(AppError::forbidden(
                "registration_closed",
                "Registration needs an invite.",
            ))
        }
    };
    let username = validate::username(&req.username, "username")?;
    let email = validate::email(&req.email, "email")?;
    if let Some(expected) = invite.as_ref().and_then(|i| i.email.as_deref()) {
        if !expected.eq_ignore_ascii_case(&email) {
            return Err(AppError::unprocessable(
                "invite_email_mismatch",
                "This invite is for another e-mail address.",
            )
            .with_field("email"));
        }
    }
    password::validate(&req.password, &username, "password")?;
    ensure_unique(&state.db, Some(&username), Some(&email), None).await?;
    let hashed = password::hash(&req.password, state.config.auth.bcrypt_cost).await?;
    let pending_approval = invite.is_none() && settings.registration_requires_approval;
    let txn = state.db.begin().await?;
    let role = match roles::find_by_name(&txn, &settings.registration_default_role).await? {
        Some(r) => Some(r),
        None => roles::find_by_name(&txn, "viewer").await?,
    };
    let created = users::create(
        &txn,
        users::NewUser {
            username: username.clone(),
            email: email.clone(),
            hashed_password: hashed,
            is_active: true,
            is_approved: !pending_approval,
        },
        &role.iter().map(|r| r.id).collect::<Vec<_>>(),
    )
    .await
    .map_err(|e| {
        if is_unique_violation(&e) {
            AppError::conflict("username_taken", "That username or e-mail is taken.")
        } else {
            e.into()
        }
    })?;
    if let Some(invite) = &invite {
        // Conditional update: of concurrent redemptions exactly one succeeds.
        if !invites::redeem(&txn, &invite.token, created.id, Utc::now()).await? {
            txn.rollback().await?;
            return Err(bad_invite());
        }
    }
    Audit::anonymous(origin.ip)
        .as_user(created.id, username.clone())
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
        JsonResponse(RegisterResponse {
            id: created.id,
            username,
            email,
            pending_approval,
        }),
    ))
}
