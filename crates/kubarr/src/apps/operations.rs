//! Install, upgrade, restart and uninstall as background jobs.
//!
//! A request validates everything it can, claims the app in the database (one operation per app,
//! across processes), records the audit entry, and returns at once (202); the job runs helm and
//! the cluster calls and records the outcome (and audits it) when done.

use std::sync::Arc;

use kubarr_db::queries::apps::{self as rows, state, Begin, Finish, NewInstall};
use kubarr_orchestrator::cluster::MediaBacking;
use kubarr_orchestrator::helm::DeployOptions;
use kubarr_orchestrator::values::merge;
use kubarr_orchestrator::AppName;
use sea_orm::TransactionTrait;
use serde_json::{json, Value};

use super::{cluster_unavailable, media, Apps};
use crate::audit::{Audit, AuditAction};
use crate::error::AppError;

/// The lifecycle operations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operation {
    Install,
    Upgrade,
    Restart,
    Uninstall { delete_data: bool },
}

impl Operation {
    fn name(self) -> &'static str {
        match self {
            Operation::Install => "install",
            Operation::Upgrade => "upgrade",
            Operation::Restart => "restart",
            Operation::Uninstall { .. } => "uninstall",
        }
    }

    fn audit_action(self) -> AuditAction {
        match self {
            Operation::Install => AuditAction::AppInstalled,
            Operation::Upgrade => AuditAction::AppUpgraded,
            Operation::Restart => AuditAction::AppRestarted,
            Operation::Uninstall { .. } => AuditAction::AppUninstalled,
        }
    }
}

/// What a job needs beyond the app name.
struct Job {
    op: Operation,
    app: AppName,
    actor: Audit,
    /// Full values handed to helm (may hold secrets; never stored).
    values: Value,
    /// Values as stored and audited (secrets redacted).
    stored_values: Value,
    reuse_values: bool,
    /// The shared media backing, from the admin's setting at the time of the request.
    media: Option<MediaBacking>,
}

impl Apps {
    /// Starts installing a catalog app. `values` are the user's values (an object).
    pub async fn install(
        self: &Arc<Self>,
        actor: Audit,
        app: &str,
        values: Value,
    ) -> Result<(), AppError> {
        let catalog = self.catalog();
        let entry = catalog.get(app).ok_or_else(|| not_in_catalog(app))?;
        self.require_cluster()?;
        let (values, stored_values) = self.check_values(entry, values)?;
        let full = self.deploy_values(values);
        let media = self.media_backing().await?;
        let txn = self.db.begin().await?;
        let begun = rows::begin_install(
            &txn,
            NewInstall {
                app_name: app.to_owned(),
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
            Begin::Busy => return Err(busy(app)),
            Begin::AlreadyInstalled => {
                return Err(AppError::conflict(
                    "already_installed",
                    format!("{app} is already installed."),
                ))
            }
            Begin::NotInstalled => unreachable!("install never reports NotInstalled"),
        }
        actor
            .record(
                &txn,
                AuditAction::AppInstalled,
                "app",
                app.to_owned(),
                json!({"outcome": "started", "version": entry.version, "values": stored_values}),
            )
            .await?;
        txn.commit().await?;
        self.spawn_job(Job {
            op: Operation::Install,
            app: entry.name.clone(),
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
        app: &str,
        version: Option<String>,
        values: Option<Value>,
    ) -> Result<(), AppError> {
        let catalog = self.catalog();
        let entry = catalog.get(app).ok_or_else(|| not_in_catalog(app))?;
        if let Some(v) = version.as_deref() {
            if v != entry.version {
                return Err(AppError::unprocessable(
                    "version_unavailable",
                    format!(
                        "Version {v} of {app} is not available; the catalog has {}.",
                        entry.version
                    ),
                )
                .with_field("version"));
            }
        }
        self.require_cluster()?;
        let (full, stored_values, reuse) = match values {
            Some(v) => {
                let (v, stored) = self.check_values(entry, v)?;
                (self.deploy_values(v), stored, false)
            }
            // Kubarr's own values are given again; `media: null` drops a media key an older
            // release may still carry among its reused values.
            None => (
                merge(&self.deploy_values(json!({})), &json!({"media": null})),
                Value::Null,
                true,
            ),
        };
        let media = self.media_backing().await?;
        self.begin_and_spawn(
            actor,
            Job {
                op: Operation::Upgrade,
                app: entry.name.clone(),
                actor: Audit::default(),
                values: full,
                stored_values,
                reuse_values: reuse,
                media,
            },
            state::UPGRADING,
            json!({"version": entry.version}),
        )
        .await
    }

    /// Starts a rolling restart.
    pub async fn restart(self: &Arc<Self>, actor: Audit, app: &str) -> Result<(), AppError> {
        let name = self.installed_name(app)?;
        self.require_cluster()?;
        let job = Job {
            op: Operation::Restart,
            app: name,
            actor: Audit::default(),
            values: Value::Null,
            stored_values: Value::Null,
            reuse_values: false,
            media: None,
        };
        self.begin_and_spawn(actor, job, state::INSTALLED, json!({}))
            .await
    }

    /// Starts an uninstall; with `delete_data` the app's namespace and volumes go too.
    pub async fn uninstall(
        self: &Arc<Self>,
        actor: Audit,
        app: &str,
        delete_data: bool,
    ) -> Result<(), AppError> {
        let name = self.installed_name(app)?;
        self.require_cluster()?;
        let job = Job {
            op: Operation::Uninstall { delete_data },
            app: name,
            actor: Audit::default(),
            values: Value::Null,
            stored_values: Value::Null,
            reuse_values: false,
            media: None,
        };
        self.begin_and_spawn(
            actor,
            job,
            state::UNINSTALLING,
            json!({"delete_data": delete_data}),
        )
        .await
    }

    async fn begin_and_spawn(
        self: &Arc<Self>,
        actor: Audit,
        mut job: Job,
        shown: &str,
        details: Value,
    ) -> Result<(), AppError> {
        let app = job.app.to_string();
        let txn = self.db.begin().await?;
        match rows::begin(
            &txn,
            &app,
            job.op.name(),
            shown,
            self.coordination.replica_id(),
        )
        .await?
        {
            Begin::Started => {}
            Begin::Busy => return Err(busy(&app)),
            _ => return Err(not_installed(&app)),
        }
        let mut details = details;
        details["outcome"] = json!("started");
        if !job.stored_values.is_null() {
            details["values"] = job.stored_values.clone();
        }
        actor
            .record(&txn, job.op.audit_action(), "app", app.clone(), details)
            .await?;
        txn.commit().await?;
        job.actor = actor;
        self.spawn_job(job);
        Ok(())
    }

    fn spawn_job(self: &Arc<Self>, job: Job) {
        let this = self.clone();
        let _ = self.op_changes.send(job.app.to_string());
        tokio::spawn(async move {
            let app = job.app.to_string();
            let outcome = this.run_job(&job).await;
            if let Err(e) = this.record_outcome(&job, outcome).await {
                tracing::error!(app = %app, error = %e, "could not record the outcome of an app operation");
            }
            let _ = this.op_changes.send(app);
        });
    }

    /// Runs the cluster side of a job. Returns the finish record (or the error to show).
    async fn run_job(&self, job: &Job) -> Result<Finish, kubarr_orchestrator::Error> {
        let cluster = self
            .cluster
            .as_ref()
            .ok_or_else(|| kubarr_orchestrator::Error::Config("no cluster".into()))?;
        let app = &job.app;
        tracing::info!(app = %app, operation = job.op.name(), "app operation started");
        match job.op {
            Operation::Install | Operation::Upgrade => {
                let entry = self.catalog().get(app.as_str()).cloned().ok_or_else(|| {
                    kubarr_orchestrator::Error::Config(format!("{app} left the catalog"))
                })?;
                cluster.ensure_namespace_at(app, entry.pod_security).await?;
                let claim = match &job.media {
                    Some(backing) => Some(cluster.ensure_media_volume(app, backing).await?),
                    None => None,
                };
                let media = json!({"kubarr": {"media": {"claimName": claim.clone().unwrap_or_default()}}});
                let values = merge(&job.values, &media);
                let opts = DeployOptions {
                    wait: self.timeouts.deploy,
                    atomic: true,
                    reuse_values: job.reuse_values,
                };
                let release = self
                    .helm
                    .upgrade_install(app, &entry.chart_dir, &values, &opts)
                    .await?;
                // The pods use the current claim now; volumes of an earlier setting go.
                if let Err(e) = cluster.remove_media_volumes(app, claim.as_deref()).await {
                    tracing::warn!(app = %app, error = %e, "could not remove old media volumes");
                }
                Ok(Finish {
                    state: state::INSTALLED,
                    message: "Running".into(),
                    last_error: None,
                    chart_version: Some(release.chart_version),
                    app_version: Some(release.app_version),
                    values: (!job.stored_values.is_null()).then(|| job.stored_values.clone()),
                })
            }
            Operation::Restart => {
                cluster.rollout_restart(app).await?;
                Ok(finish_installed("Restarted"))
            }
            Operation::Uninstall { delete_data } => {
                self.helm.uninstall(app, self.timeouts.uninstall).await?;
                if delete_data {
                    cluster
                        .delete_namespace(app, self.timeouts.uninstall)
                        .await?;
                    // The volume objects only: the shared media itself is never deleted.
                    cluster.remove_media_volumes(app, None).await?;
                }
                Ok(finish_installed("Uninstalled"))
            }
        }
    }

    async fn record_outcome(
        &self,
        job: &Job,
        outcome: Result<Finish, kubarr_orchestrator::Error>,
    ) -> Result<(), sea_orm::DbErr> {
        let app = job.app.as_str();
        let txn = self.db.begin().await?;
        match outcome {
            Ok(finish) => {
                tracing::info!(app, operation = job.op.name(), "app operation succeeded");
                if matches!(job.op, Operation::Uninstall { .. }) {
                    rows::delete(&txn, app).await?;
                } else {
                    rows::finish(&txn, app, finish).await?;
                }
                job.actor
                    .record(
                        &txn,
                        job.op.audit_action(),
                        "app",
                        app.to_owned(),
                        json!({"outcome": "succeeded"}),
                    )
                    .await?;
            }
            Err(e) => {
                let message = user_message(job.op, &e);
                tracing::warn!(app, operation = job.op.name(), error = %e, "app operation failed");
                // A failed install leaves nothing behind (atomic); other failures keep the app.
                let failed_state = state::ERROR;
                rows::finish(
                    &txn,
                    app,
                    Finish {
                        state: failed_state,
                        message: message.clone(),
                        last_error: Some(message.clone()),
                        chart_version: None,
                        app_version: None,
                        values: None,
                    },
                )
                .await?;
                job.actor
                    .record(
                        &txn,
                        AuditAction::AppOperationFailed,
                        "app",
                        app.to_owned(),
                        json!({"operation": job.op.name(), "outcome": "failed", "error": message}),
                    )
                    .await?;
            }
        }
        txn.commit().await
    }

    /// Validates user values against the chart's schema; returns them and their redacted form.
    fn check_values(
        &self,
        entry: &kubarr_orchestrator::catalog::CatalogEntry,
        values: Value,
    ) -> Result<(Value, Value), AppError> {
        let values = if values.is_null() { json!({}) } else { values };
        if !values.is_object() {
            return Err(AppError::validation(
                "values",
                "`values` must be an object.",
            ));
        }
        if values.get("kubarr").is_some() {
            // Where Kubarr runs and where media lives are Kubarr's to say, never a user's.
            return Err(AppError::unprocessable(
                "invalid_values",
                "values.kubarr is set by Kubarr itself (media storage is an administrator setting).",
            )
            .with_field("values.kubarr"));
        }
        match &entry.schema {
            Some(schema) => {
                if let Some(p) = schema.validate(&values).into_iter().next() {
                    let field = if p.field.is_empty() {
                        "values".to_owned()
                    } else {
                        format!("values.{}", p.field)
                    };
                    return Err(AppError::unprocessable(
                        "invalid_values",
                        format!("{field}: {}", p.message),
                    )
                    .with_field(field));
                }
                let stored = schema.redact(&values);
                Ok((values, stored))
            }
            None => Ok((values.clone(), values)),
        }
    }

    /// What helm gets besides the media claim: the user's values, and where Kubarr runs (the
    /// app's NetworkPolicy lets that namespace in) over them.
    fn deploy_values(&self, user: Value) -> Value {
        match self.own_namespace.get() {
            Some(ns) => merge(&user, &json!({"kubarr": {"namespace": ns}})),
            None => user,
        }
    }

    /// The media backing under the admin's setting, checked again against the allowed roots (the
    /// deployer may have narrowed them since the setting was saved).
    async fn media_backing(&self) -> Result<Option<MediaBacking>, AppError> {
        let stored = kubarr_db::queries::settings::get(&self.db, "media_storage").await?;
        let setting: crate::settings::MediaStorage = stored
            .and_then(|row| serde_json::from_str(&row.value).ok())
            .unwrap_or_default();
        let setting = self.media_roots().check(&setting).map_err(|e| {
            AppError::unprocessable(
                "invalid_media_storage",
                format!("The media storage setting is no longer allowed: {}", e.message()),
            )
        })?;
        if setting.kind == crate::settings::MediaStorageKind::ExistingClaim {
            let (Some(ns), Some(claim)) = (self.own_namespace.get(), setting.claim_name.as_deref())
            else {
                return Err(AppError::unprocessable(
                    "invalid_media_storage",
                    "An existing claim needs Kubarr to run in a cluster namespace.",
                ));
            };
            let cluster = self.cluster.as_ref().ok_or_else(cluster_unavailable)?;
            return cluster
                .csi_backing_of_claim(ns, claim)
                .await
                .map(Some)
                .map_err(|e| {
                    AppError::unprocessable(
                        "invalid_media_storage",
                        format!("The media claim cannot be used: {e}"),
                    )
                });
        }
        Ok(media::backing(&setting))
    }

    fn require_cluster(&self) -> Result<(), AppError> {
        match &self.caches {
            Some(c) if c.is_synced() => Ok(()),
            _ => Err(cluster_unavailable()),
        }
    }

    fn installed_name(&self, app: &str) -> Result<AppName, AppError> {
        AppName::parse(app).map_err(|_| not_installed(app))
    }
}

fn finish_installed(message: &str) -> Finish {
    Finish {
        state: state::INSTALLED,
        message: message.into(),
        last_error: None,
        chart_version: None,
        app_version: None,
        values: None,
    }
}

/// A short message for users: helm's first line, without paths or values.
fn user_message(op: Operation, e: &kubarr_orchestrator::Error) -> String {
    use kubarr_orchestrator::Error;
    let detail = match e {
        Error::Helm { stderr, .. } => stderr
            .lines()
            .last()
            .unwrap_or_default()
            .trim_start_matches("Error: ")
            .to_owned(),
        Error::HelmTimeout { .. } => "helm did not finish in time".to_owned(),
        Error::NotManaged(ns) => format!("namespace {ns} exists and is not managed by Kubarr"),
        other if other.is_unavailable() => "the cluster is not reachable".to_owned(),
        other if other.api_message().is_some() => {
            other.api_message().unwrap_or_default().to_owned()
        }
        _ => "unexpected error (see the server log)".to_owned(),
    };
    let detail: String = detail.chars().take(300).collect();
    format!("{} failed: {detail}", capitalize(op.name()))
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

fn not_in_catalog(app: &str) -> AppError {
    AppError::not_found(
        "app_not_found",
        format!("There is no app called `{app}` in the catalog."),
    )
}

fn not_installed(app: &str) -> AppError {
    AppError::not_found("app_not_found", format!("`{app}` is not installed."))
}

fn busy(app: &str) -> AppError {
    AppError::conflict(
        "app_busy",
        format!("Another operation on {app} is in progress."),
    )
}
