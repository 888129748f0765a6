//! How the gateway serves each app, set by an administrator per app.

use std::sync::Arc;
use std::time::Duration;

use sea_orm::{ConnectionTrait, DbErr};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use kubarr_db::entities::app_access;

use crate::auth::grants::GenerationCache;

/// An app's access mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AccessMode {
    /// Behind Kubarr's sign-in and the `apps.open` grant (the default).
    Gated,
    /// Reachable through the gateway with the app's own login only (TV and phone apps of media
    /// servers cannot follow Kubarr's sign-in). Listed for every member.
    Native,
    /// Not served by the gateway.
    Off,
}

impl AccessMode {
    pub const fn as_str(self) -> &'static str {
        match self {
            AccessMode::Gated => "gated",
            AccessMode::Native => "native",
            AccessMode::Off => "off",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        match s {
            "gated" => Some(AccessMode::Gated),
            "native" => Some(AccessMode::Native),
            "off" => Some(AccessMode::Off),
            _ => None,
        }
    }

    /// The mode of an app nobody has configured: media servers are native (their clients
    /// sign in on their own), everything else is gated.
    pub fn default_for(app: &str) -> Self {
        match app {
            "jellyfin" | "plex" => AccessMode::Native,
            _ => AccessMode::Gated,
        }
    }
}

/// How long the stored rows are trusted without a change from this process (changes made by
/// another replica show within this time).
const TTL: Duration = Duration::from_secs(5);

/// The `app_access` rows, cached as one value in the project's [`GenerationCache`]: a load that
/// raced with a change is never served.
pub struct AccessTable(GenerationCache<(), Vec<app_access::Model>>);

impl Default for AccessTable {
    fn default() -> Self {
        Self(GenerationCache::new(TTL))
    }
}

impl AccessTable {
    pub async fn rows(
        &self,
        db: &impl ConnectionTrait,
    ) -> Result<Arc<Vec<app_access::Model>>, DbErr> {
        if let Some(rows) = self.0.get(&()) {
            return Ok(rows);
        }
        let generation = self.0.generation();
        let rows = Arc::new(kubarr_db::queries::gateway::list_access(db).await?);
        self.0.put((), generation, rows.clone());
        Ok(rows)
    }

    /// Call after committing a change to modes, ports or app credentials.
    pub fn invalidate(&self) {
        self.0.invalidate();
    }

    /// `app`'s mode.
    pub async fn mode(&self, db: &impl ConnectionTrait, app: &str) -> Result<AccessMode, DbErr> {
        let rows = self.rows(db).await?;
        Ok(mode_in(&rows, app))
    }
}

/// The app served on gateway port `port` (port mode).
pub fn app_on_port_in(rows: &[app_access::Model], port: u16) -> Option<&str> {
    rows.iter()
        .find(|r| r.port == Some(i32::from(port)))
        .map(|r| r.app_name.as_str())
}

/// `app`'s port (port mode), once it has one.
pub fn port_in(rows: &[app_access::Model], app: &str) -> Option<u16> {
    rows.iter()
        .find(|r| r.app_name == app)
        .and_then(|r| r.port)
        .and_then(|p| u16::try_from(p).ok())
}

/// The stored (encrypted) `Authorization` value for `app`, if any.
pub fn upstream_auth_in<'a>(rows: &'a [app_access::Model], app: &str) -> Option<&'a str> {
    rows.iter()
        .find(|r| r.app_name == app)
        .and_then(|r| r.upstream_auth.as_deref())
}

/// The mode of `app` among stored rows (its default without one).
pub fn mode_in(rows: &[app_access::Model], app: &str) -> AccessMode {
    rows.iter()
        .find(|r| r.app_name == app)
        .and_then(|r| AccessMode::parse(&r.mode))
        .unwrap_or_else(|| AccessMode::default_for(app))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_servers_default_to_native_and_stored_modes_win() {
        assert_eq!(AccessMode::default_for("jellyfin"), AccessMode::Native);
        assert_eq!(AccessMode::default_for("plex"), AccessMode::Native);
        assert_eq!(AccessMode::default_for("sonarr"), AccessMode::Gated);
        let row = |app: &str, mode: &str| app_access::Model {
            app_name: app.into(),
            mode: mode.into(),
            port: None,
            upstream_auth: None,
            updated_at: chrono::Utc::now(),
        };
        let rows = [row("jellyfin", "gated"), row("sonarr", "off")];
        assert_eq!(mode_in(&rows, "jellyfin"), AccessMode::Gated);
        assert_eq!(mode_in(&rows, "sonarr"), AccessMode::Off);
        assert_eq!(mode_in(&rows, "radarr"), AccessMode::Gated);
        for m in [AccessMode::Gated, AccessMode::Native, AccessMode::Off] {
            assert_eq!(AccessMode::parse(m.as_str()), Some(m));
        }
    }
}
