//! The administrator account Kubarr signs in to an app with, for an app that has no key Kubarr
//! could seed (Jellyfin): whether one is needed and whose it is, giving one, forgetting it.
//! The password is write-only.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::{perm, RequireApp};
use crate::error::{AppError, AppResult};
use crate::extract::JsonBody;
use crate::state::AppState;
use crate::wiring::account;

/// Whether Kubarr needs an account for the app, and whose it holds.
#[derive(Serialize, ToSchema)]
pub struct AppAccount {
    pub app_name: String,
    /// Kubarr signs in to this app with an account a user gives it.
    pub takes_account: bool,
    /// The account's user name (`null`: none given yet).
    pub username: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AppAccountRequest {
    /// An administrator of the app (no control characters).
    #[schema(
        min_length = 1,
        max_length = 256,
        pattern = "^[^\\u0000-\\u001f\\u007f]+$"
    )]
    pub username: String,
    /// Write-only: used to sign in, stored encrypted, never returned.
    #[schema(min_length = 1, max_length = 1024, write_only)]
    pub password: String,
}

/// Whether the app needs an account from a user for its links, and whose Kubarr holds.
#[utoipa::path(get, path = "/api/apps/{app}/account", tag = "stack",
    params(("app" = String, Path)),
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = AppAccount),
        (status = 404, description = "app_not_found", body = crate::error::ErrorBody)))]
pub async fn get_app_account(
    State(state): State<AppState>,
    user: RequireApp<perm::AppsView>,
) -> AppResult<Json<AppAccount>> {
    let status = account::status(&state, &user.app).await?;
    Ok(Json(AppAccount {
        app_name: user.app.to_string(),
        takes_account: status.takes_account,
        username: status.username,
    }))
}

/// Sign Kubarr in to the app as one of its administrators. Kubarr signs in for real, makes its
/// own API key there, and retries the app's links.
#[utoipa::path(put, path = "/api/apps/{app}/account", tag = "stack",
    params(("app" = String, Path)),
    request_body = AppAccountRequest,
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = AppAccount),
        (status = 404, description = "app_not_found", body = crate::error::ErrorBody),
        (status = 422, description = "app_takes_no_account, app_refused_account", body = crate::error::ErrorBody),
        (status = 503, description = "app_unreachable", body = crate::error::ErrorBody)))]
pub async fn set_app_account(
    State(state): State<AppState>,
    user: RequireApp<perm::AppsUpgrade>,
    JsonBody(req): JsonBody<AppAccountRequest>,
) -> AppResult<Json<AppAccount>> {
    // An app that is not installed is 404 whatever the body says.
    if state.apps.installed(&user.app).await?.is_none() {
        return Err(
            crate::wiring::account::AccountError::NotInstalled(user.app.to_string()).into(),
        );
    }
    let username = req.username.as_str();
    if username.is_empty() || username.len() > 256 || username.chars().any(char::is_control) {
        return Err(AppError::validation(
            "username",
            "1 to 256 characters, without control characters.",
        ));
    }
    if req.password.is_empty() || req.password.len() > 1024 {
        return Err(AppError::validation("password", "1 to 1,024 characters."));
    }
    account::give(&state, user.audit(), &user.app, username, &req.password).await?;
    Ok(Json(AppAccount {
        app_name: user.app.to_string(),
        takes_account: true,
        username: Some(username.to_owned()),
    }))
}

/// Forget the account (Kubarr's key is removed from the app when it answers).
#[utoipa::path(delete, path = "/api/apps/{app}/account", tag = "stack",
    params(("app" = String, Path)),
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 204, description = "Forgotten"),
        (status = 422, description = "app_takes_no_account", body = crate::error::ErrorBody)))]
pub async fn clear_app_account(
    State(state): State<AppState>,
    user: RequireApp<perm::AppsUpgrade>,
) -> AppResult<StatusCode> {
    account::forget(&state, user.audit(), &user.app).await?;
    Ok(StatusCode::NO_CONTENT)
}
