//! Watch caches: reflectors over the Deployments, StatefulSets and Pods that carry Kubarr's
//! app label, started once. Status questions are answered from these stores without any API
//! request. Each change is announced on a broadcast channel (the app's name), and the caches
//! report whether they are in sync: when the API server goes away the watchers retry with
//! backoff and the stores are marked stale until they reconnect.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use futures::StreamExt;
use k8s_openapi::api::apps::v1::{Deployment, StatefulSet};
use k8s_openapi::api::core::v1::Pod;
use kube::runtime::reflector::{self, Store};
use kube::runtime::watcher::{self, Event};
use kube::{Api, Resource, ResourceExt};
use tokio::sync::broadcast;

use crate::cluster::Cluster;
use crate::APP_LABEL;

/// The caches and their health.
#[derive(Clone)]
pub struct WatchCaches {
    pub deployments: Store<Deployment>,
    pub statefulsets: Store<StatefulSet>,
    pub pods: Store<Pod>,
    healthy: Arc<[AtomicBool; 3]>,
    changes: broadcast::Sender<String>,
}

impl WatchCaches {
    /// Starts the three watchers on the runtime; they run until the process ends.
    pub fn start(cluster: &Cluster) -> Self {
        let (changes, _) = broadcast::channel(1024);
        let healthy = Arc::new([
            AtomicBool::new(false),
            AtomicBool::new(false),
            AtomicBool::new(false),
        ]);
        let client = cluster.client();
        let deployments = spawn_reflector(
            Api::<Deployment>::all(client.clone()),
            healthy.clone(),
            0,
            changes.clone(),
        );
        let statefulsets = spawn_reflector(
            Api::<StatefulSet>::all(client.clone()),
            healthy.clone(),
            1,
            changes.clone(),
        );
        let pods = spawn_reflector(Api::<Pod>::all(client), healthy.clone(), 2, changes.clone());
        Self {
            deployments,
            statefulsets,
            pods,
            healthy,
            changes,
        }
    }

    /// Whether every watcher is connected and its store complete.
    pub fn is_synced(&self) -> bool {
        self.healthy.iter().all(|h| h.load(Ordering::Relaxed))
    }

    /// Waits until every store has its initial list (or the timeout passes).
    pub async fn wait_synced(&self, timeout: std::time::Duration) -> bool {
        let deadline = tokio::time::Instant::now() + timeout;
        while !self.is_synced() {
            if tokio::time::Instant::now() > deadline {
                return false;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        true
    }

    /// A receiver of app names whose objects changed.
    pub fn subscribe(&self) -> broadcast::Receiver<String> {
        self.changes.subscribe()
    }

    /// Snapshot of an app's objects from the caches (no API request, no deep copies).
    pub fn app_objects(&self, app: &str) -> AppObjects {
        let mine = |labels: &std::collections::BTreeMap<String, String>, ns: Option<String>| {
            labels.get(APP_LABEL).map(String::as_str) == Some(app) && ns.as_deref() == Some(app)
        };
        AppObjects {
            deployments: self
                .deployments
                .state()
                .into_iter()
                .filter(|d| mine(d.labels(), d.namespace()))
                .collect(),
            statefulsets: self
                .statefulsets
                .state()
                .into_iter()
                .filter(|s| mine(s.labels(), s.namespace()))
                .collect(),
            pods: self
                .pods
                .state()
                .into_iter()
                .filter(|p| mine(p.labels(), p.namespace()))
                .collect(),
        }
    }
}

/// An app's workloads as the caches see them.
#[derive(Clone, Debug, Default)]
pub struct AppObjects {
    pub deployments: Vec<Arc<Deployment>>,
    pub statefulsets: Vec<Arc<StatefulSet>>,
    pub pods: Vec<Arc<Pod>>,
}

fn spawn_reflector<K>(
    api: Api<K>,
    healthy: Arc<[AtomicBool; 3]>,
    slot: usize,
    changes: broadcast::Sender<String>,
) -> Store<K>
where
    K: Resource<DynamicType = ()>
        + Clone
        + std::fmt::Debug
        + serde::de::DeserializeOwned
        + Send
        + Sync
        + 'static,
{
    let (reader, writer) = reflector::store();
    tokio::spawn(drive(api, writer, healthy, slot, changes));
    reader
}

/// Keeps one store in sync. Every connection starts with a full list, so the store is known to
/// be complete again after an outage (a resumed watch on a quiet cluster would otherwise never say
/// so); errors drop the connection and retry with backoff.
async fn drive<K>(
    api: Api<K>,
    mut writer: reflector::store::Writer<K>,
    healthy: Arc<[AtomicBool; 3]>,
    slot: usize,
    changes: broadcast::Sender<String>,
) where
    K: Resource<DynamicType = ()>
        + Clone
        + std::fmt::Debug
        + serde::de::DeserializeOwned
        + Send
        + Sync
        + 'static,
{
    let config = watcher::Config::default().labels(APP_LABEL);
    let mut delay = std::time::Duration::from_millis(500);
    loop {
        let mut stream = std::pin::pin!(watcher::watcher(api.clone(), config.clone()));
        while let Some(item) = stream.next().await {
            let event = match item {
                Ok(event) => event,
                Err(e) => {
                    if healthy[slot].swap(false, Ordering::Relaxed) {
                        tracing::warn!(error = %e, "watch connection lost; reconnecting with backoff");
                    }
                    let _ = changes.send(String::new());
                    break;
                }
            };
            writer.apply_watcher_event(&event);
            match &event {
                Event::Apply(obj) | Event::Delete(obj) => {
                    if let Some(app) = obj.labels().get(APP_LABEL) {
                        let _ = changes.send(app.clone());
                    }
                }
                Event::InitDone => {
                    if !healthy[slot].swap(true, Ordering::Relaxed) {
                        tracing::info!(kind = %K::kind(&()), "watch cache in sync");
                    }
                    delay = std::time::Duration::from_millis(500);
                    // After a (re)list every app may have changed.
                    let _ = changes.send(String::new());
                }
                Event::Init | Event::InitApply(_) => {}
            }
        }
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(std::time::Duration::from_secs(10));
    }
}
