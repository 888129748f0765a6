//! Permission extractors. Each names in its type *where* the permission must be held, so a
//! handler cannot check "for some app" and then act on another:
//!
//! - [`Require<P>`]: `P` held **globally** (403 otherwise). For an app-scopable `P`, a grant for
//!   one app does not pass: a handler that acts on one app takes [`RequireApp<P>`] instead.
//! - [`RequireApp<P>`]: `P` for the `{app}` of the path, parsed as an [`AppName`]: 404
//!   `app_not_found` when the caller cannot view that app (its existence is not revealed), 403
//!   when they see it but lack `P`. For an app named elsewhere (a request body), call
//!   [`CurrentUser::authorize_app`].
//! - [`AppsWith<P>`]: `P` for at least one app (403 otherwise), for handlers that list. It hands
//!   out no user — only a filter — so the handler can do nothing but keep the apps it allows.

use std::marker::PhantomData;
use std::ops::Deref;

use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::request::Parts;
use kubarr_orchestrator::AppName;

use crate::auth::extract::{forbidden, no_such_app, CurrentUser, Permissions};
use crate::auth::permission::PermissionMarker;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// A signed-in user holding permission `P` globally.
/// Use as `Require(user, _): Require<perm::UsersManage>`.
#[derive(Clone, Debug)]
pub struct Require<P: PermissionMarker>(pub CurrentUser, pub PhantomData<P>);

impl<P: PermissionMarker> Require<P> {
    pub fn into_inner(self) -> CurrentUser {
        self.0
    }
}

impl<P: PermissionMarker> Deref for Require<P> {
    type Target = CurrentUser;
    fn deref(&self) -> &CurrentUser {
        &self.0
    }
}

impl<P: PermissionMarker> FromRequestParts<AppState> for Require<P> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> AppResult<Self> {
        let user = CurrentUser::from_request_parts(parts, state).await?;
        user.require(P::PERMISSION)?;
        Ok(Require(user, PhantomData))
    }
}

/// A signed-in user holding app-scopable permission `P` for the `{app}` of the path.
#[derive(Clone, Debug)]
pub struct RequireApp<P: PermissionMarker> {
    pub user: CurrentUser,
    /// The `{app}` path parameter, a valid app name the caller holds `P` for.
    pub app: AppName,
    _p: PhantomData<P>,
}

impl<P: PermissionMarker> FromRequestParts<AppState> for RequireApp<P> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> AppResult<Self> {
        let user = CurrentUser::from_request_parts(parts, state).await?;
        let params = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|_| no_such_app())?;
        let raw = params
            .iter()
            .find(|(name, _)| *name == "app")
            .map(|(_, value)| value.to_owned())
            .ok_or_else(|| {
                AppError::internal(anyhow::anyhow!(
                    "RequireApp used on a route without {{app}}"
                ))
            })?;
        let app = AppName::parse(&raw).map_err(|_| no_such_app())?;
        user.authorize_app(P::PERMISSION, app.as_str())?;
        Ok(Self {
            user,
            app,
            _p: PhantomData,
        })
    }
}

impl<P: PermissionMarker> Deref for RequireApp<P> {
    type Target = CurrentUser;
    fn deref(&self) -> &CurrentUser {
        &self.user
    }
}

/// The apps a signed-in caller holds `P` for: all of them (a global grant) or some. Rejects
/// with 403 a caller who holds `P` for none. It carries no user, only this filter.
#[derive(Clone, Debug)]
pub struct AppsWith<P: PermissionMarker> {
    permissions: Permissions,
    _p: PhantomData<P>,
}

impl<P: PermissionMarker> AppsWith<P> {
    /// Whether `P` is held for `app`. For `P` other than `apps.view` this also needs the app to
    /// be visible: what a caller cannot see, they cannot act on either.
    pub fn allows(&self, app: &str) -> bool {
        self.permissions.can_view_app(app) && self.permissions.has_for_app(P::PERMISSION, app)
    }

    /// Keeps the items whose app (`name_of`) is allowed.
    pub fn filter<T>(
        &self,
        items: impl IntoIterator<Item = T>,
        name_of: impl Fn(&T) -> &str,
    ) -> Vec<T> {
        items
            .into_iter()
            .filter(|item| self.allows(name_of(item)))
            .collect()
    }
}

impl<P: PermissionMarker> FromRequestParts<AppState> for AppsWith<P> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> AppResult<Self> {
        let user = CurrentUser::from_request_parts(parts, state).await?;
        let p = P::PERMISSION;
        let some = user.permissions.has(p)
            || (p.is_app_scopable() && user.permissions.apps().values().any(|s| s.contains(p)));
        if !some {
            return Err(forbidden(p));
        }
        Ok(Self {
            permissions: user.permissions,
            _p: PhantomData,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::perm;

    #[test]
    fn apps_with_filters_by_the_grant_and_visibility() {
        let perms = Permissions::from_names(
            [],
            [
                ("sonarr", "apps.view"),
                ("sonarr", "apps.restart"),
                ("radarr", "apps.restart"),
                ("lidarr", "apps.view"),
            ],
        );
        let restart: AppsWith<perm::AppsRestart> = AppsWith {
            permissions: perms.clone(),
            _p: PhantomData,
        };
        // radarr: restart granted but not visible; lidarr: visible without the grant.
        assert_eq!(
            restart.filter(["sonarr", "radarr", "lidarr", "plex"], |a| a),
            ["sonarr"]
        );
        let view: AppsWith<perm::AppsView> = AppsWith {
            permissions: perms,
            _p: PhantomData,
        };
        assert_eq!(
            view.filter(["sonarr", "radarr", "lidarr"], |a| a),
            ["sonarr", "lidarr"]
        );
    }
}
