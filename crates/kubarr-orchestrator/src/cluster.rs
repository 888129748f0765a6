//! Kubernetes operations through kube-rs.
//!
//! Kubarr only ever touches a namespace that carries `kubarr.io/app=<app>` for the app in
//! question: every write checks that label first, so `default` or `kube-system` can never be
//! restarted, emptied or deleted through Kubarr.
//!
//! In a least-privilege install (the Helm chart's default) Kubarr's service account can write
//! only inside app namespaces: [`Cluster::ensure_namespace`] binds the app-manager ClusterRole
//! there right after creating the namespace.
//!
//! App namespaces enforce a Pod Security Standard ([`PodSecurity`], `baseline` unless an app's
//! chart declares more), and warn and audit at `restricted`: the API server itself refuses a pod
//! that mounts a host path, shares the host's network or processes, or runs privileged.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use futures::AsyncBufRead;
use k8s_openapi::api::apps::v1::{Deployment, StatefulSet};
use k8s_openapi::api::core::v1::{Event, Namespace, PersistentVolumeClaim, Pod};
use kube::api::{Api, DeleteParams, ListParams, LogParams, Patch, PatchParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Client, Config};
use serde_json::json;

mod access;
mod credentials;
mod media;

pub use access::{AppManager, APP_MANAGER_BINDING};
pub use media::{MediaBacking, MEDIA_LABEL};

use crate::app_name::AppName;
use crate::error::{Error, Result};
use crate::{APP_LABEL, FIELD_MANAGER};

/// A connected cluster.
#[derive(Clone)]
pub struct Cluster {
    client: Client,
    requests: Arc<AtomicU64>,
    app_manager: Option<Arc<AppManager>>,
}

/// What to read from a pod's log.
#[derive(Clone, Debug, Default)]
pub struct LogOptions {
    pub container: Option<String>,
    pub tail_lines: Option<i64>,
    pub since_seconds: Option<i64>,
    pub follow: bool,
}

impl Cluster {
    /// Connects with the kubeconfig file, the pod's service account (`in_cluster`), or the
    /// usual inference (KUBECONFIG, ~/.kube/config, in-cluster).
    pub async fn connect(kubeconfig: Option<&Path>, in_cluster: bool) -> Result<Self> {
        let mut config = if in_cluster {
            Config::incluster()
                .map_err(|e| Error::Config(format!("in-cluster configuration: {e}")))?
        } else if let Some(path) = kubeconfig {
            let kc = Kubeconfig::read_from(path)
                .map_err(|e| Error::Config(format!("kubeconfig {}: {e}", path.display())))?;
            Config::from_custom_kubeconfig(kc, &KubeConfigOptions::default())
                .await
                .map_err(|e| Error::Config(format!("kubeconfig {}: {e}", path.display())))?
        } else {
            Config::infer()
                .await
                .map_err(|e| Error::Config(format!("no cluster configuration found: {e}")))?
        };
        config.connect_timeout = Some(Duration::from_secs(5));
        config.read_timeout = Some(Duration::from_secs(295));
        Self::from_config(config)
    }

    /// Builds the client, counting every request it sends (see [`request_count`](Self::request_count)).
    pub fn from_config(config: Config) -> Result<Self> {
        let requests = Arc::new(AtomicU64::new(0));
        let counter = requests.clone();
        let client = kube::client::ClientBuilder::try_from(config)?
            .with_layer(&tower::util::MapRequestLayer::new(move |req| {
                counter.fetch_add(1, Ordering::Relaxed);
                req
            }))
            .build();
        Ok(Self {
            client,
            requests,
            app_manager: None,
        })
    }

    /// Binds `manager`'s ClusterRole in every namespace [`ensure_namespace`](Self::ensure_namespace)
    /// prepares (`None`: Kubarr already has the rights it needs, e.g. a development cluster).
    pub fn with_app_manager(mut self, manager: Option<AppManager>) -> Self {
        self.app_manager = manager.map(Arc::new);
        self
    }

    pub fn client(&self) -> Client {
        self.client.clone()
    }

    /// How many requests this client has sent to the API server (watches count once per
    /// connection).
    pub fn request_count(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    /// Asks the API server for its version.
    pub async fn ping(&self) -> Result<String> {
        Ok(self.client.apiserver_version().await?.git_version)
    }

    /// Creates (or keeps) the app's namespace with Kubarr's label and the `baseline` Pod Security
    /// level and, in a least-privilege install, the RoleBinding that gives Kubarr its rights
    /// there. Fails with [`Error::NotManaged`] when a namespace of that name exists without the
    /// label.
    pub async fn ensure_namespace(&self, app: &AppName) -> Result<()> {
        self.ensure_namespace_at(app, PodSecurity::Baseline).await
    }

    /// [`ensure_namespace`](Self::ensure_namespace) at the Pod Security level the app's chart
    /// declares. A namespace created at one level keeps it (the admission policy refuses
    /// Kubarr's changes to Pod Security labels).
    pub async fn ensure_namespace_at(&self, app: &AppName, level: PodSecurity) -> Result<()> {
        let api: Api<Namespace> = Api::all(self.client.clone());
        match api.get_opt(app.as_str()).await? {
            Some(ns) if !is_managed(&ns, app) => return Err(Error::NotManaged(app.to_string())),
            // Created before app namespaces carried a Pod Security level: it gets one now.
            Some(ns) if !has_pod_security(&ns) => self.create_namespace(&api, app, level).await?,
            Some(_) => {}
            None => self.create_namespace(&api, app, level).await?,
        }
        if let Some(manager) = self.app_manager.clone() {
            self.bind_app_manager(app, &manager).await?;
        }
        Ok(())
    }

    async fn create_namespace(
        &self,
        api: &Api<Namespace>,
        app: &AppName,
        level: PodSecurity,
    ) -> Result<()> {
        let ns = json!({
            "apiVersion": "v1",
            "kind": "Namespace",
            "metadata": {
                "name": app.as_str(),
                "labels": {
                    APP_LABEL: app.as_str(),
                    "app.kubernetes.io/managed-by": "kubarr",
                    "pod-security.kubernetes.io/enforce": level.as_str(),
                    "pod-security.kubernetes.io/enforce-version": "latest",
                    "pod-security.kubernetes.io/warn": "restricted",
                    "pod-security.kubernetes.io/warn-version": "latest",
                    "pod-security.kubernetes.io/audit": "restricted",
                    "pod-security.kubernetes.io/audit-version": "latest",
                },
            },
        });
        api.patch(
            app.as_str(),
            &PatchParams::apply(FIELD_MANAGER).force(),
            &Patch::Apply(ns),
        )
        .await?;
        Ok(())
    }

    /// Whether the app's namespace exists and is Kubarr's.
    pub async fn namespace_state(&self, app: &AppName) -> Result<NamespaceState> {
        let api: Api<Namespace> = Api::all(self.client.clone());
        Ok(match api.get_opt(app.as_str()).await? {
            None => NamespaceState::Absent,
            Some(ns) if is_managed(&ns, app) => {
                if ns.metadata.deletion_timestamp.is_some() {
                    NamespaceState::Terminating
                } else {
                    NamespaceState::Managed
                }
            }
            Some(_) => NamespaceState::Foreign,
        })
    }

    async fn require_managed(&self, app: &AppName) -> Result<()> {
        match self.namespace_state(app).await? {
            NamespaceState::Managed | NamespaceState::Terminating => Ok(()),
            _ => Err(Error::NotManaged(app.to_string())),
        }
    }

    /// Deletes the app's namespace (and with it every object and volume claim in it) and waits
    /// until it is gone. Refuses a namespace without Kubarr's label.
    pub async fn delete_namespace(&self, app: &AppName, wait: Duration) -> Result<()> {
        let api: Api<Namespace> = Api::all(self.client.clone());
        match self.namespace_state(app).await? {
            NamespaceState::Absent => return Ok(()),
            NamespaceState::Foreign => return Err(Error::NotManaged(app.to_string())),
            _ => {}
        }
        match api.delete(app.as_str(), &DeleteParams::foreground()).await {
            Ok(_) => {}
            Err(kube::Error::Api(s)) if s.code == 404 => return Ok(()),
            Err(e) => return Err(e.into()),
        }
        let deadline = tokio::time::Instant::now() + wait;
        while api.get_opt(app.as_str()).await?.is_some() {
            if tokio::time::Instant::now() > deadline {
                return Err(Error::Io(std::io::Error::other(format!(
                    "namespace {app} still terminating after {wait:?}"
                ))));
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
        Ok(())
    }

    /// Names of the PersistentVolumeClaims left in the app's namespace.
    pub async fn volume_claims(&self, app: &AppName) -> Result<Vec<String>> {
        self.require_managed(app).await?;
        let api: Api<PersistentVolumeClaim> = Api::namespaced(self.client.clone(), app.as_str());
        Ok(api
            .list(&ListParams::default())
            .await?
            .items
            .into_iter()
            .filter_map(|p| p.metadata.name)
            .collect())
    }

    /// Rolling restart of every Deployment and StatefulSet of the app (what
    /// `kubectl rollout restart` does). Returns how many workloads were restarted.
    pub async fn rollout_restart(&self, app: &AppName) -> Result<usize> {
        self.require_managed(app).await?;
        let stamp = chrono::Utc::now().to_rfc3339();
        let patch = |kind: &str, api_version: &str, name: &str| {
            json!({
                "apiVersion": api_version,
                "kind": kind,
                "metadata": {"name": name},
                "spec": {"template": {"metadata": {"annotations": {"kubectl.kubernetes.io/restartedAt": stamp}}}},
            })
        };
        // A separate field manager: helm owns the rest of the object and must not lose it.
        let params = PatchParams::apply("kubarr-restart").force();
        let mut restarted = 0;
        let deployments: Api<Deployment> = Api::namespaced(self.client.clone(), app.as_str());
        for d in deployments.list(&ListParams::default()).await?.items {
            let name = d.metadata.name.unwrap_or_default();
            deployments
                .patch(
                    &name,
                    &params,
                    &Patch::Apply(patch("Deployment", "apps/v1", &name)),
                )
                .await?;
            restarted += 1;
        }
        let sets: Api<StatefulSet> = Api::namespaced(self.client.clone(), app.as_str());
        for s in sets.list(&ListParams::default()).await?.items {
            let name = s.metadata.name.unwrap_or_default();
            sets.patch(
                &name,
                &params,
                &Patch::Apply(patch("StatefulSet", "apps/v1", &name)),
            )
            .await?;
            restarted += 1;
        }
        Ok(restarted)
    }

    /// The app's pods.
    pub async fn pods(&self, app: &AppName) -> Result<Vec<Pod>> {
        self.require_managed(app).await?;
        let api: Api<Pod> = Api::namespaced(self.client.clone(), app.as_str());
        Ok(api.list(&ListParams::default()).await?.items)
    }

    /// Events of the app's namespace, newest first.
    pub async fn events(&self, app: &AppName) -> Result<Vec<Event>> {
        self.require_managed(app).await?;
        let api: Api<Event> = Api::namespaced(self.client.clone(), app.as_str());
        let mut events = api.list(&ListParams::default()).await?.items;
        events.sort_by_key(|e| std::cmp::Reverse(event_time(e)));
        Ok(events)
    }

    /// A pod's log as a byte stream. With `follow`, the stream stays open until the pod ends
    /// or the reader is dropped.
    pub async fn logs(
        &self,
        app: &AppName,
        pod: &str,
        opts: &LogOptions,
    ) -> Result<impl AsyncBufRead + use<>> {
        self.require_managed(app).await?;
        let api: Api<Pod> = Api::namespaced(self.client.clone(), app.as_str());
        let params = LogParams {
            container: opts.container.clone(),
            follow: opts.follow,
            tail_lines: opts.tail_lines,
            since_seconds: opts.since_seconds,
            timestamps: false,
            ..LogParams::default()
        };
        Ok(api.log_stream(pod, &params).await?)
    }

    /// Labels of the namespaces Kubarr manages, by app name.
    pub async fn managed_namespaces(&self) -> Result<BTreeMap<String, Namespace>> {
        let api: Api<Namespace> = Api::all(self.client.clone());
        let list = api.list(&ListParams::default().labels(APP_LABEL)).await?;
        Ok(list
            .items
            .into_iter()
            .filter_map(|ns| {
                let label = ns.metadata.labels.as_ref()?.get(APP_LABEL)?.clone();
                (ns.metadata.name.as_deref() == Some(label.as_str())).then_some((label, ns))
            })
            .collect())
    }
}

/// A Pod Security Standard level for an app namespace.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum PodSecurity {
    /// No host paths, host namespaces, privileged containers or dangerous capabilities.
    #[default]
    Baseline,
    /// Baseline, and non-root with every capability dropped.
    Restricted,
    /// Anything (an app that needs it, e.g. a VPN sidecar, must say so in its chart, and the
    /// deployer must allow it in Kubarr's chart).
    Privileged,
}

impl PodSecurity {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Baseline => "baseline",
            Self::Restricted => "restricted",
            Self::Privileged => "privileged",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "baseline" => Some(Self::Baseline),
            "restricted" => Some(Self::Restricted),
            "privileged" => Some(Self::Privileged),
            _ => None,
        }
    }
}

/// Whether a namespace may be touched by Kubarr for an app.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NamespaceState {
    Absent,
    Managed,
    Terminating,
    /// Exists without Kubarr's label: never touched.
    Foreign,
}

fn has_pod_security(ns: &Namespace) -> bool {
    ns.metadata
        .labels
        .as_ref()
        .is_some_and(|l| l.contains_key("pod-security.kubernetes.io/enforce"))
}

fn is_managed(ns: &Namespace, app: &AppName) -> bool {
    ns.metadata
        .labels
        .as_ref()
        .and_then(|l| l.get(APP_LABEL))
        .is_some_and(|v| v == app.as_str())
}

/// The most meaningful timestamp of an event.
pub fn event_time(e: &Event) -> Option<chrono::DateTime<chrono::Utc>> {
    e.last_timestamp
        .as_ref()
        .and_then(time)
        .or_else(|| e.event_time.as_ref().and_then(micro_time))
        .or_else(|| e.first_timestamp.as_ref().and_then(time))
        .or_else(|| e.metadata.creation_timestamp.as_ref().and_then(time))
}

/// Converts a Kubernetes timestamp.
pub fn time(
    t: &k8s_openapi::apimachinery::pkg::apis::meta::v1::Time,
) -> Option<chrono::DateTime<chrono::Utc>> {
    chrono::DateTime::from_timestamp(t.0.as_second(), t.0.subsec_nanosecond() as u32)
}

fn micro_time(
    t: &k8s_openapi::apimachinery::pkg::apis::meta::v1::MicroTime,
) -> Option<chrono::DateTime<chrono::Utc>> {
    chrono::DateTime::from_timestamp(t.0.as_second(), t.0.subsec_nanosecond() as u32)
}
