//! Start-up reconciliation: operations cut short by a crash or restart are recovered, releases
//! stuck in `pending-*` are repaired, and the database is re-derived from helm and the cluster.

use std::sync::Arc;
use std::time::Duration;

use kubarr_db::queries::apps::{self as rows, state, Finish};
use kubarr_orchestrator::helm::Release;
use kubarr_orchestrator::AppName;

use super::Apps;

impl Apps {
    /// Runs [`reconcile`](Self::reconcile) in the background once the caches are in sync
    /// (retrying while the cluster is unreachable).
    pub(super) fn spawn_reconcile(self: &Arc<Self>) {
        let Some(caches) = self.caches.clone() else {
            return;
        };
        let this = self.clone();
        tokio::spawn(async move {
            let mut delay = Duration::from_secs(1);
            loop {
                if caches.wait_synced(Duration::from_secs(30)).await {
                    match this.reconcile().await {
                        Ok(n) => {
                            tracing::info!(repaired = n, "start-up reconciliation done");
                            return;
                        }
                        Err(e) => {
                            tracing::warn!(error = %e, "start-up reconciliation failed; retrying")
                        }
                    }
                }
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(60));
            }
        });
    }

    /// Repairs what an interrupted process left behind. Returns how many apps it touched.
    /// Operations this process started itself are not touched.
    pub async fn reconcile(&self) -> anyhow::Result<usize> {
        let releases = self.helm.list().await?;
        let find = |app: &str| {
            releases
                .iter()
                .find(|r| r.name == app && r.namespace == app)
                .cloned()
        };
        let mut repaired = 0;
        for row in rows::list(&self.db).await? {
            let Ok(app) = AppName::parse(&row.app_name) else {
                continue;
            };
            let release = find(app.as_str());
            if row
                .operation_started_at
                .is_some_and(|t| t >= self.started_at)
            {
                continue;
            }
            let Some(op) = row.operation.clone() else {
                if let Some(r) = release.filter(Release::is_pending) {
                    let finish = self.repair_pending(&app, &r).await?;
                    rows::finish(&self.db, app.as_str(), finish).await?;
                    repaired += 1;
                }
                continue;
            };
            tracing::warn!(app = %app, operation = %op, "recovering an interrupted operation");
            repaired += 1;
            let finish = match (op.as_str(), release) {
                ("uninstall", _) => {
                    self.helm.uninstall(&app, self.timeouts.uninstall).await?;
                    rows::delete(&self.db, app.as_str()).await?;
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
        let Some(cluster) = self.cluster.as_ref() else {
            return Ok(repaired);
        };
        let managed = cluster.managed_namespaces().await?;
        let catalog = self.catalog();
        for r in releases
            .iter()
            .filter(|r| r.name == r.namespace && managed.contains_key(&r.name))
        {
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
