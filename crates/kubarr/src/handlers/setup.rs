//! First-run setup: while no user exists, create the first administrator.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Json;
use kubarr_db::queries::users;
use sea_orm::TransactionTrait;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use crate::audit::{Audit, AuditAction};
use crate::auth::session::RequestOrigin;
use crate::error::{AppError, AppResult, ErrorBody, ErrorCode};
use crate::extract::JsonBody;
use crate::handlers::auth::{grant_session, SessionGranted};
use crate::identity::{self, AccountFields, IdentityError, Membership, NewAccount};
use crate::state::AppState;

#[derive(Serialize, ToSchema)]
pub struct SetupStatus {
    /// True while no user exists.
    pub setup_required: bool,
    /// True when this caller must also give the setup token printed in the server log (they are
    /// not on the server's own machine).
    pub setup_token_required: bool,
}

/// Whether a setup request from `origin` needs the setup token: anything but loopback does, and so
/// does a request a proxy forwarded (a reverse proxy on the same machine connects from loopback on
/// behalf of anyone).
fn needs_token(origin: &RequestOrigin, headers: &HeaderMap) -> bool {
    let forwarded = ["x-forwarded-for", "forwarded", "x-real-ip"]
        .iter()
        .any(|h| headers.contains_key(*h));
    forwarded || !origin.ip.is_some_and(|ip| ip.is_loopback())
}

/// Whether the first administrator still has to be created.
#[utoipa::path(get, path = "/api/setup/status", tag = "setup",
    responses((status = 200, description = "Setup state", body = SetupStatus)))]
pub async fn setup_status(
    State(state): State<AppState>,
    origin: RequestOrigin,
    headers: HeaderMap,
) -> AppResult<Json<SetupStatus>> {
    let setup_required = users::count(&state.db).await? == 0;
    Ok(Json(SetupStatus {
        setup_required,
        setup_token_required: setup_required && needs_token(&origin, &headers),
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetupRequest {
    #[schema(schema_with = crate::openapi::fields::username)]
    pub username: String,
    #[schema(schema_with = crate::openapi::fields::email)]
    pub email: String,
    #[schema(schema_with = crate::openapi::fields::new_password)]
    pub password: String,
    /// The setup token from the server log; required unless the request comes from the server's
    /// own machine (loopback).
    pub setup_token: Option<String>,
}

/// Create the first administrator and sign them in (token in the body and the cookie).
/// 409 once any user exists. From anywhere but loopback it needs the setup token printed in the
/// server log (403 `setup_token_required`), so whoever finds a fresh install first cannot take it.
#[utoipa::path(post, path = "/api/setup", tag = "setup",
    request_body = SetupRequest,
    responses(
        (status = 201, description = "Administrator created and signed in", body = SessionGranted),
        (status = 400, description = "Invalid field", body = ErrorBody),
        (status = 422, description = "The password fails the policy (`weak_password`)", body = ErrorBody),
        (status = 403, description = "setup_token_required: not from loopback, and no or a wrong setup token", body = ErrorBody),
        (status = 409, description = "Already set up", body = ErrorBody)))]
pub async fn setup(
    State(state): State<AppState>,
    origin: RequestOrigin,
    headers: HeaderMap,
    JsonBody(req): JsonBody<SetupRequest>,
) -> AppResult<Response> {
    if users::count(&state.db).await? > 0 {
        return Err(IdentityError::AlreadySetUp.into());
    }
    if needs_token(&origin, &headers)
        && !req
            .setup_token
            .as_deref()
            .is_some_and(|t| state.auth.setup_token.matches(t))
    {
        return Err(AppError::forbidden(
            ErrorCode::SetupTokenRequired,
            "From another machine, setup needs the setup token printed in Kubarr's log at start-up.",
        )
        .with_field("setup_token"));
    }
    let fields = AccountFields {
        username: &req.username,
        email: &req.email,
        password: &req.password,
    };
    let account = NewAccount::prepare(fields, "", state.config.auth.bcrypt_cost).await?;
    let username = account.username().to_owned();
    let txn = state.db.begin().await?;
    let user = identity::create_user(&txn, account, Membership::FirstAdmin, false).await?;
    let audit = Audit::anonymous(origin.ip).by_user(user.id, username.clone());
    audit
        .record(
            &txn,
            AuditAction::SetupCompleted,
            "system",
            None,
            json!({ "admin": username }),
        )
        .await?;
    audit
        .record(
            &txn,
            AuditAction::UserCreated,
            "user",
            Some(user.id.to_string()),
            json!({ "username": username, "roles": ["admin"], "via": "setup" }),
        )
        .await?;
    grant_session(
        &state,
        txn,
        user,
        &origin,
        StatusCode::CREATED,
        json!({ "method": "setup" }),
    )
    .await
}
