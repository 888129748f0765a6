//! The account Kubarr signs in to an app with when the app has no key an installer could seed
//! (Jellyfin, see [`WiringDecl::takes_account`]): a user gives an administrator's name and
//! password once; Kubarr signs in for real, makes its own API key in the app, and keeps both
//! sealed in `app_credentials` (the password only because Seerr's media-server settings need
//! it). Nothing of it is ever returned.
//!
//! [`WiringDecl::takes_account`]: kubarr_orchestrator::wiring::WiringDecl::takes_account

use chrono::Utc;
use kubarr_orchestrator::AppName;
use sea_orm::TransactionTrait;
use serde_json::json;

use super::http::CallError;
use super::jellyfin::Jellyfin;
use super::plan::{credentials_of, endpoint};
use super::servarr;
use crate::apps::credentials::AppCredentials;
use crate::audit::{Audit, AuditAction};
use crate::state::AppState;

/// Why an account was not taken.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("{0} is not installed")]
    NotInstalled(String),
    #[error("Kubarr signs in to {0} with keys it makes itself; it takes no account")]
    TakesNoAccount(String),
    #[error("{0} refused that user name or password")]
    Refused(String),
    #[error("{0} signed that user in, but the user is not an administrator there")]
    NotAdministrator(String),
    #[error("{0}")]
    Unreachable(String),
    #[error(transparent)]
    Db(#[from] sea_orm::DbErr),
}

/// What the API shows of an app's account: whether one is needed, and whose it is.
pub struct AccountStatus {
    pub takes_account: bool,
    pub username: Option<String>,
}

fn display_name(state: &AppState, app: &AppName) -> Result<String, AccountError> {
    let catalog = state.apps.catalog();
    let entry = catalog
        .get(app.as_str())
        .ok_or_else(|| AccountError::NotInstalled(app.to_string()))?;
    if !entry.wiring.takes_account() {
        return Err(AccountError::TakesNoAccount(entry.display_name.clone()));
    }
    Ok(entry.display_name.clone())
}

async fn ensure_installed(state: &AppState, app: &AppName) -> Result<(), AccountError> {
    match state.apps.installed(app).await? {
        Some(_) => Ok(()),
        None => Err(AccountError::NotInstalled(app.to_string())),
    }
}

pub async fn status(state: &AppState, app: &AppName) -> Result<AccountStatus, AccountError> {
    ensure_installed(state, app).await?;
    let takes_account = state
        .apps
        .catalog()
        .get(app.as_str())
        .is_some_and(|e| e.wiring.takes_account());
    let username = match takes_account {
        true => credentials_of(state, app.as_str())
            .await
            .ok()
            .map(|c| c.username),
        false => None,
    };
    Ok(AccountStatus {
        takes_account,
        username,
    })
}

/// Signs in as `username`, makes Kubarr's key, stores both and retries the app's links.
pub async fn give(
    state: &AppState,
    audit: Audit,
    app: &AppName,
    username: &str,
    password: &str,
) -> Result<(), AccountError> {
    ensure_installed(state, app).await?;
    let display = display_name(state, app)?;
    let base = endpoint(state, app.as_str())
        .await
        .map_err(|f| AccountError::Unreachable(f.message))?;
    let client = &state.gateway.client;
    let unreachable =
        |e: CallError| AccountError::Unreachable(format!("{display}: {}", servarr::describe(&e)));
    let signed_in = match Jellyfin::new(client, &base, None)
        .sign_in(username, password)
        .await
    {
        Ok(s) => s,
        Err(CallError::Status { status, .. }) if status.as_u16() == 401 => {
            return Err(AccountError::Refused(display))
        }
        Err(e) => return Err(unreachable(e)),
    };
    if !signed_in.is_admin {
        return Err(AccountError::NotAdministrator(display));
    }
    let admin = Jellyfin::new(client, &base, Some(&signed_in.token));
    let api_key = admin
        .create_key()
        .await
        .map_err(unreachable)?
        .ok_or_else(|| AccountError::Unreachable(format!("{display} made no API key")))?;
    // The key an earlier account made goes: one key of Kubarr's in the app's dashboard.
    if let Ok(old) = credentials_of(state, app.as_str()).await {
        if let Err(e) = admin.delete_key(&old.api_key).await {
            tracing::info!(app = %app, error = %servarr::describe(&e), "the earlier API key stays in the app");
        }
    }
    let credentials = AppCredentials {
        api_key,
        username: username.to_owned(),
        password: password.to_owned(),
    };
    let sealed = state
        .secret_key
        .encrypt(&serde_json::to_string(&credentials).expect("credentials serialise"));
    let txn = state.db.begin().await?;
    kubarr_db::queries::app_credentials::replace(&txn, app.as_str(), sealed, Utc::now()).await?;
    audit
        .record(
            &txn,
            AuditAction::AppAccountSet,
            "app",
            app.to_string(),
            json!({"username": username}),
        )
        .await?;
    txn.commit().await?;
    retry_links_of(state, app).await?;
    Ok(())
}

/// Forgets the account (and removes Kubarr's key from the app when it can).
pub async fn forget(state: &AppState, audit: Audit, app: &AppName) -> Result<(), AccountError> {
    display_name(state, app)?;
    let Ok(old) = credentials_of(state, app.as_str()).await else {
        return Ok(());
    };
    if let Ok(base) = endpoint(state, app.as_str()).await {
        let api = Jellyfin::new(&state.gateway.client, &base, Some(&old.api_key));
        if let Err(e) = api.delete_key(&old.api_key).await {
            tracing::info!(app = %app, error = %servarr::describe(&e), "Kubarr's API key stays in the app");
        }
    }
    let txn = state.db.begin().await?;
    kubarr_db::queries::app_credentials::delete(&txn, app.as_str()).await?;
    audit
        .record(
            &txn,
            AuditAction::AppAccountRemoved,
            "app",
            app.to_string(),
            json!({}),
        )
        .await?;
    txn.commit().await?;
    Ok(())
}

/// The app's links waited for the account (held, or backing off): try them now.
async fn retry_links_of(state: &AppState, app: &AppName) -> Result<(), sea_orm::DbErr> {
    let rows = kubarr_db::queries::wiring::list(&state.db).await?;
    for mut row in rows
        .into_iter()
        .filter(|r| r.enabled && (r.from_app == app.as_str() || r.to_app == app.as_str()))
    {
        super::reconcile::release(&mut row);
        row.updated_at = Utc::now();
        let row = kubarr_db::queries::wiring::save(&state.db, row).await?;
        super::reconcile::publish(state, &row);
    }
    state.wiring.wake();
    Ok(())
}
