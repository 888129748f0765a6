//! Authentication and authorization.
//!
//! - [`CurrentUser`]: the extractor every protected handler starts from (Bearer token or the
//!   `kubarr_session` cookie + CSRF header), with the caller's [`Permissions`].
//! - [`Require<P>`](Require): demands a permission globally in the handler's signature, e.g.
//!   `Require<perm::UsersManage>`; [`RequireApp<P>`](RequireApp) for the `{app}` of the path
//!   (404 when the caller cannot see the app); [`AppsWith<P>`](AppsWith) for lists.
//! - [`password`], [`totp`], [`token`]: the primitives; [`rate_limit`]: brute-force protection;
//!   [`session`]: issuing sessions and their cookie; [`purge`]: the periodic clean-up.

pub(crate) mod client_ip;
pub(crate) mod extract;
pub mod grants;
pub mod live;
pub(crate) mod password;
pub(crate) mod permission;
pub mod purge;
pub(crate) mod rate_limit;
pub(crate) mod require;
pub mod session;
pub mod token;
pub(crate) mod totp;
pub(crate) mod validate;

pub use client_ip::{client_ip, ClientIp};
pub use extract::{
    session_cookie_name, CurrentUser, EnrollingUser, Permissions, CSRF_HEADER,
    SECURE_SESSION_COOKIE, SESSION_COOKIE,
};
pub use permission::{perm, Permission, PermissionMarker, PermissionSet};
pub use require::{AppsWith, Require, RequireApp};

use tokio::sync::OnceCell;

use crate::auth::password::HashError;
use crate::settings::SettingsCache;

/// Process-wide authentication state (part of [`AppState`](crate::state::AppState)).
pub struct AuthState {
    pub limiter: rate_limit::RateLimiter,
    pub settings: SettingsCache,
    pub grants: grants::GrantsCache,
    pub sessions: grants::SessionCache,
    /// Open event streams and followed logs per user.
    pub streams: live::StreamCounts,
    /// While no user exists, `POST /api/setup` from anywhere but loopback needs this token
    /// (printed to the server log at start-up).
    pub setup_token: SetupToken,
    dummy_hash: OnceCell<String>,
}

/// The one-time setup token of this process: the token and its hash.
pub struct SetupToken {
    token: String,
    hash: String,
}

impl Default for SetupToken {
    fn default() -> Self {
        let (token, hash) = token::generate(token::TokenKind::Setup);
        Self { token, hash }
    }
}

impl SetupToken {
    /// The token, to print where only the operator sees it (the server log at start-up).
    pub fn reveal(&self) -> &str {
        &self.token
    }

    /// Whether `given` is this token.
    pub fn matches(&self, given: &str) -> bool {
        token::parse(token::TokenKind::Setup, given.trim()).is_some_and(|h| h == self.hash)
    }
}

impl Default for AuthState {
    fn default() -> Self {
        Self {
            limiter: Default::default(),
            settings: Default::default(),
            grants: Default::default(),
            sessions: grants::SessionCache::new(grants::SESSION_CACHE_TTL),
            streams: Default::default(),
            setup_token: Default::default(),
            dummy_hash: OnceCell::new(),
        }
    }
}

impl AuthState {
    /// Call after committing anything that revokes sessions or changes a user (flags, e-mail,
    /// TOTP, roles, deletion): the next request re-reads them.
    pub fn sessions_changed(&self) {
        self.sessions.invalidate();
        self.grants.invalidate();
    }

    /// A bcrypt hash of a random password at the configured cost, verified against when the
    /// login names no user, so that answer takes as long as a wrong password.
    pub async fn dummy_hash(&self, cost: u32) -> Result<&str, HashError> {
        self.dummy_hash
            .get_or_try_init(|| password::hash_unchecked(password::generate(), cost))
            .await
            .map(String::as_str)
    }
}
