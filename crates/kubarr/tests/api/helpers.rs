//! `TestApp`: the real router, state and database, driven with `oneshot`.

use std::net::SocketAddr;
use std::path::PathBuf;

use axum::body::Body;
use axum::extract::connect_info::MockConnectInfo;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use kubarr::config::Config;
use kubarr::secret_key::SecretKey;
use kubarr::state::AppState;
use kubarr_db::testing::TestDatabase;
use serde_json::Value;
use tower::ServiceExt;

pub struct TestApp {
    pub router: Router,
    pub state: AppState,
    pub database: Option<TestDatabase>,
    /// Kept alive for the test's duration.
    pub _data_dir: tempfile::TempDir,
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

impl TestApp {
    pub async fn new() -> Self {
        Self::with_config(|_| {}).await
    }

    /// Builds the app after letting the test adjust the configuration.
    pub async fn with_config(adjust: impl FnOnce(&mut Config)) -> Self {
        let database = TestDatabase::new().await;
        let data_dir = tempfile::tempdir().unwrap();
        let mut config = Config::for_tests(&database.url, data_dir.path().to_path_buf());
        config.web_dir = data_dir.path().join("web");
        adjust(&mut config);
        let secret_key = SecretKey::from_material(config.secret_key.as_ref().unwrap().expose());
        let state = AppState::new(config, database.db.clone(), secret_key);
        let router = kubarr::router::build(state.clone())
            .layer(MockConnectInfo(SocketAddr::from(([127, 0, 0, 1], 40000))));
        Self {
            router,
            state,
            database: Some(database),
            _data_dir: data_dir,
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

    /// Drops a PostgreSQL test database.
    pub async fn cleanup(mut self) {
        if let Some(db) = self.database.take() {
            db.cleanup().await.unwrap();
        }
    }
}
