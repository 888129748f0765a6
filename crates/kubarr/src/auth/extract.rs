//! The authentication extractors.
//!
//! Every protected handler takes one of:
//! - [`CurrentUser`]: any signed-in user (401 otherwise);
//! - a permission extractor of [`super::require`] (`Require<P>` globally, `RequireApp<P>` for the
//!   `{app}` of the path, `AppsWith<P>` for lists);
//! - [`EnrollingUser`]: like `CurrentUser` but also admits users whose role requires 2FA and
//!   who have not enrolled yet (only the enrolment endpoints, `me` and logout use it).
//!
//! The session is resolved once per request (cached in the request's extensions): token shape,
//! CSRF rule for cookie-authenticated writes, expiry, revocation, idle timeout, user active and
//! approved. Permissions come from [`GrantsCache`](super::grants::GrantsCache), which every
//! role or user-role change invalidates, so a change takes effect on the next request.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::ops::Deref;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, Method};
use chrono::Utc;

use crate::audit::Audit;
use crate::auth::permission::{Permission, PermissionSet};
use crate::auth::token::{self, TokenKind};
use crate::error::{AppError, AppResult, ErrorCode};
use crate::state::AppState;

/// The session cookie set for browsers.
pub const SESSION_COOKIE: &str = "kubarr_session";
/// Its name when the public URL is HTTPS: the `__Host-` prefix makes browsers refuse it unless it
/// was set over HTTPS, for this host only (no `Domain`), for the whole site — so neither a
/// neighbouring host nor a plain-HTTP man in the middle can plant one.
pub const SECURE_SESSION_COOKIE: &str = "__Host-kubarr_session";

/// The session cookie's name under these settings.
pub fn session_cookie_name(settings: &crate::settings::Settings) -> &'static str {
    if settings.public_url_is_https() {
        SECURE_SESSION_COOKIE
    } else {
        SESSION_COOKIE
    }
}
/// The header a cookie-authenticated state-changing request must carry (value `1`).
pub const CSRF_HEADER: &str = "x-kubarr-csrf";

/// `last_accessed_at` is written at most this often per session.
const TOUCH_INTERVAL_SECS: i64 = 60;

/// What a user may do: global permissions and per-app grants, merged over all their roles.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Permissions {
    global: PermissionSet,
    apps: BTreeMap<String, PermissionSet>,
}

impl Permissions {
    /// Builds the set from stored names; unknown names are ignored (and logged).
    pub fn from_names<'a>(
        global: impl IntoIterator<Item = &'a str>,
        per_app: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Self {
        let mut perms = Self::default();
        for name in global {
            match name.parse::<Permission>() {
                Ok(p) => perms.global.insert(p),
                Err(_) => tracing::warn!(permission = name, "ignoring unknown stored permission"),
            }
        }
        for (app, name) in per_app {
            match name.parse::<Permission>() {
                Ok(p) if p.is_app_scopable() => {
                    perms.apps.entry(app.to_owned()).or_default().insert(p)
                }
                _ => tracing::warn!(permission = name, "ignoring invalid stored app grant"),
            }
        }
        perms
    }

    /// Every permission, globally.
    pub fn all() -> Self {
        Self {
            global: PermissionSet::all(),
            apps: BTreeMap::new(),
        }
    }

    /// Held globally.
    pub fn has(&self, p: Permission) -> bool {
        self.global.contains(p)
    }

    /// Held globally or, for an app-scopable permission, for `app`.
    pub fn has_for_app(&self, p: Permission, app: &str) -> bool {
        self.has(p)
            || (p.is_app_scopable() && self.apps.get(app).is_some_and(|set| set.contains(p)))
    }

    /// Whether the user can see `app` at all (`apps.view` globally or for it).
    pub fn can_view_app(&self, app: &str) -> bool {
        self.has_for_app(Permission::AppsView, app)
    }

    /// The global permissions.
    pub fn global(&self) -> PermissionSet {
        self.global
    }

    /// Per-app grants (beyond the global ones).
    pub fn apps(&self) -> &BTreeMap<String, PermissionSet> {
        &self.apps
    }

    /// The apps named in per-app grants that include `p`.
    pub fn apps_with(&self, p: Permission) -> impl Iterator<Item = &str> {
        self.apps
            .iter()
            .filter(move |(_, set)| set.contains(p))
            .map(|(app, _)| app.as_str())
    }

    /// Whether everything in `other` is also allowed by `self` (the "grant only what you hold"
    /// rule).
    pub fn covers(&self, other: &Permissions) -> bool {
        self.global.is_superset(&other.global)
            && other
                .apps
                .iter()
                .all(|(app, set)| set.iter().all(|p| self.has_for_app(p, app)))
    }

    /// Merges another set into this one.
    pub fn extend(&mut self, other: &Permissions) {
        for p in other.global.iter() {
            self.global.insert(p);
        }
        for (app, set) in &other.apps {
            let mine = self.apps.entry(app.clone()).or_default();
            for p in set.iter() {
                mine.insert(p);
            }
        }
    }
}

/// The signed-in caller.
#[derive(Clone, Debug)]
pub struct CurrentUser {
    pub id: i64,
    pub username: String,
    pub email: String,
    /// The session's id (SHA-256 of the token), never the token.
    pub session_id: String,
    /// When the session ends at the latest (long-lived responses stop there too).
    pub session_expires_at: chrono::DateTime<Utc>,
    pub permissions: Permissions,
    /// Names of the user's roles.
    pub roles: Vec<String>,
    pub totp_enabled: bool,
    /// Whether one of the user's roles requires 2FA.
    pub role_requires_2fa: bool,
    pub ip: Option<IpAddr>,
    pub user_agent: Option<String>,
    /// Authenticated by the browser cookie (not a Bearer header).
    pub via_cookie: bool,
}

impl CurrentUser {
    /// An audit writer acting as this user from this request's address.
    pub fn audit(&self) -> Audit {
        Audit::anonymous(self.ip).by_user(self.id, self.username.clone())
    }

    /// 403 unless the user holds `p` globally.
    pub fn require(&self, p: Permission) -> AppResult<()> {
        if self.permissions.has(p) {
            Ok(())
        } else {
            Err(forbidden(p))
        }
    }

    /// May the user do `p` on `app`? 404 `app_not_found` when they cannot even see the app (so
    /// its existence is not revealed), 403 when they see it but lack `p`.
    pub fn authorize_app(&self, p: Permission, app: &str) -> AppResult<()> {
        if !self.permissions.can_view_app(app) {
            return Err(no_such_app());
        }
        if self.permissions.has_for_app(p, app) {
            Ok(())
        } else {
            Err(forbidden(p))
        }
    }

    /// Whether 2FA enrolment is still owed (a role requires it and it is off).
    pub fn must_enrol_2fa(&self) -> bool {
        self.role_requires_2fa && !self.totp_enabled
    }
}

pub(crate) fn no_such_app() -> AppError {
    AppError::not_found(ErrorCode::AppNotFound, "There is no such app.")
}

pub(crate) fn forbidden(p: Permission) -> AppError {
    AppError::forbidden(
        ErrorCode::Forbidden,
        format!("You do not have the `{}` permission.", p.as_str()),
    )
}

fn unauthenticated() -> AppError {
    AppError::unauthorized(ErrorCode::Unauthenticated, "Sign in to continue.")
}

fn session_ended() -> AppError {
    AppError::unauthorized(
        ErrorCode::SessionExpired,
        "Your session has ended. Please sign in again.",
    )
}

/// Which credential the request carries.
enum Credential {
    Bearer(String),
    Cookie(String),
}

fn credential(parts: &Parts, cookie_name: &str) -> AppResult<Option<Credential>> {
    if let Some(value) = parts.headers.get(header::AUTHORIZATION) {
        let value = value.to_str().map_err(|_| unauthenticated())?;
        let (scheme, token) = value.split_once(' ').ok_or_else(unauthenticated)?;
        if !scheme.eq_ignore_ascii_case("bearer") {
            return Err(unauthenticated());
        }
        return Ok(Some(Credential::Bearer(token.trim().to_owned())));
    }
    Ok(super::session::cookie_value(&parts.headers, cookie_name)
        .map(|token| Credential::Cookie(token.to_owned())))
}

fn is_safe_method(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// A session row with its user.
pub(crate) type SessionRow = (
    kubarr_db::entities::sessions::Model,
    kubarr_db::entities::users::Model,
);

/// The session `session_id` (a token's hash) with its user, when it may still be used now: not
/// revoked, expired or idle too long, and its user active and approved. Read through the
/// session cache, which every revocation and user change invalidates.
pub(crate) async fn live_session(
    state: &AppState,
    session_id: &str,
) -> AppResult<Option<std::sync::Arc<SessionRow>>> {
    let settings = state.auth.settings.get(&state.db, &state.config).await?;
    let cache = &state.auth.sessions;
    let cached = match cache.get(&session_id.to_owned()) {
        Some(hit) => hit,
        None => {
            let generation = cache.generation();
            let Some(found) =
                kubarr_db::queries::sessions::find_with_user(&state.db, session_id).await?
            else {
                return Ok(None);
            };
            let found = std::sync::Arc::new(found);
            cache.put(session_id.to_owned(), generation, found.clone());
            found
        }
    };
    let (session, user) = (&cached.0, &cached.1);
    let now = Utc::now();
    let idle_deadline = session.last_accessed_at + settings.idle_timeout();
    let usable = !session.is_revoked
        && session.expires_at > now
        && idle_deadline > now
        && user.is_active
        && user.is_approved;
    Ok(usable.then_some(cached))
}

/// Records use of a live session, at most once a [`TOUCH_INTERVAL_SECS`], so its idle timeout
/// counts from the last request (the dashboard's or, through the gateway, an app's).
pub(crate) async fn touch_if_due(state: &AppState, cached: &SessionRow) -> AppResult<()> {
    let (session, user) = (&cached.0, &cached.1);
    let now = Utc::now();
    if (now - session.last_accessed_at).num_seconds() >= TOUCH_INTERVAL_SECS {
        let cache = &state.auth.sessions;
        let generation = cache.generation();
        kubarr_db::queries::sessions::touch(&state.db, &session.id, now).await?;
        let mut fresh = (session.clone(), user.clone());
        fresh.0.last_accessed_at = now;
        cache.put(session.id.clone(), generation, std::sync::Arc::new(fresh));
    }
    Ok(())
}

/// Resolves the caller (cached per request). Does not apply the 2FA-enrolment rule.
async fn authenticate(parts: &mut Parts, state: &AppState) -> AppResult<CurrentUser> {
    if let Some(user) = parts.extensions.get::<CurrentUser>() {
        return Ok(user.clone());
    }
    let settings = state.auth.settings.get(&state.db, &state.config).await?;
    let (raw, via_cookie) = match credential(parts, session_cookie_name(&settings))? {
        Some(Credential::Bearer(t)) => (t, false),
        Some(Credential::Cookie(t)) => (t, true),
        None => return Err(unauthenticated()),
    };
    let session_id = token::parse(TokenKind::Session, &raw).ok_or_else(session_ended)?;
    if via_cookie && !is_safe_method(&parts.method) {
        let ok = parts
            .headers
            .get(CSRF_HEADER)
            .is_some_and(|v| v.as_bytes() == b"1");
        if !ok {
            return Err(AppError::forbidden(
                ErrorCode::CsrfCheckFailed,
                "This request needs the X-Kubarr-Csrf: 1 header.",
            ));
        }
    }
    let cached = live_session(state, &session_id)
        .await?
        .ok_or_else(session_ended)?;
    let (session, user) = (&cached.0, &cached.1);
    let grants = state.auth.grants.get(&state.db, user.id).await?;
    touch_if_due(state, &cached).await?;
    tracing::Span::current().record("user_id", user.id);
    let origin =
        crate::auth::session::RequestOrigin::from_parts(parts, &state.config.trusted_proxies);
    let current = CurrentUser {
        id: user.id,
        username: user.username.clone(),
        email: user.email.clone(),
        session_id: session.id.clone(),
        session_expires_at: session.expires_at,
        permissions: grants.permissions.clone(),
        roles: grants.roles.clone(),
        totp_enabled: user.totp_enabled,
        role_requires_2fa: grants.requires_2fa,
        ip: origin.ip,
        user_agent: origin.user_agent,
        via_cookie,
    };
    parts.extensions.insert(current.clone());
    Ok(current)
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> AppResult<Self> {
        let user = authenticate(parts, state).await?;
        if user.must_enrol_2fa() {
            return Err(AppError::forbidden(
                ErrorCode::TwoFactorEnrollmentRequired,
                "Your role requires two-factor authentication. Set it up to continue.",
            ));
        }
        Ok(user)
    }
}

/// A signed-in user who may still owe 2FA enrolment (for the enrolment endpoints only).
#[derive(Clone, Debug)]
pub struct EnrollingUser(pub CurrentUser);

impl FromRequestParts<AppState> for EnrollingUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> AppResult<Self> {
        authenticate(parts, state).await.map(EnrollingUser)
    }
}

impl Deref for EnrollingUser {
    type Target = CurrentUser;
    fn deref(&self) -> &CurrentUser {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn per_app_grants() {
        let p = Permissions::from_names(
            ["monitoring.view"],
            [
                ("sonarr", "apps.view"),
                ("sonarr", "apps.restart"),
                ("radarr", "apps.view"),
            ],
        );
        assert!(p.has(Permission::MonitoringView));
        assert!(!p.has(Permission::AppsView));
        assert!(p.has_for_app(Permission::AppsRestart, "sonarr"));
        assert!(!p.has_for_app(Permission::AppsRestart, "radarr"));
        assert!(p.can_view_app("radarr"));
        assert!(!p.can_view_app("lidarr"));
        // Non-scopable permissions are never per-app.
        let q = Permissions::from_names([], [("sonarr", "users.manage")]);
        assert!(!q.has_for_app(Permission::UsersManage, "sonarr"));
        assert!(q.apps().is_empty());
        assert_eq!(
            p.apps_with(Permission::AppsView).collect::<Vec<_>>(),
            ["radarr", "sonarr"]
        );
    }

    #[test]
    fn covers_checks_global_and_per_app() {
        let admin = Permissions::all();
        let op = Permissions::from_names(["apps.view", "apps.install"], []);
        let one = Permissions::from_names([], [("sonarr", "apps.view")]);
        assert!(admin.covers(&op));
        assert!(op.covers(&one));
        assert!(!one.covers(&op));
        assert!(!op.covers(&Permissions::from_names(["users.view"], [])));
        assert!(!one.covers(&Permissions::from_names([], [("radarr", "apps.view")])));
    }
}
