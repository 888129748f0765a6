//! Reconciliation, run by the leader: operations cut short by a crash, a restart or a dead
//! replica are recovered, releases stuck in `pending-*` are repaired, and the database is
//! re-derived from helm and the cluster.

use std::sync::Arc;
use std::time::Duration;

use kubarr_db::queries::apps::{self as rows, state, Begin, Finish};
use kubarr_orchestrator::helm::Release;
use kubarr_orchestrator::watch::WatchCaches;
use kubarr_orchestrator::AppName;

use super::Apps;

/// How often the leader looks for operations whose replica died.
const ORPHAN_CHECK: Duration = Duration::from_secs(15);

impl Apps {
    /// While this replica leads: a full [`reconcile`](Self::reconcile) once the caches are in
    /// sync (retrying while the cluster is unreachable), then a cheap database check every
    /// [`ORPHAN_CHECK`] that reconciles again when a dead replica left an operation behind.
    pub(super) fn spawn_reconcile(self: &Arc<Self>) {
        let Some(caches) = self.caches.clone() else {
            return;
        };
        let this = self.clone();
        self.coordination.while_leader(move || {
            let this = this.clone();
            let caches = caches.clone();
            async move { this.lead(caches).await }
        });
    }

    async fn lead(&self, caches: WatchCaches) {
        let mut delay = Duration::from_secs(1);
        loop {
            if caches.wait_synced(Duration::from_secs(30)).await {
                match self.reconcile().await {
                    Ok(n) => {
                        tracing::info!(repaired = n, "start-up reconciliation done");
                        break;
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "start-up reconciliation failed; retrying")
                    }
                }
            }
            tokio::time::sleep(delay).await;
            delay = (delay * 2).min(Duration::from_secs(60));
        }
        let mut tick = tokio::time::interval(ORPHAN_CHECK);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        tick.tick().await;
        loop {
            tick.tick().await;
            let orphaned = match self.orphaned_operations().await {
                Ok(n) => n,
                Err(e) => {
                    tracing::warn!(error = %e, "checking for orphaned operations failed");
                    continue;
                }
            };
            if orphaned > 0 {
                match self.reconcile().await {
                    Ok(n) => tracing::info!(repaired = n, "recovered orphaned operations"),
                    Err(e) => tracing::warn!(error = %e, "recovering orphaned operations failed"),
                }
            }
        }
    }

    /// How many running operations belong to no live replica.
    async fn orphaned_operations(&self) -> anyhow::Result<usize> {
        let mut n = 0;
        for row in rows::list(&self.db).await? {
            if row.operation.is_some() && !self.owner_alive(row.operation_owner.as_deref()).await? {
                n += 1;
            }
        }
        Ok(n)
    }

    async fn owner_alive(&self, owner: Option<&str>) -> anyhow::Result<bool> {
        Ok(match owner {
            Some(owner) => self.coordination.is_alive(&self.db, owner).await?,
            None => false,
        })
    }

    /// Repairs what an interrupted or dead replica left behind. Returns how many apps it
    /// touched. Operations of live replicas (this one included) are not touched.
    pub async fn reconcile(&self) -> anyhow::Result<usize> {
        let Some(cluster) = self.cluster.as_ref() else {
            return Ok(0);
        };
        // Releases are read before rows: an operation that makes a release pending is recorded
        // in its row first, so a pending release seen here always shows up as that operation.
        let managed = cluster.managed_namespaces().await?;
        let mut releases = Vec::new();
        for ns in managed.keys() {
            // One unreadable namespace (e.g. labelled by hand, without Kubarr's RoleBinding) must
            // not stop the others from being repaired.
            match self.helm.list_namespace(ns).await {
                Ok(found) => releases.extend(found),
                Err(e) if e.is_unavailable() => return Err(e.into()),
                Err(e) => tracing::warn!(namespace = %ns, error = %e, "cannot list helm releases"),
            }
        }
        let find = |app: &str| {
            releases
                .iter()
                .find(|r| r.name == app && r.namespace == app)
                .cloned()
        };
        let me = self.coordination.replica_id().to_owned();
        let mut repaired = 0;
        for row in rows::list(&self.db).await? {
            let Ok(app) = AppName::parse(&row.app_name) else {
                continue;
            };
            let release = find(app.as_str());
            let Some(op) = row.operation.clone() else {
                if let Some(r) = release.filter(Release::is_pending) {
                    // Claim the app first, so no operation starts while the release is repaired.
                    if rows::begin(&self.db, app.as_str(), "repair", &row.state, &me).await?
                        != Begin::Started
                    {
                        continue;
                    }
                    let finish = self.repair_pending(&app, &r).await?;
                    rows::finish(&self.db, app.as_str(), finish).await?;
                    repaired += 1;
                }
                continue;
            };
            if self.owner_alive(row.operation_owner.as_deref()).await?
                || !rows::take_over(&self.db, app.as_str(), row.operation_owner.as_deref(), &me)
                    .await?
            {
                continue;
            }
            tracing::warn!(app = %app, operation = %op, "recovering an interrupted operation");
            repaired += 1;
            let finish = match (op.as_str(), release) {
                ("uninstall", _) => {
                    self.helm.uninstall(&app, self.timeouts.uninstall).await?;
                    rows::delete(&self.db, app.as_str()).await?;
                    let _ = self.op_changes.send(app.to_string());
                    continue;
                }
                (_, Some(r)) if r.is_pending() => self.repair_pending(&app, &r).await?,
                (_, Some(r)) if r.status == "deployed" => Finish {
                    state: state::INSTALLED,
                    message: "Running".into(),
                    last_error: None,
                    chart_version: Some(r.chart_version),
                    app_version: Some(r.app_version),
                    values: None,
                },
                _ => interrupted(
                    "Installation was interrupted by a restart of Kubarr; install it again.",
                ),
            };
            rows::finish(&self.db, app.as_str(), finish).await?;
            let _ = self.op_changes.send(app.to_string());
        }
        // Releases Kubarr installed whose rows are missing (e.g. a database restored from backup).
        let catalog = self.catalog();
        for r in releases.iter().filter(|r| r.name == r.namespace) {
            if catalog.get(&r.name).is_some()
                && rows::find(&self.db, &r.name).await?.is_none()
                && r.status == "deployed"
            {
                rows::adopt(&self.db, &r.name, &r.chart_version, &r.app_version).await?;
                tracing::info!(app = %r.name, "adopted a release found in the cluster");
                repaired += 1;
            }
        }
        Ok(repaired)
    }

    /// A release left `pending-*`: an interrupted install is removed, an interrupted upgrade or
    /// rollback is rolled back to the last good revision.
    async fn repair_pending(&self, app: &AppName, release: &Release) -> anyhow::Result<Finish> {
        if release.status == "pending-install" || release.revision <= 1 {
            self.helm.uninstall(app, self.timeouts.uninstall).await?;
            return Ok(interrupted(
                "Installation was interrupted by a restart of Kubarr; install it again.",
            ));
        }
        self.helm.rollback(app, None, self.timeouts.deploy).await?;
        Ok(Finish {
            state: state::INSTALLED,
            message: "An interrupted upgrade was rolled back".into(),
            last_error: None,
            chart_version: None,
            app_version: None,
            values: None,
        })
    }
}

fn interrupted(message: &str) -> Finish {
    Finish {
        state: state::ERROR,
        message: message.into(),
        last_error: Some(message.into()),
        chart_version: None,
        app_version: None,
        values: None,
    }
}
