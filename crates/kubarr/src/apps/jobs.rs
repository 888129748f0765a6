//! The background side of an operation: helm and the cluster calls, then the outcome recorded
//! (and audited) in one transaction, and a status event announced.

use std::sync::Arc;

use kubarr_db::queries::apps::{self as rows, Finish, InstallState};
use kubarr_orchestrator::catalog::CatalogEntry;
use kubarr_orchestrator::cluster::MediaBacking;
use kubarr_orchestrator::credentials::CREDENTIALS_SECRET;
use kubarr_orchestrator::helm::DeployOptions;
use kubarr_orchestrator::values::merge;
use kubarr_orchestrator::AppName;
use sea_orm::TransactionTrait;
use serde_json::{json, Value};

use super::credentials;
use super::operations::Operation;
use super::Apps;
use crate::audit::{Audit, AuditAction};

/// What a job needs beyond the app name.
pub(super) struct Job {
    pub op: Operation,
    pub app: AppName,
    pub actor: Audit,
    /// Full values handed to helm (may hold secrets; never stored).
    pub values: Value,
    /// Values as stored and audited (secrets redacted).
    pub stored_values: Value,
    pub reuse_values: bool,
    /// The shared media backing, from the admin's setting at the time of the request.
    pub media: Option<MediaBacking>,
}

impl Job {
    /// A job without values (restart, uninstall).
    pub fn plain(op: Operation, app: &AppName) -> Self {
        Self {
            op,
            app: app.clone(),
            actor: Audit::default(),
            values: Value::Null,
            stored_values: Value::Null,
            reuse_values: false,
            media: None,
        }
    }
}

impl Apps {
    pub(super) fn spawn_job(self: &Arc<Self>, job: Job) {
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
        let kube = self
            .kube
            .as_ref()
            .ok_or_else(|| kubarr_orchestrator::Error::Config("no cluster".into()))?;
        let app = &job.app;
        tracing::info!(app = %app, operation = job.op.name(), "app operation started");
        match job.op {
            Operation::Install | Operation::Upgrade => {
                let entry = self.catalog().get(app.as_str()).cloned().ok_or_else(|| {
                    kubarr_orchestrator::Error::Config(format!("{app} left the catalog"))
                })?;
                kube.cluster
                    .ensure_namespace(app, entry.pod_security)
                    .await?;
                // /data: a claim bound to a volume with the shared backing, or a scratch dir.
                let claim = match &job.media {
                    Some(backing) => Some(kube.cluster.ensure_media_volume(app, backing).await?),
                    None => None,
                };
                let media =
                    json!({"kubarr": {"media": {"claimName": claim.clone().unwrap_or_default()}}});
                let mut values = merge(&job.values, &media);
                if let Some(secret) = self.deliver_credentials(&entry).await? {
                    values = merge(
                        &values,
                        &json!({"kubarr": {"credentials": {"secretName": secret}}}),
                    );
                }
                let ingress = self.ingress_values(app).await.map_err(|e| {
                    kubarr_orchestrator::Error::Config(format!("reading the public URL: {e}"))
                })?;
                if let Some(ingress) = ingress {
                    values = merge(&values, &ingress);
                }
                let opts = DeployOptions {
                    wait: self.timeouts.deploy,
                    atomic: true,
                    reuse_values: job.reuse_values,
                };
                let release = kube
                    .helm
                    .upgrade_install(app, &entry.chart_dir, &values, &opts)
                    .await?;
                // The pods use the current claim now; volumes of an earlier setting go.
                if let Err(e) = kube
                    .cluster
                    .remove_old_media_volumes(app, claim.as_deref())
                    .await
                {
                    tracing::warn!(app = %app, error = %e, "could not remove old media volumes");
                }
                Ok(Finish {
                    state: InstallState::Installed,
                    message: "Running".into(),
                    last_error: None,
                    chart_version: Some(release.chart_version),
                    app_version: Some(release.app_version),
                    values: (!job.stored_values.is_null()).then(|| job.stored_values.clone()),
                })
            }
            Operation::Restart => {
                kube.cluster.rollout_restart(app).await?;
                Ok(finish_installed("Restarted"))
            }
            Operation::Uninstall { delete_data } => {
                kube.helm.uninstall(app, self.timeouts.uninstall).await?;
                if delete_data {
                    kube.cluster
                        .delete_namespace(app, self.timeouts.uninstall)
                        .await?;
                    // The volume objects only: the shared media itself is never deleted.
                    kube.cluster.remove_media_volumes(app, None).await?;
                    // A reinstall starts from empty data, so with new credentials.
                    if let Some(key) = self.secret_key.get() {
                        credentials::forget(&self.db, key, app.as_str())
                            .await
                            .map_err(|e| kubarr_orchestrator::Error::Config(e.to_string()))?;
                    }
                }
                Ok(finish_installed("Uninstalled"))
            }
        }
    }

    /// Writes the app's credentials Secret when its chart asks for credentials (generating them
    /// on first use) and offers them to the gateway; returns the Secret's name for the chart.
    async fn deliver_credentials(
        &self,
        entry: &CatalogEntry,
    ) -> Result<Option<&'static str>, kubarr_orchestrator::Error> {
        if entry.credentials.is_empty() {
            return Ok(None);
        }
        let (Some(kube), Some(key)) = (self.kube.as_ref(), self.secret_key.get()) else {
            return Err(kubarr_orchestrator::Error::Config(
                "app credentials need the server's key".into(),
            ));
        };
        let failed = |e: &dyn std::fmt::Display| {
            kubarr_orchestrator::Error::Config(format!("app credentials: {e}"))
        };
        let app = &entry.name;
        let credentials = credentials::ensure(&self.db, key, app.as_str())
            .await
            .map_err(|e| failed(&e))?;
        kube.cluster
            .ensure_credentials_secret(app, &credentials.secret_data(&entry.credentials))
            .await?;
        credentials::offer_to_gateway(&self.db, key, entry, &credentials)
            .await
            .map_err(|e| failed(&e))?;
        Ok(Some(CREDENTIALS_SECRET))
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
                let failed_state = InstallState::Error;
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
}

fn finish_installed(message: &str) -> Finish {
    Finish {
        state: InstallState::Installed,
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
