//! Live app status (derived in [`state`](super::state)) and the status change events. No
//! API-server request is made here.

use std::collections::HashMap;
use std::sync::Arc;

use kubarr_db::entities::app_installations::Model;
use kubarr_orchestrator::watch::AppObjects;
use kubarr_orchestrator::AppName;
use serde::Serialize;
use utoipa::ToSchema;

use super::state::{derive, AppStatus, LiveState, Observed};
use super::Apps;

/// How often a replica among several looks for operation changes made by the others.
const PEER_CHANGES_EVERY: std::time::Duration = std::time::Duration::from_secs(2);

/// One `app_status` event of the SSE stream.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct AppStatusEvent {
    pub name: String,
    pub state: LiveState,
    pub message: String,
}

impl Apps {
    /// The status of `name` given its database row (`None`: not installed).
    pub fn status_of(&self, name: &str, row: Option<&Model>) -> AppStatus {
        let objects = match (row, self.caches()) {
            (Some(r), Some(c)) => c.app_objects(&r.app_name),
            _ => AppObjects::default(),
        };
        let observed = self.caches().map(|c| Observed {
            objects: &objects,
            synced: c.is_synced(),
        });
        derive(name, row, observed)
    }

    /// Every app Kubarr installed, with live status.
    pub async fn list(&self) -> Result<Vec<AppStatus>, sea_orm::DbErr> {
        let rows = kubarr_db::queries::apps::list(&self.db).await?;
        Ok(rows
            .iter()
            .map(|r| self.status_of(&r.app_name, Some(r)))
            .collect())
    }

    /// One app's live status.
    pub async fn status(&self, app: &AppName) -> Result<AppStatus, sea_orm::DbErr> {
        let row = self.installed(app).await?;
        Ok(self.status_of(app.as_str(), row.as_ref()))
    }

    /// Publishes `app`'s status on the event channel if it changed since last time.
    pub(super) async fn publish(
        &self,
        app: &str,
        last: &tokio::sync::Mutex<HashMap<String, (LiveState, String)>>,
    ) {
        let Ok(name) = AppName::parse(app) else {
            return;
        };
        let Ok(status) = self.status(&name).await else {
            return;
        };
        let key = (status.state, status.message.clone());
        let mut last = last.lock().await;
        if last.get(app) != Some(&key) {
            last.insert(app.to_owned(), key);
            let _ = self.events.send(AppStatusEvent {
                name: status.name,
                state: status.state,
                message: status.message,
            });
        }
    }

    /// With several replicas, operations started elsewhere change rows this replica never hears
    /// of: it looks at the rows every [`PEER_CHANGES_EVERY`] and announces the apps whose row
    /// changed or went away, so its event stream follows every replica's operations.
    pub(super) fn spawn_peer_changes(self: &Arc<Self>) {
        if !self.coordination.is_shared() {
            return;
        }
        let this = Arc::downgrade(self);
        tokio::spawn(async move {
            let mut seen: HashMap<String, chrono::DateTime<chrono::Utc>> = HashMap::new();
            let mut tick = tokio::time::interval(PEER_CHANGES_EVERY);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                let Some(apps) = this.upgrade() else { return };
                let Ok(rows) = kubarr_db::queries::apps::list(&apps.db).await else {
                    continue;
                };
                let now: HashMap<_, _> = rows
                    .into_iter()
                    .map(|r| (r.app_name, r.updated_at))
                    .collect();
                for (app, updated) in &now {
                    if seen.get(app) != Some(updated) {
                        let _ = apps.op_changes.send(app.clone());
                    }
                }
                for gone in seen.keys().filter(|a| !now.contains_key(*a)) {
                    let _ = apps.op_changes.send(gone.clone());
                }
                seen = now;
            }
        });
    }

    /// Turns cache changes and operation transitions into deduplicated status events.
    pub(super) fn spawn_status_events(self: &Arc<Self>) {
        let Some(caches) = self.caches().cloned() else {
            return;
        };
        let this = Arc::downgrade(self);
        let mut changes = caches.subscribe();
        let mut ops = self.op_changes.subscribe();
        tokio::spawn(async move {
            let last = tokio::sync::Mutex::new(HashMap::new());
            loop {
                let app = tokio::select! {
                    r = changes.recv() => r,
                    r = ops.recv() => r,
                };
                let Some(apps) = this.upgrade() else { return };
                match app {
                    Ok(app) if !app.is_empty() => apps.publish(&app, &last).await,
                    Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                        // A relist, a reconnect or missed changes: recheck everything.
                        if let Ok(rows) = kubarr_db::queries::apps::list(&apps.db).await {
                            for r in rows {
                                apps.publish(&r.app_name, &last).await;
                            }
                        }
                    }
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
                }
            }
        });
    }
}
