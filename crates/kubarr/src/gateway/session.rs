//! Sign-in on an app's origin: launch tickets, app sessions and the app cookie.
//!
//! A ticket (`kbl_…`, 256 bits, [`TICKET_LIFETIME`]) is bound to the user, the app and the
//! dashboard session that asked for it, and works once. Redeeming it creates an app session
//! (`kba_…`) whose cookie is host-only and HttpOnly, named per app (`kubarr_app_<app>`, with the
//! `__Host-` prefix over HTTPS) — in port mode every app shares the host, and browsers do not
//! separate cookies by port. Each request re-checks the whole chain: app session → dashboard
//! session (revocation, expiry, idle timeout, user active) → the `apps.open` grant.

use std::sync::Arc;

use axum::http::{HeaderMap, HeaderValue};
use chrono::{DateTime, Utc};
use kubarr_db::entities::app_sessions;
use kubarr_db::queries::gateway::{self as rows, NewGrant};
use kubarr_orchestrator::AppName;

use crate::auth::token::{self, TokenKind};
use crate::auth::{CurrentUser, Permission};
use crate::error::AppResult;
use crate::gateway::AccessMode;
use crate::state::AppState;

/// What a signed-out caller of a gated app is told (the gateway's 401, forward-auth's 401).
pub const SIGN_IN_FIRST: &str = "Sign in to Kubarr and open this app from there.";

/// How long a launch ticket may wait to be redeemed.
pub const TICKET_LIFETIME: chrono::Duration = chrono::Duration::seconds(60);

/// A new ticket for `user` to open `app` (the caller checked the grant).
pub async fn issue_ticket(
    state: &AppState,
    user: &CurrentUser,
    app: &AppName,
) -> AppResult<(String, DateTime<Utc>)> {
    let (ticket, id) = token::generate(TokenKind::Ticket);
    let now = Utc::now();
    let expires_at = now + TICKET_LIFETIME;
    rows::create_ticket(
        &state.db,
        NewGrant {
            id,
            user_id: user.id,
            session_id: user.session_id.clone(),
            app_name: app.to_string(),
            now,
            expires_at: expires_at.min(user.session_expires_at),
        },
    )
    .await?;
    Ok((ticket, expires_at))
}

/// A redeemed ticket: the app cookie's value and when it ends.
pub struct Redeemed {
    pub cookie_value: String,
    pub expires_at: DateTime<Utc>,
    pub user_id: i64,
    pub username: String,
}

/// Trades a ticket for an app session; `None` when the ticket is unknown, used, expired, for
/// another app, or its dashboard session or grant is gone.
pub async fn redeem(state: &AppState, app: &AppName, ticket: &str) -> AppResult<Option<Redeemed>> {
    let Some(id) = token::parse(TokenKind::Ticket, ticket) else {
        return Ok(None);
    };
    let now = Utc::now();
    let Some(ticket) = rows::take_ticket(&state.db, &id, app.as_str(), now).await? else {
        return Ok(None);
    };
    let Some(live) = crate::auth::extract::live_session(state, &ticket.session_id).await? else {
        return Ok(None);
    };
    let (session, user) = (&live.0, &live.1);
    if user.id != ticket.user_id || !opens(state, user, app.as_str()).await? {
        return Ok(None);
    }
    let (cookie_value, app_session_id) = token::generate(TokenKind::AppSession);
    rows::create_app_session(
        &state.db,
        NewGrant {
            id: app_session_id,
            user_id: user.id,
            session_id: session.id.clone(),
            app_name: app.to_string(),
            now,
            expires_at: session.expires_at,
        },
    )
    .await?;
    Ok(Some(Redeemed {
        cookie_value,
        expires_at: session.expires_at,
        user_id: user.id,
        username: user.username.clone(),
    }))
}

/// The one rule for a gated app, at redemption and on every request: the user holds
/// `apps.open` for it and owes no 2FA enrolment their role requires.
async fn opens(
    state: &AppState,
    user: &kubarr_db::entities::users::Model,
    app: &str,
) -> AppResult<bool> {
    let grants = state.auth.grants.get(&state.db, user.id).await?;
    let owes_2fa = grants.requires_2fa && !user.totp_enabled;
    Ok(!owes_2fa && grants.permissions.has_for_app(Permission::AppsOpen, app))
}

/// Someone signed in on an app's origin.
#[derive(Clone, Debug)]
pub struct AppCaller {
    pub username: String,
    /// The app cookie's value (long-lived traffic re-checks it).
    pub cookie_value: String,
}

/// The outcome of checking a request on a gated app's origin.
#[derive(Debug)]
pub enum Check {
    Allowed(AppCaller),
    /// No usable app session: sign in (again).
    SignedOut,
    /// Signed in, but not (or no longer) allowed to open this app.
    Forbidden,
}

/// Checks the app cookie of a request for `app` (gated mode).
pub async fn check(state: &AppState, app: &str, headers: &HeaderMap) -> AppResult<Check> {
    let Some(value) = read_cookie(headers, app) else {
        return Ok(Check::SignedOut);
    };
    check_value(state, app, value).await
}

/// Checks an app cookie's value for `app`.
pub async fn check_value(state: &AppState, app: &str, value: &str) -> AppResult<Check> {
    let Some(id) = token::parse(TokenKind::AppSession, value) else {
        return Ok(Check::SignedOut);
    };
    let Some(row) = app_session(state, &id).await? else {
        return Ok(Check::SignedOut);
    };
    if row.app_name != app || row.expires_at <= Utc::now() {
        return Ok(Check::SignedOut);
    }
    let Some(live) = crate::auth::extract::live_session(state, &row.session_id).await? else {
        return Ok(Check::SignedOut);
    };
    let user = &live.1;
    if user.id != row.user_id {
        return Ok(Check::SignedOut);
    }
    if !opens(state, user, app).await? {
        return Ok(Check::Forbidden);
    }
    crate::auth::extract::touch_if_due(state, &live).await?;
    Ok(Check::Allowed(AppCaller {
        username: user.username.clone(),
        cookie_value: value.to_owned(),
    }))
}

async fn app_session(state: &AppState, id: &str) -> AppResult<Option<Arc<app_sessions::Model>>> {
    let cache = &state.gateway.app_sessions;
    if let Some(hit) = cache.get(&id.to_owned()) {
        return Ok(Some(hit));
    }
    let generation = cache.generation();
    let Some(row) = rows::find_app_session(&state.db, id).await? else {
        return Ok(None);
    };
    let row = Arc::new(row);
    cache.put(id.to_owned(), generation, row.clone());
    Ok(Some(row))
}

/// Ends the app session behind a request's cookie (the app origin's sign-out).
pub async fn sign_out(state: &AppState, app: &str, headers: &HeaderMap) -> AppResult<()> {
    if let Some(id) = read_cookie(headers, app).and_then(|v| token::parse(TokenKind::AppSession, v))
    {
        rows::delete_app_session(&state.db, &id).await?;
        state.gateway.app_sessions.invalidate();
    }
    Ok(())
}

/// The app cookie's name.
pub fn cookie_name(app: &str, https: bool) -> String {
    if https {
        format!("__Host-kubarr_app_{app}")
    } else {
        format!("kubarr_app_{app}")
    }
}

/// The app cookie's value in a request, under either name.
pub fn read_cookie<'h>(headers: &'h HeaderMap, app: &str) -> Option<&'h str> {
    [cookie_name(app, true), cookie_name(app, false)]
        .iter()
        .find_map(|name| crate::auth::session::cookie_value(headers, name))
}

/// `Set-Cookie` for a new app session: this origin only, HttpOnly, `SameSite=Lax` (opening the
/// app from a link or bookmark is a top-level navigation from elsewhere).
pub fn set_cookie(app: &str, value: &str, https: bool, expires_at: DateTime<Utc>) -> HeaderValue {
    let max_age = (expires_at - Utc::now()).num_seconds().max(0);
    let secure = if https { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}",
        cookie_name(app, https)
    ))
    .expect("app names and tokens are ASCII")
}

/// `Set-Cookie` that removes the app cookie.
pub fn clear_cookie(app: &str, https: bool) -> HeaderValue {
    let secure = if https { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}",
        cookie_name(app, https)
    ))
    .expect("ASCII")
}

/// Whether a signed-in user may open `app` given its mode (for lists and the launch check).
pub fn can_open(perms: &crate::auth::Permissions, mode: AccessMode, app: &str) -> bool {
    match mode {
        AccessMode::Off => false,
        AccessMode::Native => true,
        AccessMode::Gated => perms.has_for_app(Permission::AppsOpen, app),
    }
}
