//! Install, upgrade, restart and uninstall: the request side.
//!
//! A request validates everything it can, claims the app in the database (one operation per app,
//! across processes), records the audit entry, and returns at once (202); the job (see
//! [`jobs`](super::jobs)) runs helm and the cluster calls and records the outcome when done.

use std::sync::Arc;

use kubarr_db::entities::app_installations::Model;
use kubarr_db::queries::apps::{self as rows, Begin, InstallState, NewInstall};
use kubarr_orchestrator::catalog::CatalogEntry;
use kubarr_orchestrator::values::merge;
use kubarr_orchestrator::AppName;
use sea_orm::TransactionTrait;
use serde_json::{json, Value};

use super::jobs::Job;
use super::values::check_values;
use super::{Apps, AppsError};
use crate::audit::{Audit, AuditAction};

/// The lifecycle operations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operation {
    Install,
    Upgrade,
    Restart,
    Uninstall { delete_data: bool },
}

impl Operation {
    /// As recorded in the app's row.
    pub(super) fn stored(self) -> rows::Operation {
        match self {
            Operation::Install => rows::Operation::Install,
            Operation::Upgrade => rows::Operation::Upgrade,
            Operation::Restart => rows::Operation::Restart,
            Operation::Uninstall { .. } => rows::Operation::Uninstall,
        }
    }

    pub(super) fn name(self) -> &'static str {
        self.stored().as_str()
    }

    pub(super) fn audit_action(self) -> AuditAction {
        match self {
            Operation::Install => AuditAction::AppInstalled,
            Operation::Upgrade => AuditAction::AppUpgraded,
            Operation::Restart => AuditAction::AppRestarted,
            Operation::Uninstall { .. } => AuditAction::AppUninstalled,
        }
    }
}

impl Apps {
    /// The app's row if Kubarr installed it: the one "is it installed" check.
    pub async fn installed(&self, app: &AppName) -> Result<Option<Model>, sea_orm::DbErr> {
        rows::find(&self.db, app.as_str()).await
    }

    /// Names of every app Kubarr installed.
    pub async fn installed_names(
        &self,
    ) -> Result<std::collections::BTreeSet<String>, sea_orm::DbErr> {
        Ok(rows::list(&self.db)
            .await?
            .into_iter()
            .map(|r| r.app_name)
            .collect())
    }

    /// The app's row, or [`AppsError::NotInstalled`].
    pub async fn require_installed(&self, app: &AppName) -> Result<Model, AppsError> {
        self.installed(app)
            .await?
            .ok_or_else(|| AppsError::NotInstalled(app.clone()))
    }

    /// The catalog entry of `app`, or [`AppsError::NotInCatalog`].
    fn catalog_entry(&self, app: &AppName) -> Result<CatalogEntry, AppsError> {
        self.catalog()
            .get(app.as_str())
            .cloned()
            .ok_or_else(|| AppsError::NotInCatalog(app.to_string()))
    }

    /// Starts installing a catalog app. `values` are the user's values (an object).
    pub async fn install(
        self: &Arc<Self>,
        actor: Audit,
        app: &AppName,
        values: Value,
    ) -> Result<(), AppsError> {
        let entry = self.catalog_entry(app)?;
        self.require_cluster()?;
        let (values, stored_values) = check_values(entry.schema.as_deref(), values)?;
        let full = self.deploy_values(values);
        let media = self.media_backing().await?;
        let txn = self.db.begin().await?;
        let begun = rows::begin_install(
            &txn,
            NewInstall {
                app_name: app.to_string(),
                chart_version: entry.version.clone(),
                app_version: Some(entry.app_version.clone()),
                values: stored_values.clone(),
                installed_by: actor.user_id,
                owner: self.coordination.replica_id().to_owned(),
            },
        )
        .await?;
        match begun {
            Begin::Started => {}
            Begin::Busy => return Err(AppsError::Busy(app.clone())),
            Begin::AlreadyInstalled => return Err(AppsError::AlreadyInstalled(app.clone())),
            Begin::NotInstalled => unreachable!("install never reports NotInstalled"),
        }
        actor
            .record(
                &txn,
                AuditAction::AppInstalled,
                "app",
                app.to_string(),
                json!({"outcome": "started", "version": entry.version, "values": stored_values}),
            )
            .await?;
        txn.commit().await?;
        self.spawn_job(Job {
            op: Operation::Install,
            app: app.clone(),
            actor,
            values: full,
            stored_values,
            reuse_values: false,
            media,
        });
        Ok(())
    }

    /// Starts an upgrade to the catalog's chart version; `values`, when given, replace the
    /// user values (else the previous ones are kept).
    pub async fn upgrade(
        self: &Arc<Self>,
        actor: Audit,
        app: &AppName,
        version: Option<String>,
        values: Option<Value>,
    ) -> Result<(), AppsError> {
        let entry = self.catalog_entry(app)?;
        if let Some(v) = version {
            if v != entry.version {
                return Err(AppsError::VersionUnavailable {
                    app: app.clone(),
                    requested: v,
                    available: entry.version.clone(),
                });
            }
        }
        self.require_cluster()?;
        let (full, stored_values, reuse) = match values {
            Some(v) => {
                let (v, stored) = check_values(entry.schema.as_deref(), v)?;
                (self.deploy_values(v), stored, false)
            }
            // Kubarr's own values are given again; `media: null` drops the media key an older
            // release may still carry among its reused values (the charts no longer take it).
            None => (
                merge(&self.deploy_values(json!({})), &json!({"media": null})),
                Value::Null,
                true,
            ),
        };
        let media = self.media_backing().await?;
        let job = Job {
            op: Operation::Upgrade,
            app: app.clone(),
            actor: Audit::default(),
            values: full,
            stored_values,
            reuse_values: reuse,
            media,
        };
        let details = json!({"version": entry.version});
        self.begin_and_spawn(actor, job, InstallState::Upgrading, details)
            .await
    }

    /// Starts a rolling restart.
    pub async fn restart(self: &Arc<Self>, actor: Audit, app: &AppName) -> Result<(), AppsError> {
        self.require_cluster()?;
        let job = Job::plain(Operation::Restart, app);
        self.begin_and_spawn(actor, job, InstallState::Installed, json!({}))
            .await
    }

    /// Starts an uninstall; with `delete_data` the app's namespace and volumes go too.
    pub async fn uninstall(
        self: &Arc<Self>,
        actor: Audit,
        app: &AppName,
        delete_data: bool,
    ) -> Result<(), AppsError> {
        self.require_installed(app).await?;
        self.require_cluster()?;
        let job = Job::plain(Operation::Uninstall { delete_data }, app);
        let details = json!({"delete_data": delete_data});
        self.begin_and_spawn(actor, job, InstallState::Uninstalling, details)
            .await
    }

    async fn begin_and_spawn(
        self: &Arc<Self>,
        actor: Audit,
        mut job: Job,
        shown: InstallState,
        mut details: Value,
    ) -> Result<(), AppsError> {
        let app = job.app.to_string();
        let txn = self.db.begin().await?;
        let owner = self.coordination.replica_id();
        match rows::begin(&txn, &app, job.op.stored(), shown, owner).await? {
            Begin::Started => {}
            Begin::Busy => return Err(AppsError::Busy(job.app.clone())),
            _ => return Err(AppsError::NotInstalled(job.app.clone())),
        }
        details["outcome"] = json!("started");
        if !job.stored_values.is_null() {
            details["values"] = job.stored_values.clone();
        }
        actor
            .record(&txn, job.op.audit_action(), "app", app, details)
            .await?;
        txn.commit().await?;
        job.actor = actor;
        self.spawn_job(job);
        Ok(())
    }

    /// Operations need a cluster whose watch caches are in sync (else the outcome could not be
    /// followed).
    pub(super) fn require_cluster(&self) -> Result<(), AppsError> {
        match self.caches() {
            Some(c) if c.is_synced() => Ok(()),
            _ => Err(AppsError::ClusterUnavailable),
        }
    }
}
