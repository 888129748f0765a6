//! Signed-in state: logout, the caller's identity, and their sessions.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};
use kubarr_db::queries::sessions;
use sea_orm::TransactionTrait;
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

use crate::audit::AuditAction;
use crate::auth::session;
use crate::auth::{CurrentUser, EnrollingUser, Permission};
use crate::error::{AppError, AppResult, ErrorBody, ErrorCode};
use crate::extract::Path;
use crate::state::AppState;

/// End the current session and clear the cookie.
#[utoipa::path(post, path = "/api/auth/logout", tag = "auth",
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 204, description = "Signed out; the cookie is cleared")))]
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
    let [plain, secure] = session::clear_cookies();
    Ok((
        StatusCode::NO_CONTENT,
        axum::response::AppendHeaders([(header::SET_COOKIE, plain), (header::SET_COOKIE, secure)]),
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
        (status = 200, description = "The caller", body = MeResponse)))]
pub async fn me(EnrollingUser(user): EnrollingUser) -> Json<MeResponse> {
    let app_permissions = user
        .permissions
        .apps()
        .iter()
        .map(|(app, set)| (app.clone(), set.iter().collect()))
        .collect();
    Json(MeResponse {
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
        (status = 200, description = "Live sessions", body = Vec<SessionResponse>)))]
pub async fn list_sessions(
    State(state): State<AppState>,
    user: CurrentUser,
) -> AppResult<Json<Vec<SessionResponse>>> {
    let settings = state.auth.settings.get(&state.db, &state.config).await?;
    let now = Utc::now();
    let rows = sessions::list_live_for_user(&state.db, user.id, now, now - settings.idle_timeout())
        .await?;
    Ok(Json(
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
        (status = 404, description = "No such live session of the caller", body = ErrorBody)))]
pub async fn revoke_session(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> AppResult<StatusCode> {
    if id.len() != 64 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(AppError::not_found(
            ErrorCode::SessionNotFound,
            "There is no such session.",
        ));
    }
    let txn = state.db.begin().await?;
    if !sessions::revoke(&txn, &id, Some(user.id)).await? {
        return Err(AppError::not_found(
            ErrorCode::SessionNotFound,
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
