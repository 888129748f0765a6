//! The credentials Kubarr generates for an app (its chart's `kubarr.io/credentials`), on the
//! orchestrator's fakes: written to the app namespace's Secret before the first start, named
//! to the chart and nothing more, kept across upgrades and a reinstall onto kept data, made anew
//! after the data is deleted, and never shown by the API, the audit log or the stored values.

use std::time::Duration;

use axum::http::{Method, StatusCode};
use sea_orm::EntityTrait;
use serde_json::json;

use super::state_machine::on_fakes;
use crate::helpers::TestApp;

const SOON: Duration = Duration::from_secs(20);

async fn deploy(t: &TestApp, method: Method, path: &str, body: serde_json::Value, app: &str) {
    let res = t.admin(method, path, Some(body)).await;
    assert_eq!(res.status, StatusCode::ACCEPTED, "{}", res.text());
    t.wait_state(app, "installed", SOON).await;
}

async fn uninstall(t: &TestApp, app: &str, delete_data: bool) {
    let res = t
        .admin(
            Method::DELETE,
            &format!("/api/apps/{app}?delete_data={delete_data}"),
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::ACCEPTED, "{}", res.text());
    t.wait_state(app, "not_installed", SOON).await;
}

/// Everything a user or an operator can read about the app, as one string.
async fn everything_readable(t: &TestApp, app: &str) -> String {
    let mut seen = String::new();
    for path in [
        format!("/api/apps/{app}"),
        format!("/api/apps/{app}/status"),
        "/api/apps".to_owned(),
        "/api/audit?limit=200".to_owned(),
        "/api/gateway".to_owned(),
    ] {
        seen.push_str(&t.admin(Method::GET, &path, None).await.text());
    }
    let rows = kubarr_db::entities::app_installations::Entity::find()
        .all(&t.state.db)
        .await
        .unwrap();
    seen.push_str(&format!("{rows:?}"));
    let sealed = kubarr_db::entities::app_credentials::Entity::find()
        .all(&t.state.db)
        .await
        .unwrap();
    seen.push_str(&format!("{sealed:?}"));
    seen.push_str(
        &t.fake()
            .deployed_values(app)
            .unwrap_or_default()
            .to_string(),
    );
    seen
}

#[tokio::test]
async fn an_arr_app_gets_its_api_key_from_the_secret_and_keeps_it_across_reinstalls() {
    let (t, app) = on_fakes("sonarr").await;
    deploy(
        &t,
        Method::POST,
        "/api/apps/install",
        json!({"app_name": app}),
        &app,
    )
    .await;
    let secret = t.fake().credentials_secret(&app).expect("Secret written");
    assert_eq!(secret.keys().collect::<Vec<_>>(), ["api-key"]);
    let key = secret["api-key"].clone();
    assert_eq!(key.len(), 32);
    assert!(key
        .bytes()
        .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
    // The chart is told where the Secret is, and nothing else about it.
    let values = t.fake().deployed_values(&app).unwrap();
    assert_eq!(
        values["kubarr"]["credentials"],
        json!({"secretName": "kubarr-credentials"})
    );
    assert!(!everything_readable(&t, &app).await.contains(&key));

    // An upgrade and a reinstall onto the kept data keep the key the app was set up with.
    deploy(
        &t,
        Method::POST,
        &format!("/api/apps/{app}/upgrade"),
        json!({}),
        &app,
    )
    .await;
    assert_eq!(t.fake().credentials_secret(&app).unwrap()["api-key"], key);
    uninstall(&t, &app, false).await;
    deploy(
        &t,
        Method::POST,
        "/api/apps/install",
        json!({"app_name": app}),
        &app,
    )
    .await;
    assert_eq!(t.fake().credentials_secret(&app).unwrap()["api-key"], key);

    // Deleting the data deletes the credentials: the next install starts fresh.
    uninstall(&t, &app, true).await;
    assert!(t.fake().credentials_secret(&app).is_none());
    deploy(
        &t,
        Method::POST,
        "/api/apps/install",
        json!({"app_name": app}),
        &app,
    )
    .await;
    let fresh = t.fake().credentials_secret(&app).unwrap()["api-key"].clone();
    assert_ne!(fresh, key);
    assert!(!everything_readable(&t, &app).await.contains(&fresh));
}

#[tokio::test]
async fn apps_without_declared_credentials_get_no_secret() {
    let (t, app) = on_fakes("jellyfin").await;
    deploy(
        &t,
        Method::POST,
        "/api/apps/install",
        json!({"app_name": app}),
        &app,
    )
    .await;
    assert!(t.fake().credentials_secret(&app).is_none());
    let values = t.fake().deployed_values(&app).unwrap();
    assert!(values["kubarr"].get("credentials").is_none(), "{values}");
}

#[tokio::test]
async fn qbittorrent_gets_its_password_in_the_form_it_stores() {
    let (t, app) = on_fakes("qbittorrent").await;
    deploy(
        &t,
        Method::POST,
        "/api/apps/install",
        json!({"app_name": app}),
        &app,
    )
    .await;
    let secret = t.fake().credentials_secret(&app).unwrap();
    assert_eq!(
        secret.keys().collect::<Vec<_>>(),
        ["password", "password-pbkdf2", "username"]
    );
    assert!(secret["password-pbkdf2"].starts_with("@ByteArray("));
    // The real qBittorrent accepts the hash: see real_parts' qbittorrent_accepts_kubarrs_hash.
    let readable = everything_readable(&t, &app).await;
    assert!(!readable.contains(&secret["password"]));
    assert!(!readable.contains(&secret["password-pbkdf2"]));
}

/// Cluster tier (called by `every_app` for each app it installed): the API server holds the
/// credentials Secret, and the pods read it by reference, never as literal values.
pub(super) async fn assert_credentials_on_cluster(
    client: &kube::Client,
    chart: &str,
    name: &str,
    pod: &k8s_openapi::api::core::v1::PodSpec,
) {
    use k8s_openapi::api::core::v1::{EnvVar, Secret};
    let secret = kube::Api::<Secret>::namespaced(client.clone(), name)
        .get_opt("kubarr-credentials")
        .await
        .unwrap();
    let reference = |env: &[EnvVar], var: &str| -> Option<String> {
        let e = env.iter().find(|e| e.name == var)?;
        let r = e.value_from.as_ref()?.secret_key_ref.as_ref()?;
        assert_eq!(r.name, "kubarr-credentials", "{chart}: {var}");
        Some(r.key.clone())
    };
    let app_env = pod.containers[0].env.clone().unwrap_or_default();
    let servarr = ["sonarr", "radarr", "lidarr", "readarr", "prowlarr"];
    match chart {
        c if servarr.contains(&c) => {
            let prefix = c.to_ascii_uppercase();
            assert_eq!(
                reference(&app_env, &format!("{prefix}__AUTH__APIKEY")).as_deref(),
                Some("api-key"),
                "{chart}"
            );
            let method = app_env
                .iter()
                .find(|e| e.name == format!("{prefix}__AUTH__METHOD"))
                .and_then(|e| e.value.clone());
            assert_eq!(method.as_deref(), Some("External"), "{chart}");
        }
        "seerr" => {
            assert_eq!(reference(&app_env, "API_KEY").as_deref(), Some("api-key"));
        }
        "transmission" | "qbittorrent" | "deluge" | "sabnzbd" | "bazarr" | "jackett" => {
            // Seeded before the first start; the app's own container gets none of it.
            let seed = pod
                .init_containers
                .iter()
                .flatten()
                .find(|c| c.name == "seed-config")
                .unwrap_or_else(|| panic!("{chart}: seed-config init container"));
            let env = seed.env.clone().unwrap_or_default();
            let (var, key) = match chart {
                "transmission" => ("KUBARR_PASSWORD_SSHA1", "password-ssha1"),
                "qbittorrent" => ("KUBARR_PASSWORD_PBKDF2", "password-pbkdf2"),
                "deluge" => ("KUBARR_WEB_SHA1", "deluge-web-sha1"),
                _ => ("KUBARR_API_KEY", "api-key"),
            };
            assert_eq!(reference(&env, var).as_deref(), Some(key), "{chart}");
            assert!(
                app_env.iter().all(|e| e.value_from.is_none()),
                "{chart}: the app container reads the Secret"
            );
        }
        _ => {
            assert!(secret.is_none(), "{chart}: no credentials asked for");
            return;
        }
    }
    let secret = secret.unwrap_or_else(|| panic!("{chart}: credentials Secret"));
    let data = secret.data.unwrap_or_default();
    assert!(!data.is_empty(), "{chart}");
    // The account name (`kubarr`) is no secret; everything else is.
    let values: Vec<String> = data
        .iter()
        .filter(|(key, _)| key.as_str() != "username")
        .map(|(_, v)| String::from_utf8(v.0.clone()).unwrap())
        .collect();
    assert!(!values.is_empty(), "{chart}");
    let rendered = serde_json::to_string(pod).unwrap();
    for v in &values {
        assert!(
            !rendered.contains(v.as_str()),
            "{chart}: a secret value in the pod spec"
        );
    }
}
