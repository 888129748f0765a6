//! The seams between Kubarr and a cluster: running helm ([`HelmRunner`]), the API operations
//! ([`ClusterOps`]) and the watch caches ([`WorkloadCache`]), bundled as a [`Backend`].
//!
//! The real parts are [`Helm`], [`Cluster`] and [`WatchCaches`]; in-process fakes
//! ([`crate::fake`], feature `testing`) stand in for all three in fast tests. Each trait is
//! the set of calls Kubarr makes, no more, and every call a fake answers is also tested
//! against the real part (the cluster tier of the test suites).

use std::collections::BTreeMap;
use std::path::Path;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use k8s_openapi::api::core::v1::{Event, Namespace};
use tokio::sync::broadcast;

use crate::app_name::AppName;
use crate::cluster::{Cluster, LogOptions, MediaBacking, PodSecurity};
use crate::credentials::SecretData;
use crate::error::Result;
use crate::helm::{DeployOptions, Helm, Release};
use crate::watch::{AppObjects, WatchCaches};

/// A pod's log as a byte stream (lines are read from it as fast as the reader pulls).
pub type LogStream = Pin<Box<dyn futures::AsyncBufRead + Send>>;

/// What Kubarr asks of helm. Release name and namespace are always the app's name.
#[async_trait]
pub trait HelmRunner: Send + Sync {
    /// Installs or upgrades the app's release from `chart_dir` with `values`.
    async fn upgrade_install(
        &self,
        app: &AppName,
        chart_dir: &Path,
        values: &serde_json::Value,
        opts: &DeployOptions,
    ) -> Result<Release>;

    /// Rolls the release back to `revision` (the previous one when `None`).
    async fn rollback(&self, app: &AppName, revision: Option<i64>, wait: Duration) -> Result<()>;

    /// Removes the release; one that does not exist counts as removed.
    async fn uninstall(&self, app: &AppName, wait: Duration) -> Result<()>;

    /// Every release in `namespace`, in any state.
    async fn list_namespace(&self, namespace: &str) -> Result<Vec<Release>>;
}

/// What Kubarr asks of the Kubernetes API. Every call refuses a namespace without Kubarr's
/// label for the app ([`crate::Error::NotManaged`]).
#[async_trait]
pub trait ClusterOps: Send + Sync {
    /// Creates (or keeps) the app's namespace, labelled, with Kubarr's rights in it, enforcing
    /// the Pod Security level `level`.
    async fn ensure_namespace(&self, app: &AppName, level: PodSecurity) -> Result<()>;

    /// Creates (or keeps) the app's shared-media volume and its bound claim in the app's
    /// namespace; returns the claim's name.
    async fn ensure_media_volume(&self, app: &AppName, backing: &MediaBacking) -> Result<String>;

    /// Removes the app's media claims and volumes other than the claim `keep` (the data stays).
    async fn remove_old_media_volumes(&self, app: &AppName, keep: Option<&str>) -> Result<()>;

    /// Writes the app's credentials Secret with exactly `data`.
    async fn ensure_credentials_secret(&self, app: &AppName, data: &SecretData) -> Result<()>;

    /// Removes the app's media volumes (cluster-wide objects) other than the one bound to
    /// `keep`; with `None`, all of them.
    async fn remove_media_volumes(&self, app: &AppName, keep: Option<&str>) -> Result<()>;

    /// The CSI backing of an existing, bound claim, for every app's volume to share.
    async fn csi_backing_of_claim(&self, namespace: &str, claim: &str) -> Result<MediaBacking>;

    /// Deletes the app's namespace and waits until it is gone.
    async fn delete_namespace(&self, app: &AppName, wait: Duration) -> Result<()>;

    /// Rolling restart of the app's workloads; returns how many were restarted.
    async fn rollout_restart(&self, app: &AppName) -> Result<usize>;

    /// Events of the app's namespace, newest first.
    async fn events(&self, app: &AppName) -> Result<Vec<Event>>;

    /// A pod's log.
    async fn logs(&self, app: &AppName, pod: &str, opts: &LogOptions) -> Result<LogStream>;

    /// The namespaces Kubarr manages, by app name.
    async fn managed_namespaces(&self) -> Result<BTreeMap<String, Namespace>>;

    /// How many requests have been sent to the API server.
    fn request_count(&self) -> u64;
}

/// What Kubarr reads from the watch caches: no call makes an API request.
#[async_trait]
pub trait WorkloadCache: Send + Sync {
    /// Whether every watch is connected and its store complete.
    fn is_synced(&self) -> bool;

    /// App names whose objects changed (an empty name: anything may have changed).
    fn subscribe(&self) -> broadcast::Receiver<String>;

    /// The app's Deployments, StatefulSets and Pods.
    fn app_objects(&self, app: &str) -> AppObjects;

    /// Waits until the caches are in sync, or `timeout` passes.
    async fn wait_synced(&self, timeout: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + timeout;
        while !self.is_synced() {
            if tokio::time::Instant::now() > deadline {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        true
    }
}

/// Everything Kubarr drives in one cluster.
#[derive(Clone)]
pub struct Backend {
    pub helm: Arc<dyn HelmRunner>,
    pub cluster: Arc<dyn ClusterOps>,
    pub caches: Arc<dyn WorkloadCache>,
}

impl Backend {
    /// The real parts: `helm`, the API through `cluster`, and watch caches started on it.
    pub fn real(helm: Helm, cluster: Cluster) -> Self {
        let caches = WatchCaches::start(&cluster);
        Self {
            helm: Arc::new(helm),
            cluster: Arc::new(cluster),
            caches: Arc::new(caches),
        }
    }
}

#[async_trait]
impl HelmRunner for Helm {
    async fn upgrade_install(
        &self,
        app: &AppName,
        chart_dir: &Path,
        values: &serde_json::Value,
        opts: &DeployOptions,
    ) -> Result<Release> {
        Helm::upgrade_install(self, app, chart_dir, values, opts).await
    }

    async fn rollback(&self, app: &AppName, revision: Option<i64>, wait: Duration) -> Result<()> {
        Helm::rollback(self, app, revision, wait).await
    }

    async fn uninstall(&self, app: &AppName, wait: Duration) -> Result<()> {
        Helm::uninstall(self, app, wait).await
    }

    async fn list_namespace(&self, namespace: &str) -> Result<Vec<Release>> {
        Helm::list_namespace(self, namespace).await
    }
}

#[async_trait]
impl ClusterOps for Cluster {
    async fn ensure_namespace(&self, app: &AppName, level: PodSecurity) -> Result<()> {
        Cluster::ensure_namespace_at(self, app, level).await
    }

    async fn ensure_media_volume(&self, app: &AppName, backing: &MediaBacking) -> Result<String> {
        Cluster::ensure_media_volume(self, app, backing).await
    }

    async fn remove_old_media_volumes(&self, app: &AppName, keep: Option<&str>) -> Result<()> {
        Cluster::remove_old_media_volumes(self, app, keep).await
    }

    async fn ensure_credentials_secret(&self, app: &AppName, data: &SecretData) -> Result<()> {
        Cluster::ensure_credentials_secret(self, app, data).await
    }

    async fn remove_media_volumes(&self, app: &AppName, keep: Option<&str>) -> Result<()> {
        Cluster::remove_media_volumes(self, app, keep).await
    }

    async fn csi_backing_of_claim(&self, namespace: &str, claim: &str) -> Result<MediaBacking> {
        Cluster::csi_backing_of_claim(self, namespace, claim).await
    }

    async fn delete_namespace(&self, app: &AppName, wait: Duration) -> Result<()> {
        Cluster::delete_namespace(self, app, wait).await
    }

    async fn rollout_restart(&self, app: &AppName) -> Result<usize> {
        Cluster::rollout_restart(self, app).await
    }

    async fn events(&self, app: &AppName) -> Result<Vec<Event>> {
        Cluster::events(self, app).await
    }

    async fn logs(&self, app: &AppName, pod: &str, opts: &LogOptions) -> Result<LogStream> {
        Ok(Box::pin(Cluster::logs(self, app, pod, opts).await?))
    }

    async fn managed_namespaces(&self) -> Result<BTreeMap<String, Namespace>> {
        Cluster::managed_namespaces(self).await
    }

    fn request_count(&self) -> u64 {
        Cluster::request_count(self)
    }
}

#[async_trait]
impl WorkloadCache for WatchCaches {
    fn is_synced(&self) -> bool {
        WatchCaches::is_synced(self)
    }

    fn subscribe(&self) -> broadcast::Receiver<String> {
        WatchCaches::subscribe(self)
    }

    fn app_objects(&self, app: &str) -> AppObjects {
        WatchCaches::app_objects(self, app)
    }

    async fn wait_synced(&self, timeout: Duration) -> bool {
        WatchCaches::wait_synced(self, timeout).await
    }
}
