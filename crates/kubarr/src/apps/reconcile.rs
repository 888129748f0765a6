//! Reconciliation, run by the leader: operations cut short by a crash, a restart or a dead
//! replica are recovered, releases stuck in `pending-*` are repaired, and the database is
//! re-derived from helm and the cluster.

use std::sync::Arc;
use std::time::Duration;

use kubarr_db::queries::apps::{self as rows, Begin, Finish, InstallState, Operation};
use kubarr_orchestrator::backend::{HelmRunner, WorkloadCache};
use kubarr_orchestrator::helm::Release;
use kubarr_orchestrator::AppName;

use super::Apps;

/// How often the leader looks for operations whose replica died.
const ORPHAN_CHECK: Duration = Duration::from_secs(15);

impl Apps {
    /// While this replica leads: a full [`reconcile`](Self::reconcile) once the caches are in
    /// sync (retrying while the cluster is unreachable), then a cheap database check every
    /// [`ORPHAN_CHECK`] that reconciles again when a dead replica left an operation behind.
    pub(super) fn spawn_reconcile(self: &Arc<Self>) {
        let Some(caches) = self.caches().cloned() else {
            return;
        };
        let this = self.clone();
        self.coordination.while_leader(move || {
            let this = this.clone();
            let caches = caches.clone();
            async move { this.lead(caches).await }
        });
    }

    async fn lead(&self, caches: Arc<dyn WorkloadCache>) {
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
        let Some(kube) = self.kube.as_ref() else {
            return Ok(0);
        };
        // Releases are read before rows: an operation that makes a release pending is recorded
        // in its row first, so a pending release seen here always shows up as that operation.
        let managed = kube.cluster.managed_namespaces().await?;
        let mut releases = Vec::new();
        for ns in managed.keys() {
            // One unreadable namespace (e.g. labelled by hand, without Kubarr's RoleBinding) must
            // not stop the others from being repaired.
            match kube.helm.list_namespace(ns).await {
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
            let owner_alive = match row.operation {
                Some(_) => self.owner_alive(row.operation_owner.as_deref()).await?,
                None => false,
            };
            let recovery = decide(row.operation, owner_alive, release.as_ref());
            let orphaned = matches!(
                recovery,
                Recovery::FinishUninstall
                    | Recovery::Repair(_)
                    | Recovery::MarkInstalled
                    | Recovery::MarkInterrupted
            );
            if orphaned {
                // Exactly one replica takes an orphaned operation over.
                if !rows::take_over(&self.db, app.as_str(), row.operation_owner.as_deref(), &me)
                    .await?
                {
                    continue;
                }
                tracing::warn!(app = %app, operation = ?row.operation, "recovering an interrupted operation");
            }
            let finish = match (recovery, release) {
                (Recovery::Leave, _) => continue,
                (Recovery::ClaimAndRepair(repair), Some(_)) => {
                    // Claim the app first, so no operation starts while the release is repaired.
                    let claim =
                        rows::begin(&self.db, app.as_str(), Operation::Repair, row.state, &me);
                    if claim.await? != Begin::Started {
                        continue;
                    }
                    self.repair_pending(kube.helm.as_ref(), &app, repair)
                        .await?
                }
                (Recovery::FinishUninstall, _) => {
                    kube.helm.uninstall(&app, self.timeouts.uninstall).await?;
                    rows::delete(&self.db, app.as_str()).await?;
                    let _ = self.op_changes.send(app.to_string());
                    repaired += 1;
                    continue;
                }
                (Recovery::Repair(repair), _) => {
                    self.repair_pending(kube.helm.as_ref(), &app, repair)
                        .await?
                }
                (Recovery::MarkInstalled, Some(r)) => Finish {
                    state: InstallState::Installed,
                    message: "Running".into(),
                    last_error: None,
                    chart_version: Some(r.chart_version),
                    app_version: Some(r.app_version),
                    values: None,
                },
                (Recovery::MarkInterrupted, _) => interrupted(INTERRUPTED_INSTALL),
                (Recovery::ClaimAndRepair(_) | Recovery::MarkInstalled, None) => {
                    unreachable!("decided from a release")
                }
            };
            rows::finish(&self.db, app.as_str(), finish).await?;
            if orphaned {
                let _ = self.op_changes.send(app.to_string());
            }
            repaired += 1;
        }
        // Releases Kubarr installed whose rows are missing (e.g. a database restored from backup).
        let catalog = self.catalog();
        for r in &releases {
            let in_catalog = catalog.get(&r.name).is_some();
            if adoptable(r, in_catalog) && rows::find(&self.db, &r.name).await?.is_none() {
                rows::adopt(&self.db, &r.name, &r.chart_version, &r.app_version).await?;
                tracing::info!(app = %r.name, "adopted a release found in the cluster");
                repaired += 1;
            }
        }
        Ok(repaired)
    }

    /// Carries out a [`Repair`] of a release left `pending-*`.
    async fn repair_pending(
        &self,
        helm: &dyn HelmRunner,
        app: &AppName,
        repair: Repair,
    ) -> anyhow::Result<Finish> {
        match repair {
            Repair::Uninstall => {
                helm.uninstall(app, self.timeouts.uninstall).await?;
                Ok(interrupted(INTERRUPTED_INSTALL))
            }
            Repair::Rollback => {
                helm.rollback(app, None, self.timeouts.deploy).await?;
                Ok(Finish {
                    state: InstallState::Installed,
                    message: "An interrupted upgrade was rolled back".into(),
                    last_error: None,
                    chart_version: None,
                    app_version: None,
                    values: None,
                })
            }
        }
    }
}

const INTERRUPTED_INSTALL: &str =
    "Installation was interrupted by a restart of Kubarr; install it again.";

/// What reconciliation does with one app's row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Recovery {
    /// Nothing: idle and not pending, or a live replica's operation.
    Leave,
    /// Idle, but its release was left pending (by a process that died before recording its
    /// operation): claim the app, then repair the release.
    ClaimAndRepair(Repair),
    /// The rest are orphaned operations, taken over first. An uninstall is finished.
    FinishUninstall,
    /// The release was left pending: repair it.
    Repair(Repair),
    /// The release got deployed before its replica died: record it installed.
    MarkInstalled,
    /// Nothing (or a failed release) in the cluster: the install must be started again.
    MarkInterrupted,
}

/// How a release left `pending-*` is repaired.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Repair {
    /// An interrupted first install: removed.
    Uninstall,
    /// An interrupted upgrade or rollback: rolled back to the last good revision.
    Rollback,
}

/// The recovery decision for a row with `operation` (its replica `owner_alive`) and the app's
/// release in the cluster, if any.
fn decide(operation: Option<Operation>, owner_alive: bool, release: Option<&Release>) -> Recovery {
    let pending = release.filter(|r| r.is_pending());
    match operation {
        None => match pending {
            Some(r) => Recovery::ClaimAndRepair(repair_for(r)),
            None => Recovery::Leave,
        },
        Some(_) if owner_alive => Recovery::Leave,
        Some(Operation::Uninstall) => Recovery::FinishUninstall,
        Some(_) => match release {
            Some(r) if r.is_pending() => Recovery::Repair(repair_for(r)),
            Some(r) if r.status == "deployed" => Recovery::MarkInstalled,
            _ => Recovery::MarkInterrupted,
        },
    }
}

fn repair_for(release: &Release) -> Repair {
    if release.status == "pending-install" || release.revision <= 1 {
        Repair::Uninstall
    } else {
        Repair::Rollback
    }
}

/// Whether a release without a row is one Kubarr installed and should track again.
fn adoptable(release: &Release, in_catalog: bool) -> bool {
    release.name == release.namespace && in_catalog && release.status == "deployed"
}

fn interrupted(message: &str) -> Finish {
    Finish {
        state: InstallState::Error,
        message: message.into(),
        last_error: Some(message.into()),
        chart_version: None,
        app_version: None,
        values: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn release(status: &str, revision: i64) -> Release {
        Release {
            name: "sonarr".into(),
            namespace: "sonarr".into(),
            revision,
            status: status.into(),
            chart_version: "1.0.0".into(),
            app_version: "4.0".into(),
        }
    }

    /// Operation, owner alive, release (status, revision) => decision.
    type Case = (
        Option<Operation>,
        bool,
        Option<(&'static str, i64)>,
        Recovery,
    );

    #[test]
    fn the_recovery_table() {
        use Operation as O;
        use Recovery as R;
        #[rustfmt::skip]
        let cases: &[Case] = &[
            // operation, owner alive, release (status, revision) => decision
            (None, false, None, R::Leave),
            (None, false, Some(("deployed", 3)), R::Leave),
            (None, false, Some(("failed", 2)), R::Leave),
            (None, false, Some(("pending-install", 1)), R::ClaimAndRepair(Repair::Uninstall)),
            (None, false, Some(("pending-upgrade", 1)), R::ClaimAndRepair(Repair::Uninstall)),
            (None, false, Some(("pending-upgrade", 4)), R::ClaimAndRepair(Repair::Rollback)),
            (None, false, Some(("uninstalling", 2)), R::ClaimAndRepair(Repair::Rollback)),
            (Some(O::Install), true, Some(("pending-install", 1)), R::Leave),
            (Some(O::Uninstall), true, None, R::Leave),
            (Some(O::Uninstall), false, Some(("deployed", 2)), R::FinishUninstall),
            (Some(O::Uninstall), false, None, R::FinishUninstall),
            (Some(O::Install), false, Some(("pending-install", 1)), R::Repair(Repair::Uninstall)),
            (Some(O::Upgrade), false, Some(("pending-upgrade", 3)), R::Repair(Repair::Rollback)),
            (Some(O::Upgrade), false, Some(("pending-rollback", 1)), R::Repair(Repair::Uninstall)),
            (Some(O::Install), false, Some(("deployed", 1)), R::MarkInstalled),
            (Some(O::Restart), false, Some(("deployed", 5)), R::MarkInstalled),
            (Some(O::Repair), false, Some(("deployed", 5)), R::MarkInstalled),
            (Some(O::Install), false, None, R::MarkInterrupted),
            (Some(O::Install), false, Some(("failed", 1)), R::MarkInterrupted),
            (Some(O::Upgrade), false, Some(("superseded", 2)), R::MarkInterrupted),
        ];
        for &(op, alive, rel, want) in cases {
            let r = rel.map(|(status, revision)| release(status, revision));
            assert_eq!(
                decide(op, alive, r.as_ref()),
                want,
                "{op:?} alive={alive} {rel:?}"
            );
        }
    }

    #[test]
    fn only_deployed_catalog_releases_in_their_own_namespace_are_adopted() {
        assert!(adoptable(&release("deployed", 1), true));
        assert!(!adoptable(&release("deployed", 1), false));
        assert!(!adoptable(&release("failed", 1), true));
        assert!(!adoptable(&release("pending-install", 1), true));
        let mut elsewhere = release("deployed", 1);
        elsewhere.namespace = "media".into();
        assert!(!adoptable(&elsewhere, true));
    }
}
