//! Live app status: the database says what Kubarr is doing, the watch caches say how the
//! workloads are. No API-server request is made here.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use kubarr_db::entities::app_installations::Model;
use kubarr_db::queries::apps::state;
use kubarr_orchestrator::status::workload_health;
use kubarr_orchestrator::watch::AppObjects;
use serde::Serialize;
use utoipa::ToSchema;

use super::Apps;

/// How often a replica among several looks for operation changes made by the others.
const PEER_CHANGES_EVERY: std::time::Duration = std::time::Duration::from_secs(2);

/// An installed (or installing) app as the API shows it.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct AppStatus {
    pub name: String,
    /// `not_installed`, `installing`, `installed`, `degraded`, `upgrading`, `uninstalling` or
    /// `error`. `installed` means every pod is Ready.
    pub state: String,
    pub message: String,
    /// Installed chart version.
    pub version: Option<String>,
    pub app_version: Option<String>,
    pub namespace: String,
    pub ready_pods: u32,
    pub total_pods: u32,
    pub updated_at: Option<DateTime<Utc>>,
    /// True when the cluster cannot be reached and this is the last known state.
    pub stale: bool,
}

/// One `app_status` event of the SSE stream.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct AppStatusEvent {
    pub name: String,
    pub state: String,
    pub message: String,
}

impl Apps {
    /// The status of `name` given its database row (`None`: not installed).
    pub fn status_of(&self, name: &str, row: Option<&Model>) -> AppStatus {
        let objects = row.and_then(|r| self.caches.as_ref().map(|c| c.app_objects(&r.app_name)));
        self.status_with(name, row, objects.as_ref())
    }

    fn status_with(
        &self,
        name: &str,
        row: Option<&Model>,
        objects: Option<&AppObjects>,
    ) -> AppStatus {
        let Some(row) = row else {
            return AppStatus {
                name: name.to_owned(),
                state: "not_installed".into(),
                message: "Not installed".into(),
                version: None,
                app_version: None,
                namespace: name.to_owned(),
                ready_pods: 0,
                total_pods: 0,
                updated_at: None,
                stale: false,
            };
        };
        let mut status = AppStatus {
            name: row.app_name.clone(),
            state: row.state.clone(),
            message: row.message.clone().unwrap_or_default(),
            version: Some(row.chart_version.clone()),
            app_version: row.app_version.clone(),
            namespace: row.namespace.clone(),
            ready_pods: 0,
            total_pods: 0,
            updated_at: Some(row.updated_at),
            stale: false,
        };
        if let Some(caches) = &self.caches {
            let empty = AppObjects::default();
            let health = workload_health(objects.unwrap_or(&empty));
            status.ready_pods = health.ready_pods;
            status.total_pods = health.total_pods;
            status.stale = !caches.is_synced();
            let live = row.operation.is_none() || row.operation.as_deref() == Some("restart");
            if live && row.state != state::ERROR && !status.stale {
                if health.all_ready {
                    status.state = state::INSTALLED.into();
                    status.message = "Running".into();
                } else {
                    status.state = "degraded".into();
                    status.message = health.message;
                }
            }
        } else {
            status.stale = true;
        }
        if row.state == state::ERROR {
            status.message = row
                .last_error
                .clone()
                .or(row.message.clone())
                .unwrap_or_default();
        }
        if status.stale && row.operation.is_none() && row.state != state::ERROR {
            status.message = format!("Cluster unreachable; last known state. {}", status.message)
                .trim()
                .to_owned();
        }
        status
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
    pub async fn status(&self, name: &str) -> Result<AppStatus, sea_orm::DbErr> {
        let row = kubarr_db::queries::apps::find(&self.db, name).await?;
        Ok(self.status_of(name, row.as_ref()))
    }

    /// Publishes `app`'s status on the event channel if it changed since last time.
    pub(super) async fn publish(
        &self,
        app: &str,
        last: &tokio::sync::Mutex<HashMap<String, (String, String)>>,
    ) {
        let Ok(status) = self.status(app).await else {
            return;
        };
        let key = (status.state.clone(), status.message.clone());
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
        let Some(caches) = self.caches.clone() else {
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
