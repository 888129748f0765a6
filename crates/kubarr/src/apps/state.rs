//! An app's state as the API shows it, and how it is derived: the database row says what Kubarr
//! is doing, the watch caches say how the workloads are. A pure function, so every combination
//! has a table test below.

use chrono::{DateTime, Utc};
use kubarr_db::entities::app_installations::{InstallState, Model, Operation};
use kubarr_orchestrator::status::workload_health;
use kubarr_orchestrator::watch::AppObjects;
use serde::Serialize;
use utoipa::ToSchema;

/// An app's live state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LiveState {
    /// Kubarr has not installed it.
    NotInstalled,
    Installing,
    /// Every pod is Ready.
    Installed,
    /// Installed, but not every pod is Ready (the message says why).
    Degraded,
    Upgrading,
    Uninstalling,
    /// The last operation failed (the message says how).
    Error,
}

impl From<InstallState> for LiveState {
    fn from(s: InstallState) -> Self {
        match s {
            InstallState::Installing => LiveState::Installing,
            InstallState::Installed => LiveState::Installed,
            InstallState::Upgrading => LiveState::Upgrading,
            InstallState::Uninstalling => LiveState::Uninstalling,
            InstallState::Error => LiveState::Error,
        }
    }
}

/// The operation running on an app.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AppOperation {
    Install,
    Upgrade,
    Restart,
    Uninstall,
    /// Kubarr repairs what an interrupted operation left behind.
    Repair,
}

impl From<Operation> for AppOperation {
    fn from(op: Operation) -> Self {
        match op {
            Operation::Install => AppOperation::Install,
            Operation::Upgrade => AppOperation::Upgrade,
            Operation::Restart => AppOperation::Restart,
            Operation::Uninstall => AppOperation::Uninstall,
            Operation::Repair => AppOperation::Repair,
        }
    }
}

/// An installed (or installing) app as the API shows it.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct AppStatus {
    pub name: String,
    pub state: LiveState,
    pub message: String,
    /// The operation in progress, if any.
    pub operation: Option<AppOperation>,
    /// Installed chart version.
    pub version: Option<String>,
    pub app_version: Option<String>,
    pub namespace: String,
    pub ready_pods: u32,
    pub total_pods: u32,
    pub updated_at: Option<DateTime<Utc>>,
    /// True when the cluster cannot be reached and this is the last known state.
    pub stale: bool,
}

/// What the watch caches show of an app.
#[derive(Clone, Copy, Debug)]
pub struct Observed<'a> {
    pub objects: &'a AppObjects,
    /// Whether the caches are in sync with the API server (else they hold the last known view).
    pub synced: bool,
}

/// The status of `name` from its row (`None`: not installed) and what the caches show (`None`:
/// no cluster configured).
pub fn derive(name: &str, row: Option<&Model>, observed: Option<Observed<'_>>) -> AppStatus {
    let Some(row) = row else {
        return AppStatus {
            name: name.to_owned(),
            state: LiveState::NotInstalled,
            message: "Not installed".into(),
            operation: None,
            version: None,
            app_version: None,
            namespace: name.to_owned(),
            ready_pods: 0,
            total_pods: 0,
            updated_at: None,
            stale: false,
        };
    };
    let mut status = AppStatus {
        name: row.app_name.clone(),
        state: row.state.into(),
        message: row.message.clone().unwrap_or_default(),
        operation: row.operation.map(AppOperation::from),
        version: Some(row.chart_version.clone()),
        app_version: row.app_version.clone(),
        namespace: row.namespace.clone(),
        ready_pods: 0,
        total_pods: 0,
        updated_at: Some(row.updated_at),
        stale: true,
    };
    let failed = row.state == InstallState::Error;
    if let Some(observed) = observed {
        let health = workload_health(observed.objects);
        status.ready_pods = health.ready_pods;
        status.total_pods = health.total_pods;
        status.stale = !observed.synced;
        // A restart keeps the app running: its pods tell the state meanwhile.
        let live = matches!(row.operation, None | Some(Operation::Restart));
        if live && !failed && !status.stale {
            if health.all_ready {
                status.state = LiveState::Installed;
                status.message = "Running".into();
            } else {
                status.state = LiveState::Degraded;
                status.message = health.message;
            }
        }
    }
    if failed {
        status.message = row
            .last_error
            .clone()
            .or(row.message.clone())
            .unwrap_or_default();
    }
    if status.stale && row.operation.is_none() && !failed {
        status.message = format!("Cluster unreachable; last known state. {}", status.message)
            .trim()
            .to_owned();
    }
    status
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use k8s_openapi::api::apps::v1::Deployment;
    use k8s_openapi::api::core::v1::Pod;
    use serde_json::json;

    use super::*;

    fn row(state: InstallState, operation: Option<Operation>) -> Model {
        let at = DateTime::from_timestamp(1_700_000_000, 0).unwrap();
        Model {
            id: 1,
            app_name: "sonarr".into(),
            namespace: "sonarr".into(),
            chart_version: "1.2.0".into(),
            app_version: Some("4.0".into()),
            values: json!({}),
            state,
            message: Some("Recorded message".into()),
            operation,
            operation_started_at: operation.map(|_| at),
            operation_owner: operation.map(|_| "replica".into()),
            last_error: (state == InstallState::Error).then(|| "Install failed: boom".into()),
            installed_by: None,
            created_at: at,
            updated_at: at,
        }
    }

    fn objects(ready: bool) -> AppObjects {
        let deployment: Deployment = serde_json::from_value(json!({
            "metadata": {"name": "sonarr", "namespace": "sonarr"},
            "spec": {"replicas": 1, "selector": {}, "template": {}},
            "status": {"readyReplicas": if ready { 1 } else { 0 }}
        }))
        .unwrap();
        let pod: Pod = serde_json::from_value(json!({
            "metadata": {"name": "sonarr-0", "namespace": "sonarr"},
            "status": {"phase": "Running", "conditions": [
                {"type": "Ready", "status": if ready { "True" } else { "False" }}]}
        }))
        .unwrap();
        AppObjects {
            deployments: vec![Arc::new(deployment)],
            statefulsets: vec![],
            pods: vec![Arc::new(pod)],
        }
    }

    /// How the caches look in a case.
    #[derive(Clone, Copy, Debug)]
    enum Caches {
        None,
        SyncedReady,
        SyncedNotReady,
        StaleReady,
    }

    /// Stored state, operation, caches => live state, message, stale, ready pods.
    type Case = (
        InstallState,
        Option<Operation>,
        Caches,
        LiveState,
        &'static str,
        bool,
        u32,
    );

    #[test]
    fn the_state_table() {
        use InstallState as S;
        use LiveState as L;
        use Operation as O;
        let running = "Running";
        let waiting = "deployment sonarr: 0/1 replicas ready";
        let recorded = "Recorded message";
        let stale_recorded = "Cluster unreachable; last known state. Recorded message";
        let failed = "Install failed: boom";
        #[rustfmt::skip]
        let cases: &[Case] = &[
            // stored state, operation, caches => live state, message, stale, ready pods
            (S::Installed, None, Caches::SyncedReady, L::Installed, running, false, 1),
            (S::Installed, None, Caches::SyncedNotReady, L::Degraded, waiting, false, 0),
            (S::Installed, None, Caches::StaleReady, L::Installed, stale_recorded, true, 1),
            (S::Installed, None, Caches::None, L::Installed, stale_recorded, true, 0),
            (S::Installed, Some(O::Restart), Caches::SyncedReady, L::Installed, running, false, 1),
            (S::Installed, Some(O::Restart), Caches::SyncedNotReady, L::Degraded, waiting, false, 0),
            (S::Installing, Some(O::Install), Caches::SyncedReady, L::Installing, recorded, false, 1),
            (S::Installing, Some(O::Install), Caches::StaleReady, L::Installing, recorded, true, 1),
            (S::Upgrading, Some(O::Upgrade), Caches::SyncedNotReady, L::Upgrading, recorded, false, 0),
            (S::Uninstalling, Some(O::Uninstall), Caches::SyncedReady, L::Uninstalling, recorded, false, 1),
            (S::Installed, Some(O::Repair), Caches::SyncedReady, L::Installed, recorded, false, 1),
            (S::Error, None, Caches::SyncedReady, L::Error, failed, false, 1),
            (S::Error, None, Caches::StaleReady, L::Error, failed, true, 1),
            (S::Error, None, Caches::None, L::Error, failed, true, 0),
        ];
        let (ready, not_ready) = (objects(true), objects(false));
        for &(stored, op, caches, want_state, want_message, want_stale, want_ready) in cases {
            let observed = match caches {
                Caches::None => None,
                Caches::SyncedReady => Some(Observed {
                    objects: &ready,
                    synced: true,
                }),
                Caches::SyncedNotReady => Some(Observed {
                    objects: &not_ready,
                    synced: true,
                }),
                Caches::StaleReady => Some(Observed {
                    objects: &ready,
                    synced: false,
                }),
            };
            let case = format!("{stored:?} {op:?} {caches:?}");
            let s = derive("sonarr", Some(&row(stored, op)), observed);
            assert_eq!(s.state, want_state, "{case}");
            assert_eq!(s.message, want_message, "{case}");
            assert_eq!(s.stale, want_stale, "{case}");
            assert_eq!(s.ready_pods, want_ready, "{case}");
            assert_eq!(s.operation, op.map(AppOperation::from), "{case}");
            assert_eq!(s.version.as_deref(), Some("1.2.0"), "{case}");
        }
    }

    #[test]
    fn no_row_is_not_installed_whatever_the_caches_say() {
        let ready = objects(true);
        for observed in [
            None,
            Some(Observed {
                objects: &ready,
                synced: true,
            }),
        ] {
            let s = derive("radarr", None, observed);
            assert_eq!(s.state, LiveState::NotInstalled);
            assert_eq!(s.message, "Not installed");
            assert_eq!((s.namespace.as_str(), s.stale), ("radarr", false));
            assert_eq!((s.ready_pods, s.total_pods), (0, 0));
        }
    }

    #[test]
    fn wire_names_are_the_contracts() {
        assert_eq!(
            serde_json::to_value([LiveState::NotInstalled, LiveState::Degraded]).unwrap(),
            json!(["not_installed", "degraded"])
        );
        assert_eq!(
            serde_json::to_value(AppOperation::Uninstall).unwrap(),
            json!("uninstall")
        );
    }
}
