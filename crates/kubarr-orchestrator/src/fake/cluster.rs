//! The fake API server and watch caches, and the objects a release runs in the fake world.

use std::collections::BTreeMap;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{Event, Namespace, Pod};
use serde_json::json;
use tokio::sync::broadcast;

use super::FakeKube;
use crate::app_name::AppName;
use crate::backend::{ClusterOps, LogStream, WorkloadCache};
use crate::cluster::{LogOptions, MediaBacking, PodSecurity};
use crate::credentials::SecretData;
use crate::error::{Error, Result};
use crate::watch::AppObjects;
use crate::APP_LABEL;

/// The fake API server.
pub struct FakeCluster(pub(super) FakeKube);

#[async_trait]
impl ClusterOps for FakeCluster {
    async fn ensure_namespace(&self, app: &AppName, level: PodSecurity) -> Result<()> {
        self.0.call()?;
        let mut state = self.0.state();
        match state.namespaces.get(app.as_str()) {
            Some(Some(label)) if label == app.as_str() => {}
            Some(_) => return Err(Error::NotManaged(app.to_string())),
            None => {
                state
                    .namespaces
                    .insert(app.to_string(), Some(app.to_string()));
            }
        }
        state.pod_security.insert(app.to_string(), level);
        Ok(())
    }

    async fn ensure_media_volume(&self, app: &AppName, backing: &MediaBacking) -> Result<String> {
        self.0.call()?;
        let mut state = self.0.state();
        if state.namespaces.get(app.as_str()) != Some(&Some(app.to_string())) {
            return Err(Error::NotManaged(app.to_string()));
        }
        let claim = backing.claim_name();
        let claims = state.media_claims.entry(app.to_string()).or_default();
        if !claims.contains(&claim) {
            claims.push(claim.clone());
        }
        Ok(claim)
    }

    async fn remove_old_media_volumes(&self, app: &AppName, keep: Option<&str>) -> Result<()> {
        self.remove_media_volumes(app, keep).await
    }

    async fn ensure_credentials_secret(&self, app: &AppName, data: &SecretData) -> Result<()> {
        self.0.call()?;
        let mut state = self.0.state();
        FakeKube::require_managed(&state, app)?;
        let data = data
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect();
        state.credentials.insert(app.to_string(), data);
        Ok(())
    }

    async fn remove_media_volumes(&self, app: &AppName, keep: Option<&str>) -> Result<()> {
        self.0.call()?;
        let mut state = self.0.state();
        if let Some(claims) = state.media_claims.get_mut(app.as_str()) {
            claims.retain(|c| Some(c.as_str()) == keep);
        }
        Ok(())
    }

    async fn csi_backing_of_claim(&self, namespace: &str, claim: &str) -> Result<MediaBacking> {
        self.0.call()?;
        // The fake world has no CSI driver: every claim is unknown, as on a cluster without it.
        Err(api_error(
            404,
            &format!("persistentvolumeclaims \"{claim}\" not found in {namespace}"),
        ))
    }

    async fn delete_namespace(&self, app: &AppName, _wait: Duration) -> Result<()> {
        self.0.call()?;
        let mut state = self.0.state();
        match state.namespaces.get(app.as_str()) {
            None => return Ok(()),
            Some(None) => return Err(Error::NotManaged(app.to_string())),
            Some(Some(_)) => {}
        }
        // Everything in the namespace goes with it, helm's release records included.
        state.namespaces.remove(app.as_str());
        state.credentials.remove(app.as_str());
        state.releases.remove(app.as_str());
        state.objects.remove(app.as_str());
        state.events.remove(app.as_str());
        drop(state);
        self.0.changed(app.as_str());
        Ok(())
    }

    async fn rollout_restart(&self, app: &AppName) -> Result<usize> {
        self.0.call()?;
        let mut state = self.0.state();
        FakeKube::require_managed(&state, app)?;
        let restarted = state
            .objects
            .get(app.as_str())
            .map_or(0, |o| o.deployments.len() + o.statefulsets.len());
        state
            .events
            .entry(app.to_string())
            .or_default()
            .insert(0, event(app, "Restarted", "Rolling restart"));
        drop(state);
        self.0.changed(app.as_str());
        Ok(restarted)
    }

    async fn events(&self, app: &AppName) -> Result<Vec<Event>> {
        self.0.call()?;
        let state = self.0.state();
        FakeKube::require_managed(&state, app)?;
        Ok(state.events.get(app.as_str()).cloned().unwrap_or_default())
    }

    async fn logs(&self, app: &AppName, pod: &str, opts: &LogOptions) -> Result<LogStream> {
        self.0.call()?;
        let state = self.0.state();
        FakeKube::require_managed(&state, app)?;
        let found = state
            .objects
            .get(app.as_str())
            .and_then(|o| {
                o.pods
                    .iter()
                    .find(|p| p.metadata.name.as_deref() == Some(pod))
            })
            .ok_or_else(|| api_error(404, &format!("pods \"{pod}\" not found")))?;
        let containers: Vec<String> = found
            .spec
            .iter()
            .flat_map(|s| s.containers.iter().map(|c| c.name.clone()))
            .collect();
        if let Some(c) = &opts.container {
            if !containers.contains(c) {
                return Err(api_error(
                    400,
                    &format!("container {c} is not valid for pod {pod}"),
                ));
            }
        }
        let lines = opts.tail_lines.unwrap_or(3).clamp(0, 3);
        let text: String = (1..=lines)
            .map(|i| format!("{pod}: log line {i}\n"))
            .collect();
        Ok(Box::pin(futures::io::Cursor::new(text.into_bytes())))
    }

    async fn managed_namespaces(&self) -> Result<BTreeMap<String, Namespace>> {
        self.0.call()?;
        Ok(self
            .0
            .state()
            .namespaces
            .iter()
            .filter_map(|(name, label)| {
                let label = label.as_ref().filter(|l| *l == name)?;
                let ns = serde_json::from_value(json!({
                    "metadata": {"name": name, "labels": {APP_LABEL: label}}
                }))
                .expect("namespace literal");
                Some((name.clone(), ns))
            })
            .collect())
    }

    fn request_count(&self) -> u64 {
        self.0.world.requests.load(Ordering::Relaxed)
    }
}

/// The fake watch caches.
pub struct FakeCaches(pub(super) FakeKube);

impl WorkloadCache for FakeCaches {
    fn is_synced(&self) -> bool {
        let world = &self.0.world;
        world.synced.load(Ordering::SeqCst) && world.reachable.load(Ordering::SeqCst)
    }

    fn subscribe(&self) -> broadcast::Receiver<String> {
        self.0.world.changes.subscribe()
    }

    fn app_objects(&self, app: &str) -> AppObjects {
        self.0.state().objects.get(app).cloned().unwrap_or_default()
    }
}

fn api_error(code: u16, message: &str) -> Error {
    let status = serde_json::from_value(json!({
        "status": "Failure", "code": code, "message": message,
        "reason": if code == 404 { "NotFound" } else { "BadRequest" },
    }))
    .expect("status literal");
    Error::Kube(kube::Error::Api(Box::new(status)))
}

/// What a chart's release runs, as the caches would see it: one Deployment, one pod.
pub(super) fn workloads(app: &AppName, ready: bool) -> AppObjects {
    let labels = json!({APP_LABEL: app.as_str(), "app.kubernetes.io/name": app.as_str()});
    let deployment: Deployment = serde_json::from_value(json!({
        "metadata": {"name": app.as_str(), "namespace": app.as_str(), "labels": labels},
        "spec": {"replicas": 1, "selector": {}, "template": {}},
        "status": {"readyReplicas": if ready { 1 } else { 0 }}
    }))
    .expect("deployment literal");
    let created = chrono::Utc::now().to_rfc3339();
    let pod: Pod = serde_json::from_value(json!({
        "metadata": {"name": format!("{app}-0"), "namespace": app.as_str(), "labels": labels,
            "creationTimestamp": created},
        "spec": {"nodeName": "fake-node", "containers": [{"name": app.as_str(), "image": "fake"}]},
        "status": {"phase": "Running", "conditions": [
            {"type": "Ready", "status": if ready { "True" } else { "False" }}]}
    }))
    .expect("pod literal");
    AppObjects {
        deployments: vec![Arc::new(deployment)],
        statefulsets: vec![],
        pods: vec![Arc::new(pod)],
    }
}

pub(super) fn event(app: &AppName, reason: &str, message: &str) -> Event {
    serde_json::from_value(json!({
        "metadata": {"name": format!("{app}.{}", chrono::Utc::now().timestamp_micros()),
            "namespace": app.as_str()},
        "involvedObject": {"kind": "Pod", "name": format!("{app}-0"), "namespace": app.as_str()},
        "type": "Normal", "reason": reason, "message": message, "count": 1,
        "lastTimestamp": chrono::Utc::now().to_rfc3339(),
    }))
    .expect("event literal")
}
