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
}

impl AppState {
    pub fn new(config: Config, db: DatabaseConnection, secret_key: SecretKey) -> Self {
        Self {
            config: Arc::new(config),
            db,
            secret_key,
        }
    }
}
