//! Deriving an app's health from its cached workloads.

use k8s_openapi::api::core::v1::Pod;

use crate::watch::AppObjects;

/// Health of an installed app's workloads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkloadHealth {
    /// Every workload has all replicas ready and every pod is Ready.
    pub all_ready: bool,
    /// Why not, naming the pod and the reason.
    pub message: String,
    pub ready_pods: u32,
    pub total_pods: u32,
    /// At least one workload exists.
    pub has_workloads: bool,
}

/// Waiting reasons that mean the pod will not get better by itself.
const BAD_WAITING: &[&str] = &[
    "CrashLoopBackOff",
    "ImagePullBackOff",
    "ErrImagePull",
    "CreateContainerConfigError",
    "CreateContainerError",
    "InvalidImageName",
    "RunContainerError",
];

pub fn workload_health(objects: &AppObjects) -> WorkloadHealth {
    let pods: Vec<&Pod> = objects
        .pods
        .iter()
        .map(|p| p.as_ref())
        .filter(|p| {
            let phase = p.status.as_ref().and_then(|s| s.phase.as_deref());
            // Completed job pods and pods on their way out do not count.
            phase != Some("Succeeded") && p.metadata.deletion_timestamp.is_none()
        })
        .collect();
    let total_pods = pods.len() as u32;
    let ready_pods = pods.iter().filter(|p| pod_ready(p)).count() as u32;
    let has_workloads = !objects.deployments.is_empty() || !objects.statefulsets.is_empty();

    let mut problems: Vec<String> = pods.iter().filter_map(|p| pod_problem(p)).collect();
    let replicas = objects
        .deployments
        .iter()
        .map(|d| {
            (
                "deployment",
                &d.metadata,
                d.spec.as_ref().and_then(|s| s.replicas),
                d.status.as_ref().and_then(|s| s.ready_replicas),
            )
        })
        .chain(objects.statefulsets.iter().map(|s| {
            (
                "statefulset",
                &s.metadata,
                s.spec.as_ref().and_then(|s| s.replicas),
                s.status.as_ref().and_then(|s| s.ready_replicas),
            )
        }));
    for (kind, meta, want, ready) in replicas {
        let (want, ready) = (want.unwrap_or(1), ready.unwrap_or(0));
        if ready < want && problems.is_empty() {
            problems.push(format!(
                "{kind} {}: {ready}/{want} replicas ready",
                meta.name.as_deref().unwrap_or("?")
            ));
        }
    }
    let all_ready =
        has_workloads && problems.is_empty() && ready_pods == total_pods && total_pods > 0;
    let message = if all_ready {
        "Running".to_owned()
    } else if problems.is_empty() {
        if has_workloads {
            "Waiting for pods to start".to_owned()
        } else {
            "No workloads found".to_owned()
        }
    } else {
        problems.join("; ")
    };
    WorkloadHealth {
        all_ready,
        message,
        ready_pods,
        total_pods,
        has_workloads,
    }
}

fn pod_ready(p: &Pod) -> bool {
    p.status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .is_some_and(|c| c.iter().any(|c| c.type_ == "Ready" && c.status == "True"))
}

/// Names what is wrong with a pod that is not Ready, if anything specific is.
fn pod_problem(p: &Pod) -> Option<String> {
    let name = p.metadata.name.as_deref().unwrap_or("?");
    let status = p.status.as_ref()?;
    let containers = status
        .init_container_statuses
        .iter()
        .flatten()
        .chain(status.container_statuses.iter().flatten());
    for c in containers {
        if let Some(waiting) = c.state.as_ref().and_then(|s| s.waiting.as_ref()) {
            let reason = waiting.reason.as_deref().unwrap_or_default();
            if BAD_WAITING.contains(&reason) {
                return Some(format!("pod {name}: {reason}"));
            }
        }
    }
    if status.phase.as_deref() == Some("Failed") {
        return Some(format!(
            "pod {name}: failed ({})",
            status.reason.as_deref().unwrap_or("unknown reason")
        ));
    }
    if status.phase.as_deref() == Some("Pending") {
        let unschedulable = status
            .conditions
            .iter()
            .flatten()
            .find(|c| c.type_ == "PodScheduled" && c.status == "False");
        if let Some(c) = unschedulable {
            let msg = c.message.as_deref().unwrap_or_default();
            if msg.contains("PersistentVolumeClaim") {
                return Some(format!("pod {name}: volume claim not bound ({msg})"));
            }
            return Some(format!("pod {name}: unschedulable ({msg})"));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use k8s_openapi::api::apps::v1::Deployment;
    use serde_json::json;

    use std::sync::Arc;

    use super::*;

    fn pod(name: &str, status: serde_json::Value) -> Arc<Pod> {
        Arc::new(
            serde_json::from_value::<Pod>(
                json!({"metadata": {"name": name, "namespace": "sonarr"}, "status": status}),
            )
            .unwrap(),
        )
    }

    fn deployment(want: i32, ready: i32) -> Arc<Deployment> {
        Arc::new(
            serde_json::from_value::<Deployment>(json!({
                "metadata": {"name": "sonarr", "namespace": "sonarr"},
                "spec": {"replicas": want, "selector": {}, "template": {}},
                "status": {"readyReplicas": ready}
            }))
            .unwrap(),
        )
    }

    fn ready_pod(name: &str) -> Arc<Pod> {
        pod(
            name,
            json!({"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}]}),
        )
    }

    #[test]
    fn all_ready_is_running() {
        let h = workload_health(&AppObjects {
            deployments: vec![deployment(1, 1)],
            pods: vec![ready_pod("a")],
            ..Default::default()
        });
        assert!(h.all_ready);
        assert_eq!(h.message, "Running");
        assert_eq!((h.ready_pods, h.total_pods), (1, 1));
    }

    #[test]
    fn crash_loop_is_named() {
        let bad = pod(
            "sonarr-x",
            json!({"phase": "Running", "conditions": [{"type": "Ready", "status": "False"}],
            "containerStatuses": [{"name": "app", "ready": false, "restartCount": 5, "image": "i", "imageID": "",
                "state": {"waiting": {"reason": "CrashLoopBackOff"}}}]}),
        );
        let h = workload_health(&AppObjects {
            deployments: vec![deployment(1, 0)],
            pods: vec![bad],
            ..Default::default()
        });
        assert!(!h.all_ready);
        assert_eq!(h.message, "pod sonarr-x: CrashLoopBackOff");
    }

    #[test]
    fn unschedulable_and_unbound_claims_are_named() {
        let p = pod(
            "p",
            json!({"phase": "Pending", "conditions": [{"type": "PodScheduled", "status": "False",
            "reason": "Unschedulable", "message": "0/2 nodes are available: insufficient memory"}]}),
        );
        let h = workload_health(&AppObjects {
            deployments: vec![deployment(1, 0)],
            pods: vec![p],
            ..Default::default()
        });
        assert_eq!(
            h.message,
            "pod p: unschedulable (0/2 nodes are available: insufficient memory)"
        );
        let p = pod(
            "q",
            json!({"phase": "Pending", "conditions": [{"type": "PodScheduled", "status": "False",
            "message": "pod has unbound immediate PersistentVolumeClaims"}]}),
        );
        let h = workload_health(&AppObjects {
            deployments: vec![deployment(1, 0)],
            pods: vec![p],
            ..Default::default()
        });
        assert!(
            h.message.starts_with("pod q: volume claim not bound"),
            "{}",
            h.message
        );
    }

    #[test]
    fn completed_pods_do_not_count_and_missing_replicas_do() {
        let done = pod("job", json!({"phase": "Succeeded"}));
        let h = workload_health(&AppObjects {
            deployments: vec![deployment(2, 1)],
            pods: vec![ready_pod("a"), done],
            ..Default::default()
        });
        assert_eq!(h.total_pods, 1);
        assert!(!h.all_ready);
        assert_eq!(h.message, "deployment sonarr: 1/2 replicas ready");
        let h = workload_health(&AppObjects::default());
        assert!(!h.has_workloads && !h.all_ready);
    }
}
