use std::time::Duration;

use axum::http::{Method, StatusCode};
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{Namespace, PersistentVolumeClaim, Service};
use k8s_openapi::api::networking::v1::NetworkPolicy;
use kube::Api;
use serde_json::json;

use kubarr_testbed::unique_suffix;

use crate::helpers::TestApp;

const APPS: &[&str] = &[
    "audiobookshelf",
    "bazarr",
    "deluge",
    "flaresolverr",
    "jackett",
    "jellyfin",
    "jellyseerr",
    "lidarr",
    "navidrome",
    "plex",
    "prowlarr",
    "qbittorrent",
    "radarr",
    "readarr",
    "sabnzbd",
    "seerr",
    "sonarr",
    "tautulli",
    "transmission",
];

#[tokio::test]
#[ignore = "cluster tier"]
async fn every_catalog_app_installs_with_its_objects_and_uninstalls() {
    let tag = unique_suffix();
    let names: Vec<(String, String)> = APPS
        .iter()
        .map(|a| (a.to_string(), format!("{a}-{tag}")))
        .collect();
    let pairs: Vec<(&str, &str)> = names
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let t = TestApp::builder()
        .charts(&pairs)
        .real_cluster()
        .admin()
        .build()
        .await;
    for (_, name) in &names {
        let res = t
            .admin(
                Method::POST,
                "/api/apps/install",
                Some(json!({"app_name": name})),
            )
            .await;
        assert_eq!(res.status, StatusCode::ACCEPTED, "{name}: {}", res.text());
    }
    let client = t.cluster().client();
    for (app, name) in &names {
        let status = t
            .wait_state(name, "installed", Duration::from_secs(300))
            .await;
        assert_eq!(status["message"], "Running", "{name}");
        let ns: Namespace = Api::all(client.clone()).get(name).await.unwrap();
        assert_eq!(
            ns.metadata.labels.as_ref().unwrap()["kubarr.io/app"],
            name.as_str()
        );
        let d: Deployment = Api::namespaced(client.clone(), name)
            .get(name)
            .await
            .unwrap();
        let spec = d.spec.unwrap().template.spec.unwrap();
        super::credentials::assert_credentials_on_cluster(&client, app, name, &spec).await;
        let c = &spec.containers[0];
        assert!(
            c.readiness_probe.is_some() && c.liveness_probe.is_some(),
            "{app}: probes"
        );
        assert!(
            c.resources
                .as_ref()
                .and_then(|r| r.limits.as_ref())
                .is_some(),
            "{app}: limits"
        );
        let data = c
            .volume_mounts
            .iter()
            .flatten()
            .find(|m| m.mount_path == "/data")
            .unwrap_or_else(|| panic!("{app}: /data"));
        assert!(data.sub_path.is_none(), "{app}: /data mounted whole");
        let svc: Service = Api::namespaced(client.clone(), name)
            .get(name)
            .await
            .unwrap();
        assert!(!svc.spec.unwrap().ports.unwrap().is_empty());
        let pvcs = Api::<PersistentVolumeClaim>::namespaced(client.clone(), name)
            .list(&Default::default())
            .await
            .unwrap();
        assert!(
            pvcs.items
                .iter()
                .all(|p| p.status.as_ref().unwrap().phase.as_deref() == Some("Bound")),
            "{app}"
        );
        let policies = Api::<NetworkPolicy>::namespaced(client.clone(), name)
            .list(&Default::default())
            .await
            .unwrap();
        assert!(!policies.items.is_empty(), "{app}: network policy");
    }
    let list = t.admin(Method::GET, "/api/apps", None).await.json();
    assert_eq!(list.as_array().unwrap().len(), APPS.len());
    for (_, name) in &names {
        let res = t
            .admin(
                Method::DELETE,
                &format!("/api/apps/{name}?delete_data=true"),
                None,
            )
            .await;
        assert_eq!(res.status, StatusCode::ACCEPTED, "{name}");
    }
    for (_, name) in &names {
        t.wait_state(name, "not_installed", Duration::from_secs(300))
            .await;
    }
    t.cleanup().await;
}
