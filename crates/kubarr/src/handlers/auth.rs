//! Authentication and sessions: login (with the TOTP second step and recovery codes), logout,
//! the caller's identity and sessions, and registration.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Duration, Utc};
use kubarr_db::entities::users as user_entity;
use kubarr_db::queries::{two_factor, users};
use sea_orm::{DatabaseTransaction, TransactionTrait};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use crate::audit::{Audit, AuditAction};
use crate::auth::password;
use crate::auth::rate_limit::{account_key, user_key, Action};
use crate::auth::session::{self, RequestOrigin};
use crate::auth::token::{self, TokenKind};
use crate::error::{AppError, AppResult, ErrorBody, ErrorCode};
use crate::extract::JsonBody;
use crate::handlers::users::{user_response, UserResponse};
use crate::state::AppState;

pub(crate) mod challenge;
pub(crate) mod identity;
pub(crate) mod register;

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
        ErrorCode::InvalidCredentials,
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
        .by_user(user.id, user.username.clone())
        .record(&txn, AuditAction::LoginSucceeded, "session", None, details)
        .await?;
    let mut model = user;
    model.last_login_at = Some(now);
    let user = user_response(&txn, model).await?;
    txn.commit().await?;
    let cookie = session::set_cookie(&issued, &settings, origin.https);
    let body = LoginResponse::Session(SessionGranted {
        token: issued.token,
        expires_at: issued.expires_at,
        user,
    });
    Ok((status, [(header::SET_COOKIE, cookie)], Json(body)).into_response())
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
        (status = 401, description = "invalid_credentials", body = ErrorBody),
        (status = 429, description = "Too many attempts (Retry-After)", body = ErrorBody)))]
pub async fn login(
    State(state): State<AppState>,
    origin: RequestOrigin,
    JsonBody(req): JsonBody<LoginRequest>,
) -> AppResult<Response> {
    let user = check_password(&state, &origin, &req).await?;
    if user.totp_enabled {
        let challenge = open_two_factor_challenge(&state, &origin, &user).await?;
        return Ok((StatusCode::OK, Json(LoginResponse::TwoFactor(challenge))).into_response());
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

/// The first factor: the user named by the login, if the password is theirs and the account may
/// sign in. Rate limits apply per address and per account (keyed by user id whichever login
/// named it); every failure is audited and answers the same `invalid_credentials`.
async fn check_password(
    state: &AppState,
    origin: &RequestOrigin,
    req: &LoginRequest,
) -> AppResult<user_entity::Model> {
    let limiter = &state.auth.limiter;
    limiter
        .check_ip(&state.db, Action::Login, origin.ip)
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
    let account = match &user {
        Some(u) => user_key(u.id),
        None => account_key(login),
    };
    limiter
        .check_account(&state.db, &account, origin.ip)
        .await?;
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
    let user = match (failure, user) {
        (None, Some(user)) => user,
        (failure, user) => {
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
                    json!({ "reason": failure.unwrap_or("unknown_user") }),
                )
                .await?;
            return Err(invalid_credentials());
        }
    };
    limiter
        .record_success(&state.db, &account, origin.ip)
        .await?;
    Ok(user)
}

/// The password was right and the user has 2FA: a challenge the second step must answer
/// within [`CHALLENGE_TTL_MINUTES`].
async fn open_two_factor_challenge(
    state: &AppState,
    origin: &RequestOrigin,
    user: &user_entity::Model,
) -> AppResult<TwoFactorChallenge> {
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
    Ok(TwoFactorChallenge {
        requires_2fa: true,
        challenge_id,
        expires_at,
    })
}
