//! One contract for every `Backend`: the same calls and assertions run against the in-process
//! fakes (fast tier) and against the real helm and the local test cluster (cluster tier), so the
//! fakes the API suite relies on behave as the real parts do for every call Kubarr makes.

use std::time::Duration;

use kubarr_orchestrator::backend::Backend;
use kubarr_orchestrator::catalog::Catalog;
use kubarr_orchestrator::cluster::{Cluster, LogOptions, PodSecurity};
use kubarr_orchestrator::fake::FakeKube;
use kubarr_orchestrator::helm::{DeployOptions, Helm};
use kubarr_orchestrator::status::workload_health;
use kubarr_orchestrator::{AppName, Error};
use kubarr_testbed::{renamed_catalog, unique_suffix, TestCluster};
use serde_json::json;

const WAIT: Duration = Duration::from_secs(150);

fn opts() -> DeployOptions {
    DeployOptions {
        wait: WAIT,
        atomic: true,
        reuse_values: false,
    }
}

/// Polls `check` every 100 ms until it holds; fails after `timeout` naming `what`.
async fn eventually(what: &str, timeout: Duration, mut check: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + timeout;
    while !check() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "{what}: not within {timeout:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The contract. `foreign` names a namespace that exists without Kubarr's label.
async fn contract(backend: Backend, foreign: &str) {
    let name = format!("sonarr-{}", unique_suffix());
    let catalog_dir = renamed_catalog(&[("sonarr", &name)]).unwrap();
    let (catalog, problems) = Catalog::load(catalog_dir.path());
    assert!(problems.is_empty(), "{problems:?}");
    let entry = catalog.get(&name).unwrap();
    let app = AppName::parse(&name).unwrap();
    let Backend {
        helm,
        cluster,
        caches,
    } = backend;
    assert!(caches.wait_synced(Duration::from_secs(30)).await);
    let requests = cluster.request_count();

    // Namespace, install, and the caches seeing the workloads become ready.
    cluster
        .ensure_namespace(&app, entry.pod_security)
        .await
        .unwrap();
    cluster
        .ensure_namespace(&app, entry.pod_security)
        .await
        .unwrap();
    let mut changes = caches.subscribe();
    let release = helm
        .upgrade_install(&app, &entry.chart_dir, &json!({}), &opts())
        .await
        .unwrap();
    assert_eq!(
        (release.name.as_str(), release.namespace.as_str()),
        (name.as_str(), name.as_str())
    );
    assert_eq!((release.revision, release.status.as_str()), (1, "deployed"));
    assert_eq!(release.chart_version, entry.version);
    assert_eq!(release.app_version, entry.app_version);
    eventually("workloads ready in the caches", WAIT, || {
        workload_health(&caches.app_objects(&name)).all_ready
    })
    .await;
    let changed = tokio::time::timeout(Duration::from_secs(30), async {
        loop {
            match changes.recv().await {
                Ok(a) if a == name => return true,
                Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                Err(_) => return false,
            }
        }
    })
    .await;
    assert_eq!(changed, Ok(true), "no change announced for the app");
    let listed = helm.list_namespace(&name).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(
        (listed[0].revision, listed[0].status.as_str()),
        (1, "deployed")
    );
    assert!(cluster
        .managed_namespaces()
        .await
        .unwrap()
        .contains_key(&name));
    assert!(!cluster
        .managed_namespaces()
        .await
        .unwrap()
        .contains_key(foreign));

    // Upgrade, rollback.
    let upgraded = helm
        .upgrade_install(&app, &entry.chart_dir, &json!({"timezone": "UTC"}), &opts())
        .await
        .unwrap();
    assert_eq!(upgraded.revision, 2);
    helm.rollback(&app, None, WAIT).await.unwrap();
    let listed = helm.list_namespace(&name).await.unwrap();
    assert_eq!(
        (listed[0].revision, listed[0].status.as_str()),
        (3, "deployed")
    );

    // Restart, events, logs.
    assert!(cluster.rollout_restart(&app).await.unwrap() >= 1);
    let pod = caches
        .app_objects(&name)
        .pods
        .iter()
        .find_map(|p| p.metadata.name.clone())
        .expect("a pod");
    let events = cluster.events(&app).await.unwrap();
    assert!(events
        .iter()
        .all(|e| e.metadata.namespace.as_deref() == Some(name.as_str())));
    let tail = LogOptions {
        tail_lines: Some(1),
        ..Default::default()
    };
    match cluster.logs(&app, &pod, &tail).await {
        Ok(_) => {}
        // A pod replaced by the restart meanwhile is gone: the 404 a missing pod gets.
        Err(e) => assert_eq!(e.api_code(), Some(404), "{e}"),
    }
    let missing = cluster.logs(&app, "no-such-pod", &tail).await;
    assert_eq!(missing.err().and_then(|e| e.api_code()), Some(404));

    // A namespace Kubarr did not create is refused by every call.
    let foreign = AppName::parse(foreign).unwrap();
    assert!(matches!(
        cluster
            .ensure_namespace(&foreign, PodSecurity::Baseline)
            .await,
        Err(Error::NotManaged(_))
    ));
    assert!(matches!(
        cluster.rollout_restart(&foreign).await,
        Err(Error::NotManaged(_))
    ));
    assert!(matches!(
        cluster.events(&foreign).await,
        Err(Error::NotManaged(_))
    ));
    assert!(matches!(
        cluster.logs(&foreign, "x", &tail).await,
        Err(Error::NotManaged(_))
    ));
    assert!(matches!(
        cluster.delete_namespace(&foreign, WAIT).await,
        Err(Error::NotManaged(_))
    ));

    // Uninstall (twice: a missing release counts as uninstalled), then the namespace.
    helm.uninstall(&app, WAIT).await.unwrap();
    helm.uninstall(&app, WAIT).await.unwrap();
    assert!(helm.list_namespace(&name).await.unwrap().is_empty());
    eventually("workloads gone from the caches", WAIT, || {
        caches.app_objects(&name).deployments.is_empty()
    })
    .await;
    cluster.delete_namespace(&app, WAIT).await.unwrap();
    cluster.delete_namespace(&app, WAIT).await.unwrap();
    assert!(!cluster
        .managed_namespaces()
        .await
        .unwrap()
        .contains_key(&name));
    assert!(cluster.request_count() > requests);
}

#[tokio::test]
async fn the_fakes_keep_the_contract() {
    let fake = FakeKube::new();
    fake.add_foreign_namespace("kube-system");
    contract(fake.backend(), "kube-system").await;
}

#[tokio::test]
#[ignore = "cluster tier"]
async fn the_real_parts_keep_the_contract() {
    let tc = TestCluster::get();
    let cluster = Cluster::connect(Some(tc.kubeconfig_path()), false)
        .await
        .unwrap();
    let home = tempfile::tempdir().unwrap();
    let helm = Helm::new(
        tc.helm_path(),
        Some(tc.kubeconfig_path().to_path_buf()),
        home.path().to_path_buf(),
    );
    contract(Backend::real(helm, cluster), "kube-system").await;
}
