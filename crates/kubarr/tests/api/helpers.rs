//! `TestApp`: the real router, state and database, driven with `oneshot`, built by one builder.
//!
//! ```ignore
//! let t = TestApp::new().await;                                   // no cluster, default catalog
//! let t = TestApp::builder().charts(&[("sonarr", &name)]).fake_cluster().admin().build().await;
//! let t = TestApp::builder().charts(&[("sonarr", &name)]).real_cluster().admin().build().await;
//! ```
//!
//! Each app has a fresh database (SQLite, or a new PostgreSQL database when
//! `KUBARR_TEST_DATABASE_URL` is set), dropped with the `TestApp`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use axum::body::Body;
use axum::extract::connect_info::MockConnectInfo;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use kubarr::apps::{Apps, Timeouts};
use kubarr::config::Config;
use kubarr::secret_key::SecretKey;
use kubarr::state::AppState;
use kubarr_db::testing::TestDatabase;
use kubarr_orchestrator::backend::Backend;
use kubarr_orchestrator::cluster::Cluster;
use kubarr_orchestrator::fake::FakeKube;
use kubarr_orchestrator::helm::Helm;
use kubarr_testbed::TestCluster;
use serde_json::{json, Value};
use tower::ServiceExt;

/// The administrator [`TestAppBuilder::admin`] signs in.
pub const ADMIN: (&str, &str) = ("admin", "admin plover marzipan 60");

pub struct TestApp {
    pub router: Router,
    pub state: AppState,
    /// `None` for a second replica on another app's database.
    pub database: Option<TestDatabase>,
    /// The admin's token, when the builder signed one in.
    pub admin_token: Option<String>,
    kube: Kube,
    /// Kept alive for the test's duration.
    _data_dir: tempfile::TempDir,
    _catalog: Option<tempfile::TempDir>,
}

/// Which cluster the app drives.
enum Kube {
    None,
    Fake(FakeKube),
    Real(Cluster),
}

/// Builds a [`TestApp`]; see the module docs.
#[must_use]
pub struct TestAppBuilder {
    adjust: Vec<ConfigChange>,
    charts: Option<Vec<(String, String)>>,
    kube: KubeChoice,
    admin: bool,
}

/// A change to the configuration, applied before the app starts.
type ConfigChange = Box<dyn FnOnce(&mut Config)>;

enum KubeChoice {
    None,
    Fake(FakeKube),
    Real,
}

pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl TestResponse {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("body is not JSON ({e}): {}", self.text()))
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Asserts the contract's error shape and returns the code.
    pub fn error_code(&self) -> String {
        let body = self.json();
        let code = body["error"]["code"]
            .as_str()
            .unwrap_or_else(|| panic!("no error code in {body}"));
        assert!(
            body["error"]["message"].is_string(),
            "no error message in {body}"
        );
        code.to_owned()
    }
}

impl TestAppBuilder {
    /// Adjusts the configuration before the app starts.
    pub fn config(mut self, adjust: impl FnOnce(&mut Config) + 'static) -> Self {
        self.adjust.push(Box::new(adjust));
        self
    }

    /// A private catalog of renamed copies of shipped charts (`(chart, new name)`), so that
    /// parallel tests never share an app name (= release = namespace).
    pub fn charts(mut self, charts: &[(&str, &str)]) -> Self {
        self.charts = Some(
            charts
                .iter()
                .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
                .collect(),
        );
        self
    }

    /// In-process fake helm, API server and watch caches ([`TestApp::fake`] controls them).
    pub fn fake_cluster(self) -> Self {
        self.with_fake(FakeKube::new())
    }

    /// The given fake (to share one fake world between two apps).
    pub fn with_fake(mut self, fake: FakeKube) -> Self {
        self.kube = KubeChoice::Fake(fake);
        self
    }

    /// The local test cluster and the real helm (cluster tier only).
    pub fn real_cluster(mut self) -> Self {
        self.kube = KubeChoice::Real;
        self
    }

    /// Runs first-run setup and keeps the administrator's token ([`ADMIN`]).
    pub fn admin(mut self) -> Self {
        self.admin = true;
        self
    }

    pub async fn build(self) -> TestApp {
        let database = TestDatabase::new().await;
        let data_dir = tempfile::tempdir().unwrap();
        let mut config = Config::for_tests(&database.url, data_dir.path().to_path_buf());
        config.web_dir = data_dir.path().join("web");
        let catalog = self.charts.map(|charts| {
            let pairs: Vec<(&str, &str)> = charts
                .iter()
                .map(|(a, b)| (a.as_str(), b.as_str()))
                .collect();
            kubarr_testbed::renamed_catalog(&pairs).unwrap()
        });
        if let Some(dir) = &catalog {
            config.charts_dir = dir.path().to_path_buf();
        }
        for adjust in self.adjust {
            adjust(&mut config);
        }
        let (backend, kube) = match self.kube {
            KubeChoice::None => (None, Kube::None),
            KubeChoice::Fake(fake) => (Some(fake.backend()), Kube::Fake(fake)),
            KubeChoice::Real => {
                let tc = TestCluster::get();
                let cluster = Cluster::connect(Some(tc.kubeconfig_path()), false)
                    .await
                    .unwrap();
                let helm = Helm::new(
                    tc.helm_path(),
                    Some(tc.kubeconfig_path().to_path_buf()),
                    data_dir.path().join("helm"),
                );
                (
                    Some(Backend::real(helm, cluster.clone())),
                    Kube::Real(cluster),
                )
            }
        };
        let timeouts = Timeouts {
            deploy: Duration::from_secs(150),
            uninstall: Duration::from_secs(120),
        };
        let apps = Apps::new(
            database.db.clone(),
            config.charts_dir.clone(),
            backend,
            timeouts,
        );
        if let Some(caches) = apps.caches() {
            assert!(
                caches.wait_synced(Duration::from_secs(30)).await,
                "watch caches sync"
            );
        }
        let secret_key = SecretKey::from_material(config.secret_key.as_ref().unwrap().expose());
        let state = AppState::from_parts(config, database.db.clone(), secret_key, apps);
        let router = kubarr::router::build(state.clone())
            .layer(MockConnectInfo(SocketAddr::from(([127, 0, 0, 1], 40000))));
        let mut app = TestApp {
            router,
            state,
            database: Some(database),
            admin_token: None,
            kube,
            _data_dir: data_dir,
            _catalog: catalog,
        };
        if self.admin {
            let (username, password) = ADMIN;
            let body =
                json!({"username": username, "email": "admin@example.test", "password": password});
            let res = app
                .request(
                    Method::POST,
                    "/api/setup",
                    Some("application/json"),
                    body.to_string(),
                )
                .await;
            assert_eq!(res.status, StatusCode::CREATED, "{}", res.text());
            app.admin_token = Some(res.json()["token"].as_str().unwrap().to_owned());
        }
        app
    }
}

impl TestApp {
    pub fn builder() -> TestAppBuilder {
        TestAppBuilder {
            adjust: Vec::new(),
            charts: None,
            kube: KubeChoice::None,
            admin: false,
        }
    }

    /// No cluster, the default catalog.
    pub async fn new() -> Self {
        Self::builder().build().await
    }

    /// Builds the app after letting the test adjust the configuration.
    pub async fn with_config(adjust: impl FnOnce(&mut Config) + 'static) -> Self {
        Self::builder().config(adjust).build().await
    }

    /// Another replica of this app: same configuration and database (its own connection
    /// pool), nothing else shared, peer address 127.0.0.1:40001.
    pub async fn second_replica(&self) -> TestApp {
        let url = self
            .database
            .as_ref()
            .expect("the first replica owns the database")
            .url
            .clone();
        let data_dir = tempfile::tempdir().unwrap();
        let mut config = Config::for_tests(&url, data_dir.path().to_path_buf());
        config.web_dir = data_dir.path().join("web");
        config.trusted_proxies = self.state.config.trusted_proxies.clone();
        let secret_key = SecretKey::from_material(config.secret_key.as_ref().unwrap().expose());
        let db = kubarr_db::connect(&kubarr_db::DbOptions::new(&url))
            .await
            .unwrap();
        let state = AppState::new(config, db, secret_key);
        let router = kubarr::router::build(state.clone())
            .layer(MockConnectInfo(SocketAddr::from(([127, 0, 0, 1], 40001))));
        TestApp {
            router,
            state,
            database: None,
            admin_token: None,
            kube: Kube::None,
            _data_dir: data_dir,
            _catalog: None,
        }
    }

    /// The fake cluster ([`TestAppBuilder::fake_cluster`]).
    pub fn fake(&self) -> &FakeKube {
        match &self.kube {
            Kube::Fake(f) => f,
            _ => panic!("this TestApp has no fake cluster"),
        }
    }

    /// The real cluster ([`TestAppBuilder::real_cluster`]).
    pub fn cluster(&self) -> &Cluster {
        match &self.kube {
            Kube::Real(c) => c,
            _ => panic!("this TestApp is not connected to the test cluster"),
        }
    }

    pub fn web_dir(&self) -> PathBuf {
        self.state.config.web_dir.clone()
    }

    pub async fn send(&self, req: Request<Body>) -> TestResponse {
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let body = res.into_body().collect().await.unwrap().to_bytes().to_vec();
        TestResponse {
            status,
            headers,
            body,
        }
    }

    pub async fn get(&self, path: &str) -> TestResponse {
        self.send(Request::get(path).body(Body::empty()).unwrap())
            .await
    }

    pub async fn request(
        &self,
        method: Method,
        path: &str,
        content_type: Option<&str>,
        body: impl Into<Body>,
    ) -> TestResponse {
        let mut req = Request::builder().method(method).uri(path);
        if let Some(ct) = content_type {
            req = req.header(header::CONTENT_TYPE, ct);
        }
        self.send(req.body(body.into()).unwrap()).await
    }

    /// A request as the administrator the builder signed in, with an optional JSON body.
    pub async fn admin(&self, method: Method, path: &str, body: Option<Value>) -> TestResponse {
        let token = self
            .admin_token
            .clone()
            .expect("build the TestApp with .admin()");
        self.call_as(&token, method, path, body).await
    }

    /// A request with `token` as Bearer and an optional JSON body.
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
        self.send(req.body(body).unwrap()).await
    }

    /// Polls the app's status (as the admin) until it is `state` — and, for a state an
    /// operation ends in, no operation is running any more (a restart shows `installed`
    /// throughout). Fails early on `error`.
    pub async fn wait_state(&self, app: &str, state: &str, timeout: Duration) -> Value {
        let settled = matches!(state, "installed" | "degraded" | "error" | "not_installed");
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let res = self
                .admin(Method::GET, &format!("/api/apps/{app}/status"), None)
                .await;
            assert_eq!(res.status, StatusCode::OK, "{}", res.text());
            let body = res.json();
            if body["state"] == state && (!settled || body["operation"].is_null()) {
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
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Drops the database now (it is dropped with the app anyway).
    pub async fn cleanup(mut self) {
        if let Some(db) = self.database.take() {
            db.cleanup().await.unwrap();
        }
    }
}
