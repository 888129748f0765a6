//! The orchestrator against the real control plane and the real helm binary (the local test
//! bed). Each test installs a renamed copy of a catalog chart, so tests never collide on names.

use std::time::Duration;

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{Namespace, PersistentVolumeClaim, Service};
use k8s_openapi::api::networking::v1::NetworkPolicy;
use kubarr_orchestrator::catalog::Catalog;
use kubarr_orchestrator::cluster::{Cluster, LogOptions};
use kubarr_orchestrator::helm::{DeployOptions, Helm};
use kubarr_orchestrator::status::workload_health;
use kubarr_orchestrator::watch::WatchCaches;
use kubarr_orchestrator::{AppName, Error};
use kubarr_testbed::{renamed_catalog, unique_suffix, wait_until, TestCluster};
use kube::Api;
use serde_json::json;

async fn setup() -> (Cluster, Helm, tempfile::TempDir) {
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
    (cluster, helm, home)
}

const WAIT: Duration = Duration::from_secs(180);

fn opts() -> DeployOptions {
    DeployOptions {
        wait: Duration::from_secs(150),
        atomic: true,
        reuse_values: false,
    }
}

#[tokio::test]
#[ignore = "cluster tier"]
async fn install_upgrade_restart_uninstall_and_reinstall_onto_kept_data() {
    let (cluster, helm, _home) = setup().await;
    let name = TestCluster::unique_namespace("sonarr");
    let catalog_dir = renamed_catalog(&[("sonarr", &name)]).unwrap();
    let (catalog, problems) = Catalog::load(catalog_dir.path());
    assert!(problems.is_empty(), "{problems:?}");
    let entry = catalog.get(&name).unwrap();
    let app = AppName::parse(&name).unwrap();
    let caches = WatchCaches::start(&cluster);
    assert!(
        caches.wait_synced(Duration::from_secs(30)).await,
        "watch caches sync"
    );

    // Install.
    cluster.ensure_namespace(&app).await.unwrap();
    let release = helm
        .upgrade_install(&app, &entry.chart_dir, &json!({}), &opts())
        .await
        .unwrap();
    assert_eq!(release.status, "deployed");
    assert_eq!(release.revision, 1);
    assert_eq!(release.chart_version, entry.version);

    let client = cluster.client();
    let ns: Namespace = Api::all(client.clone()).get(&name).await.unwrap();
    assert_eq!(ns.metadata.labels.unwrap()["kubarr.io/app"], name);
    let deploy: Deployment = Api::namespaced(client.clone(), &name)
        .get(&name)
        .await
        .unwrap();
    let pod_spec = deploy
        .spec
        .as_ref()
        .unwrap()
        .template
        .spec
        .as_ref()
        .unwrap();
    let container = &pod_spec.containers[0];
    let data_mount = container
        .volume_mounts
        .iter()
        .flatten()
        .find(|m| m.mount_path == "/data")
        .expect("/data mount");
    assert!(data_mount.sub_path.is_none(), "/data is mounted whole");
    assert!(container
        .volume_mounts
        .iter()
        .flatten()
        .any(|m| m.mount_path == "/config"));
    let _svc: Service = Api::namespaced(client.clone(), &name)
        .get(&name)
        .await
        .unwrap();
    let pvcs: Vec<PersistentVolumeClaim> = Api::namespaced(client.clone(), &name)
        .list(&Default::default())
        .await
        .unwrap()
        .items;
    assert_eq!(pvcs.len(), 1);
    let pvc_uid = pvcs[0].metadata.uid.clone();
    assert_eq!(
        pvcs[0].status.as_ref().unwrap().phase.as_deref(),
        Some("Bound")
    );
    let policies: Vec<NetworkPolicy> = Api::namespaced(client.clone(), &name)
        .list(&Default::default())
        .await
        .unwrap()
        .items;
    assert!(!policies.is_empty());

    // The caches see it Running without any API request.
    wait_until(WAIT, "all pods ready in the cache", || {
        let ready = workload_health(&caches.app_objects(&name)).all_ready;
        async move { Ok(ready) }
    })
    .await
    .unwrap();
    let before = cluster.request_count();
    for _ in 0..1000 {
        let h = workload_health(&caches.app_objects(&name));
        assert_eq!(h.message, "Running");
    }
    assert_eq!(
        cluster.request_count(),
        before,
        "status reads made API requests"
    );

    // Upgrade with a changed value.
    let release = helm
        .upgrade_install(
            &app,
            &entry.chart_dir,
            &json!({"timezone": "Europe/Amsterdam"}),
            &opts(),
        )
        .await
        .unwrap();
    assert_eq!(release.revision, 2);
    let deploy: Deployment = Api::namespaced(client.clone(), &name)
        .get(&name)
        .await
        .unwrap();
    let env = deploy.spec.unwrap().template.spec.unwrap().containers[0]
        .env
        .clone()
        .unwrap();
    assert!(
        env.iter()
            .any(|e| e.name == "TZ" && e.value.as_deref() == Some("Europe/Amsterdam")),
        "{env:?}"
    );

    // Restart replaces the pods.
    let old: Vec<String> = cluster
        .pods(&app)
        .await
        .unwrap()
        .into_iter()
        .filter_map(|p| p.metadata.name)
        .collect();
    assert_eq!(cluster.rollout_restart(&app).await.unwrap(), 1);
    wait_until(WAIT, "restarted pods ready", || {
        let objects = caches.app_objects(&name);
        let fresh = objects
            .pods
            .iter()
            .all(|p| !old.contains(p.metadata.name.as_ref().unwrap()));
        let ready = workload_health(&objects).all_ready;
        async move { Ok(fresh && ready) }
    })
    .await
    .unwrap();

    // Uninstall keeps the data claim; a reinstall takes it over.
    helm.uninstall(&app, WAIT).await.unwrap();
    assert!(helm.status(&app).await.unwrap().is_none());
    assert_eq!(
        cluster.volume_claims(&app).await.unwrap(),
        vec![format!("{name}-config")]
    );
    helm.upgrade_install(&app, &entry.chart_dir, &json!({}), &opts())
        .await
        .unwrap();
    let pvcs: Vec<PersistentVolumeClaim> = Api::namespaced(client.clone(), &name)
        .list(&Default::default())
        .await
        .unwrap()
        .items;
    assert_eq!(pvcs[0].metadata.uid, pvc_uid, "the kept claim is reused");

    // Uninstall with data: the namespace goes too.
    helm.uninstall(&app, WAIT).await.unwrap();
    cluster.delete_namespace(&app, WAIT).await.unwrap();
    assert!(Api::<Namespace>::all(client)
        .get_opt(&name)
        .await
        .unwrap()
        .is_none());
}

#[tokio::test]
#[ignore = "cluster tier"]
async fn foreign_namespaces_are_never_touched() {
    let (cluster, _helm, _home) = setup().await;
    for ns in ["default", "kube-system"] {
        let app = AppName::parse(ns).unwrap();
        assert!(
            matches!(
                cluster.ensure_namespace(&app).await,
                Err(Error::NotManaged(_))
            ),
            "{ns}"
        );
        assert!(
            matches!(
                cluster.delete_namespace(&app, WAIT).await,
                Err(Error::NotManaged(_))
            ),
            "{ns}"
        );
        assert!(
            matches!(
                cluster.rollout_restart(&app).await,
                Err(Error::NotManaged(_))
            ),
            "{ns}"
        );
        assert!(
            matches!(cluster.pods(&app).await, Err(Error::NotManaged(_))),
            "{ns}"
        );
    }
    let ns: Option<Namespace> = Api::all(cluster.client())
        .get_opt("kube-system")
        .await
        .unwrap();
    assert!(ns.unwrap().metadata.deletion_timestamp.is_none());
}

#[tokio::test]
#[ignore = "cluster tier"]
async fn follow_logs_receive_a_new_line() {
    use futures::AsyncBufReadExt;
    let (cluster, helm, _home) = setup().await;
    let tc = TestCluster::get();
    let name = TestCluster::unique_namespace("prowlarr");
    let catalog_dir = renamed_catalog(&[("prowlarr", &name)]).unwrap();
    let (catalog, _) = Catalog::load(catalog_dir.path());
    let app = AppName::parse(&name).unwrap();
    cluster.ensure_namespace(&app).await.unwrap();
    helm.upgrade_install(
        &app,
        &catalog.get(&name).unwrap().chart_dir,
        &json!({}),
        &opts(),
    )
    .await
    .unwrap();
    let pod = cluster
        .pods(&app)
        .await
        .unwrap()
        .into_iter()
        .find_map(|p| p.metadata.name)
        .unwrap();
    let opts = LogOptions {
        follow: true,
        tail_lines: Some(1),
        ..Default::default()
    };
    let mut lines = cluster.logs(&app, &pod, &opts).await.unwrap().lines();
    let marker = format!("kubarr-follow-{}", unique_suffix());
    // Keep appending until the stream shows the line (the first append may race the stream start).
    let found = tokio::time::timeout(Duration::from_secs(60), async {
        let appender = async {
            loop {
                tc.append_pod_log(&marker).unwrap();
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
        };
        let reader = async {
            use futures::StreamExt;
            while let Some(Ok(line)) = lines.next().await {
                if line.contains(&marker) {
                    return true;
                }
            }
            false
        };
        tokio::select! { found = reader => found, _ = appender => false }
    })
    .await
    .unwrap_or(false);
    assert!(found, "the follow stream never showed the appended line");
    helm.uninstall(&app, WAIT).await.unwrap();
    cluster.delete_namespace(&app, WAIT).await.unwrap();
}
