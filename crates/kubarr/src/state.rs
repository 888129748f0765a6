//! Shared state handed to every handler.

use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::config::Config;
use crate::secret_key::SecretKey;

/// Cheap to clone: every field is a handle.
#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub db: DatabaseConnection,
    pub secret_key: SecretKey,
    /// Rate limiter, settings cache and other authentication state.
    pub auth: Arc<crate::auth::AuthState>,
    /// The app catalog and lifecycle.
    pub apps: Arc<crate::apps::Apps>,
    /// The app gateway (its state exists even while it is off).
    pub gateway: Arc<crate::gateway::Gateway>,
    /// The stack wiring between installed apps.
    pub wiring: Arc<crate::wiring::Wiring>,
}

impl AppState {
    /// State without a cluster (app endpoints answer 503); see [`from_parts`](Self::from_parts).
    pub fn new(config: Config, db: DatabaseConnection, secret_key: SecretKey) -> Self {
        let apps = crate::apps::Apps::without_cluster(&config, db.clone());
        Self::from_parts(config, db, secret_key, apps)
    }

    /// State around an app service built by the caller.
    pub fn from_parts(
        config: Config,
        db: DatabaseConnection,
        secret_key: SecretKey,
        apps: Arc<crate::apps::Apps>,
    ) -> Self {
        let gateway = crate::gateway::Gateway::new(config.gateway.clone());
        apps.set_secret_key(secret_key.clone());
        apps.set_gateway(config.gateway.clone());
        let wiring = Arc::new(crate::wiring::Wiring::new(&config.gateway.upstreams));
        Self {
            wiring,
            config: Arc::new(config),
            db,
            secret_key,
            auth: Arc::default(),
            apps,
            gateway,
        }
    }
}
