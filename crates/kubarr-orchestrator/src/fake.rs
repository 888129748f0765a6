//! In-process stand-ins for helm, the API server and the watch caches (feature `testing`), so
//! everything above them — the API's validation, permissions and operation state machine — can
//! be tested in milliseconds without a cluster.
//!
//! One [`FakeKube`] is one small world: namespaces (Kubarr's, labelled, or foreign ones a test
//! adds), releases, and for each release one Deployment with one Ready pod. The fakes are
//! stricter than the real parts where that is cheap: helm refuses to install into a namespace
//! that does not exist, every call refuses a namespace without Kubarr's label, logs need an
//! existing pod and container, and a held helm call times out at its `--timeout` like helm does.
//!
//! What they cannot prove (the cluster tier tests these against the test bed and the real helm):
//! that a chart renders and its objects become Ready, helm's own flags and output parsing,
//! server-side apply, RBAC and the least-privilege binding, real watch reconnects, and log
//! streaming with `follow`.

use std::collections::{BTreeMap, VecDeque};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use async_trait::async_trait;
use k8s_openapi::api::core::v1::Event;
use serde_json::Value;
use tokio::sync::{broadcast, watch};

mod cluster;

pub use cluster::{FakeCaches, FakeCluster};

use crate::app_name::AppName;
use crate::backend::{Backend, HelmRunner};
use crate::error::{Error, Result};
use crate::helm::{DeployOptions, Release};
use crate::watch::AppObjects;
use cluster::{event, workloads};

/// A fake cluster with a fake helm. Cheap to clone: clones share the world.
#[derive(Clone, Default)]
pub struct FakeKube {
    world: Arc<World>,
}

struct World {
    state: Mutex<State>,
    changes: broadcast::Sender<String>,
    /// The watch caches are in sync (when the cluster is reachable).
    synced: AtomicBool,
    reachable: AtomicBool,
    requests: AtomicU64,
    /// While `true`, helm calls wait (see [`FakeKube::hold_helm`]).
    held: watch::Sender<bool>,
}

impl Default for World {
    fn default() -> Self {
        Self {
            state: Mutex::default(),
            changes: broadcast::channel(1024).0,
            synced: AtomicBool::new(true),
            reachable: AtomicBool::new(true),
            requests: AtomicU64::new(0),
            held: watch::Sender::new(false),
        }
    }
}

#[derive(Default)]
struct State {
    /// Namespace name → the `kubarr.io/app` label (`None`: a namespace Kubarr did not create).
    namespaces: BTreeMap<String, Option<String>>,
    releases: BTreeMap<String, Release>,
    objects: BTreeMap<String, AppObjects>,
    events: BTreeMap<String, Vec<Event>>,
    /// Helm failures to answer next, by command (`upgrade`, `uninstall`, `rollback`).
    failures: VecDeque<(&'static str, String)>,
    /// Apps whose pods come up not Ready.
    unready: Vec<String>,
    /// The Pod Security level each app namespace enforces.
    pod_security: BTreeMap<String, crate::cluster::PodSecurity>,
    /// Media claims (each bound to its own volume) per app namespace.
    media_claims: BTreeMap<String, Vec<String>>,
    /// The credentials Secret's data per app namespace.
    credentials: BTreeMap<String, BTreeMap<String, String>>,
    /// The values of each release's last deploy (what helm would store).
    values: BTreeMap<String, Value>,
}

/// Holds helm calls while it lives (see [`FakeKube::hold_helm`]).
#[must_use = "helm calls are released when the gate is dropped"]
pub struct HelmGate {
    held: watch::Sender<bool>,
}

impl Drop for HelmGate {
    fn drop(&mut self) {
        self.held.send_replace(false);
    }
}

impl FakeKube {
    pub fn new() -> Self {
        Self::default()
    }

    /// Fake helm, cluster and caches over this world.
    pub fn backend(&self) -> Backend {
        Backend {
            helm: Arc::new(self.clone()),
            cluster: Arc::new(FakeCluster(self.clone())),
            caches: Arc::new(FakeCaches(self.clone())),
        }
    }

    /// Until the returned gate is dropped, helm deploys, rollbacks and uninstalls wait (so a
    /// test can look at an operation while it runs).
    pub fn hold_helm(&self) -> HelmGate {
        self.world.held.send_replace(true);
        HelmGate {
            held: self.world.held.clone(),
        }
    }

    /// The next helm `command` (`upgrade`, `uninstall` or `rollback`) fails with `stderr`.
    pub fn fail_next_helm(&self, command: &'static str, stderr: &str) {
        self.state()
            .failures
            .push_back((command, stderr.to_owned()));
    }

    /// Makes the API server (and helm) unreachable, or reachable again. The caches report
    /// being out of sync while it is unreachable.
    pub fn set_reachable(&self, reachable: bool) {
        self.world.reachable.store(reachable, Ordering::SeqCst);
        let _ = self.world.changes.send(String::new());
    }

    /// A namespace that exists without Kubarr's label (as `default` or `kube-system` do).
    pub fn add_foreign_namespace(&self, name: &str) {
        self.state().namespaces.insert(name.to_owned(), None);
    }

    /// The app's pods come up not Ready (as a crash-looping app's would).
    pub fn pods_never_ready(&self, app: &str) {
        self.state().unready.push(app.to_owned());
    }

    /// The app's release, if any.
    pub fn release(&self, app: &str) -> Option<Release> {
        self.state().releases.get(app).cloned()
    }

    /// How many calls reached the fake API server or helm.
    pub fn request_count(&self) -> u64 {
        self.world.requests.load(Ordering::Relaxed)
    }

    /// Whether the app's namespace exists.
    pub fn has_namespace(&self, name: &str) -> bool {
        self.state().namespaces.contains_key(name)
    }

    /// The Pod Security level the app's namespace enforces, once created.
    pub fn pod_security(&self, app: &str) -> Option<crate::cluster::PodSecurity> {
        self.state().pod_security.get(app).copied()
    }

    /// The app's media claims.
    pub fn media_claims(&self, app: &str) -> Vec<String> {
        self.state()
            .media_claims
            .get(app)
            .cloned()
            .unwrap_or_default()
    }

    /// The values the app's release was last deployed with.
    pub fn deployed_values(&self, app: &str) -> Option<Value> {
        self.state().values.get(app).cloned()
    }

    /// The data of the app's credentials Secret, if Kubarr wrote one.
    pub fn credentials_secret(&self, app: &str) -> Option<BTreeMap<String, String>> {
        self.state().credentials.get(app).cloned()
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.world.state.lock().expect("fake cluster lock")
    }

    fn call(&self) -> Result<()> {
        self.world.requests.fetch_add(1, Ordering::Relaxed);
        if self.world.reachable.load(Ordering::SeqCst) {
            Ok(())
        } else {
            Err(Error::Kube(kube::Error::Service(Box::new(
                std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "connection refused"),
            ))))
        }
    }

    /// Helm's own check for an unreachable cluster, then the hold, then any queued failure.
    async fn helm_call(&self, command: &'static str, wait: Duration) -> Result<()> {
        if self.call().is_err() {
            return Err(Error::Helm {
                command,
                stderr: "Error: Kubernetes cluster unreachable: connection refused".into(),
            });
        }
        let mut held = self.world.held.subscribe();
        if tokio::time::timeout(wait, held.wait_for(|h| !h))
            .await
            .is_err()
        {
            return Err(Error::HelmTimeout {
                command,
                timeout: wait,
            });
        }
        let mut state = self.state();
        if let Some(i) = state.failures.iter().position(|(c, _)| *c == command) {
            let (_, stderr) = state.failures.remove(i).expect("found above");
            return Err(Error::Helm { command, stderr });
        }
        Ok(())
    }

    fn changed(&self, app: &str) {
        let _ = self.world.changes.send(app.to_owned());
    }

    /// `NotManaged` unless the app's namespace exists with Kubarr's label.
    fn require_managed(state: &State, app: &AppName) -> Result<()> {
        match state.namespaces.get(app.as_str()) {
            Some(Some(label)) if label == app.as_str() => Ok(()),
            _ => Err(Error::NotManaged(app.to_string())),
        }
    }
}

#[async_trait]
impl HelmRunner for FakeKube {
    async fn upgrade_install(
        &self,
        app: &AppName,
        chart_dir: &Path,
        values: &Value,
        opts: &DeployOptions,
    ) -> Result<Release> {
        self.helm_call("upgrade", opts.wait).await?;
        let (version, app_version) = chart_versions(chart_dir)?;
        if !values.is_object() {
            return Err(helm_error("upgrade", "values must be an object"));
        }
        let mut state = self.state();
        if !state.namespaces.contains_key(app.as_str()) {
            return Err(helm_error(
                "upgrade",
                &format!("Error: create: failed to create: namespaces \"{app}\" not found"),
            ));
        }
        let revision = state.releases.get(app.as_str()).map_or(0, |r| r.revision) + 1;
        let release = Release {
            name: app.to_string(),
            namespace: app.to_string(),
            revision,
            status: "deployed".into(),
            chart_version: version,
            app_version,
        };
        state.releases.insert(app.to_string(), release.clone());
        state.values.insert(app.to_string(), values.clone());
        let ready = !state.unready.iter().any(|a| a == app.as_str());
        state.objects.insert(app.to_string(), workloads(app, ready));
        state.events.entry(app.to_string()).or_default().insert(
            0,
            event(app, "Scheduled", "Successfully assigned to fake-node"),
        );
        drop(state);
        self.changed(app.as_str());
        Ok(release)
    }

    async fn rollback(&self, app: &AppName, _revision: Option<i64>, wait: Duration) -> Result<()> {
        self.helm_call("rollback", wait).await?;
        let mut state = self.state();
        let release = state
            .releases
            .get_mut(app.as_str())
            .ok_or_else(|| helm_error("rollback", "Error: release: not found"))?;
        release.revision += 1;
        release.status = "deployed".into();
        Ok(())
    }

    async fn uninstall(&self, app: &AppName, wait: Duration) -> Result<()> {
        self.helm_call("uninstall", wait).await?;
        let mut state = self.state();
        state.releases.remove(app.as_str());
        state.objects.remove(app.as_str());
        drop(state);
        self.changed(app.as_str());
        Ok(())
    }

    async fn list_namespace(&self, namespace: &str) -> Result<Vec<Release>> {
        self.helm_call("list", Duration::from_secs(60)).await?;
        Ok(self
            .state()
            .releases
            .values()
            .filter(|r| r.namespace == namespace)
            .cloned()
            .collect())
    }
}

fn helm_error(command: &'static str, stderr: &str) -> Error {
    Error::Helm {
        command,
        stderr: stderr.to_owned(),
    }
}

/// The chart's version and app version, from its `Chart.yaml` (as helm reads them).
fn chart_versions(chart_dir: &Path) -> Result<(String, String)> {
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Chart {
        version: String,
        #[serde(default)]
        app_version: String,
    }
    let text = std::fs::read_to_string(chart_dir.join("Chart.yaml")).map_err(|e| {
        helm_error(
            "upgrade",
            &format!("Error: path {:?} not found: {e}", chart_dir),
        )
    })?;
    let chart: Chart = serde_yaml::from_str(&text)
        .map_err(|e| helm_error("upgrade", &format!("Error: Chart.yaml: {e}")))?;
    Ok((chart.version, chart.app_version))
}
