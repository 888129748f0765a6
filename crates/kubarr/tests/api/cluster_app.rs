//! A `TestApp` connected to the local test cluster, with a private catalog of renamed chart
//! copies so that parallel tests never share an app name (= release = namespace).

use std::net::SocketAddr;
use std::time::Duration;

use axum::body::Body;
use axum::extract::connect_info::MockConnectInfo;
use axum::http::{header, Method, Request, StatusCode};
use kubarr::apps::{Apps, Timeouts};
use kubarr::config::Config;
use kubarr::secret_key::SecretKey;
use kubarr::state::AppState;
use kubarr_db::testing::TestDatabase;
use kubarr_orchestrator::cluster::Cluster;
use kubarr_orchestrator::helm::Helm;
use kubarr_testbed::TestCluster;
use serde_json::{json, Value};

use crate::helpers::{TestApp, TestResponse};

pub struct ClusterApp {
    pub app: TestApp,
    pub cluster: Cluster,
    pub admin_token: String,
    /// Kept alive for the test's duration.
    _catalog: tempfile::TempDir,
}

impl ClusterApp {
    /// The app with the given charts, connected to the test cluster, with an admin signed in.
    pub async fn new(charts: &[(&str, &str)]) -> Self {
        let catalog = kubarr_testbed::renamed_catalog(charts).unwrap();
        Self::with_catalog(catalog).await
    }

    pub async fn with_catalog(catalog: tempfile::TempDir) -> Self {
        let tc = TestCluster::get();
        let database = TestDatabase::new().await;
        let data_dir = tempfile::tempdir().unwrap();
        let mut config = Config::for_tests(&database.url, data_dir.path().to_path_buf());
        config.charts_dir = catalog.path().to_path_buf();
        config.web_dir = data_dir.path().join("web");
        let cluster = Cluster::connect(Some(tc.kubeconfig_path()), false)
            .await
            .unwrap();
        let helm = Helm::new(
            tc.helm_path(),
            Some(tc.kubeconfig_path().to_path_buf()),
            data_dir.path().join("helm"),
        );
        let timeouts = Timeouts {
            deploy: Duration::from_secs(150),
            uninstall: Duration::from_secs(120),
        };
        let apps = Apps::new(
            database.db.clone(),
            config.charts_dir.clone(),
            helm,
            Some(cluster.clone()),
            timeouts,
        );
        assert!(
            apps.caches()
                .unwrap()
                .wait_synced(Duration::from_secs(30))
                .await,
            "watch caches sync"
        );
        let secret_key = SecretKey::from_material(config.secret_key.as_ref().unwrap().expose());
        let state = AppState::from_parts(config, database.db.clone(), secret_key, apps.clone());
        let router = kubarr::router::build(state.clone())
            .layer(MockConnectInfo(SocketAddr::from(([127, 0, 0, 1], 40000))));
        let app = TestApp {
            router,
            state,
            database: Some(database),
            _data_dir: data_dir,
        };
        let res = app
            .request(
                Method::POST,
                "/api/setup",
                Some("application/json"),
                json!({"username": "admin", "email": "admin@example.test", "password": "admin plover marzipan 60"}).to_string(),
            )
            .await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
        let admin_token = res.json()["token"].as_str().unwrap().to_owned();
        Self {
            app,
            cluster,
            admin_token,
            _catalog: catalog,
        }
    }

    pub async fn call(&self, method: Method, path: &str, body: Option<Value>) -> TestResponse {
        self.call_as(&self.admin_token, method, path, body).await
    }

    pub async fn call_as(
        &self,
        token: &str,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> TestResponse {
        let mut req = Request::builder()
            .method(method)
            .uri(path)
            .header(header::AUTHORIZATION, format!("Bearer {token}"));
        let body = match body {
            Some(b) => {
                req = req.header(header::CONTENT_TYPE, "application/json");
                Body::from(b.to_string())
            }
            None => Body::empty(),
        };
        self.app.send(req.body(body).unwrap()).await
    }

    /// Polls the app's status until `state` (and, for `installed`, message "Running").
    pub async fn wait_state(&self, app: &str, state: &str, timeout: Duration) -> Value {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let res = self
                .call(Method::GET, &format!("/api/apps/{app}/status"), None)
                .await;
            assert_eq!(res.status, StatusCode::OK, "{}", res.text());
            let body = res.json();
            if body["state"] == state {
                return body;
            }
            assert!(
                body["state"] != "error" || state == "error",
                "{app} failed: {body}"
            );
            assert!(
                tokio::time::Instant::now() < deadline,
                "{app} never reached {state}; last: {body}"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    pub async fn cleanup(self) {
        self.app.cleanup().await;
    }
}
