//! A test stack: Kubarr on the fakes with the real catalog charts, and each installed app
//! started on loopback with the credentials Kubarr generated for it (read from the app
//! namespace's Secret, as the pod would).

use std::collections::BTreeMap;
use std::time::Duration;

use axum::http::{Method, StatusCode};
use kubarr::wiring::reconcile::{pass, PassReport};
use kubarr_doubles::{start_bazarr, BazarrConfig, BazarrHandle};
use kubarr_doubles::{start_flaresolverr, FlareSolverrHandle};
use kubarr_doubles::{start_jellyfin, JellyfinConfig, JellyfinHandle};
use kubarr_doubles::{start_lidarr, start_prowlarr, start_radarr, start_sonarr};
use kubarr_doubles::{start_seerr, SeerrConfig, SeerrHandle};
use kubarr_doubles::{ServarrConfig, ServarrHandle};
use kubarr_testbed::parts::deluge::Deluge;
use kubarr_testbed::parts::qbittorrent::{Qbittorrent, QbittorrentConfig};
use kubarr_testbed::parts::transmission::Transmission;
use serde_json::Value;

use crate::helpers::TestApp;

pub const SOON: Duration = Duration::from_secs(20);

/// The apps a stack test may use (each chart under its own name).
const CHARTS: &[&str] = &[
    "sonarr",
    "radarr",
    "lidarr",
    "prowlarr",
    "qbittorrent",
    "transmission",
    "deluge",
    "bazarr",
    "seerr",
    "jellyfin",
    "flaresolverr",
];

pub struct Stack {
    pub t: TestApp,
    /// What each app sees as `/` (root folders, save paths).
    pub fs_root: tempfile::TempDir,
    pub arrs: BTreeMap<String, ServarrHandle>,
    pub qbittorrent: Option<Qbittorrent>,
    pub transmission: Option<Transmission>,
    pub deluge: Option<Deluge>,
    pub bazarr: Option<BazarrHandle>,
    pub seerr: Option<SeerrHandle>,
    pub jellyfin: Option<JellyfinHandle>,
    pub flaresolverr: Option<FlareSolverrHandle>,
}

impl Stack {
    pub async fn new() -> Self {
        let charts: Vec<(&str, &str)> = CHARTS.iter().map(|c| (*c, *c)).collect();
        let t = TestApp::builder()
            .charts(&charts)
            .fake_cluster()
            .config(|c| c.gateway.loopback_only = true)
            .admin()
            .build()
            .await;
        let fs_root = tempfile::tempdir().unwrap();
        for dir in ["tv", "movies", "music"] {
            for parent in ["data/media", "data/torrents"] {
                std::fs::create_dir_all(fs_root.path().join(parent).join(dir)).unwrap();
            }
        }
        Self {
            t,
            fs_root,
            arrs: BTreeMap::new(),
            qbittorrent: None,
            transmission: None,
            deluge: None,
            bazarr: None,
            seerr: None,
            jellyfin: None,
            flaresolverr: None,
        }
    }

    /// The credentials Secret Kubarr wrote into the app's namespace.
    pub fn secret(&self, app: &str) -> BTreeMap<String, String> {
        self.t
            .fake()
            .credentials_secret(app)
            .unwrap_or_else(|| panic!("{app} has no credentials Secret"))
    }

    /// Installs `app` through the API and starts it on loopback with its Secret's credentials.
    pub async fn install(&mut self, app: &str) {
        self.install_stopped(app).await;
        self.start(app).await;
    }

    /// Installs `app` through the API without starting its process: its pod is not up yet
    /// (the endpoint is a closed loopback port, so nothing resolves cluster names).
    pub async fn install_stopped(&mut self, app: &str) {
        self.t.state.wiring.set_endpoint(app, "http://127.0.0.1:1");
        let res = self
            .t
            .admin(
                Method::POST,
                "/api/apps/install",
                Some(serde_json::json!({"app_name": app})),
            )
            .await;
        assert_eq!(res.status, StatusCode::ACCEPTED, "{}", res.text());
        self.t.wait_state(app, "installed", SOON).await;
    }

    /// Starts the app's process (a double or the real client) as its pod would run.
    pub async fn start(&mut self, app: &str) {
        if app == "jellyfin" {
            // A fresh server, its setup wizard open: Kubarr seeds nothing into it.
            let jellyfin = start_jellyfin(JellyfinConfig {
                port: 0,
                fs_root: Some(self.fs_root.path().to_path_buf()),
            })
            .await
            .unwrap();
            self.t.state.wiring.set_endpoint(app, &jellyfin.url());
            self.jellyfin = Some(jellyfin);
            return;
        }
        if app == "flaresolverr" {
            // No credentials: FlareSolverr has no sign-in.
            let flare = start_flaresolverr(0).await.unwrap();
            self.t.state.wiring.set_endpoint(app, &flare.url());
            self.flaresolverr = Some(flare);
            return;
        }
        let secret = self.secret(app);
        let url = match app {
            "sonarr" | "radarr" | "lidarr" | "prowlarr" => {
                let mut config = ServarrConfig::new(&secret["api-key"]);
                config.fs_root = Some(self.fs_root.path().to_path_buf());
                let handle = match app {
                    "sonarr" => start_sonarr(config).await,
                    "radarr" => start_radarr(config).await,
                    "lidarr" => start_lidarr(config).await,
                    _ => start_prowlarr(config).await,
                }
                .unwrap();
                let url = handle.url();
                self.arrs.insert(app.to_owned(), handle);
                url
            }
            "qbittorrent" => {
                // The PBKDF2 hash from the Secret: the bytes the chart's seed step writes.
                let qbt = Qbittorrent::start_with(QbittorrentConfig {
                    username: secret["username"].clone(),
                    password: Some(secret["password"].clone()),
                    password_pbkdf2: Some(secret["password-pbkdf2"].clone()),
                    max_auth_fail_count: 3,
                    ..QbittorrentConfig::default()
                })
                .await
                .unwrap();
                let url = qbt.url();
                self.qbittorrent = Some(qbt);
                url
            }
            "transmission" => {
                let tr = Transmission::start_with(&secret["username"], &secret["password"])
                    .await
                    .unwrap();
                let url = tr.url();
                self.transmission = Some(tr);
                url
            }
            "deluge" => {
                let deluge = Deluge::start_with(&secret["password"]).await.unwrap();
                let url = deluge.url();
                self.deluge = Some(deluge);
                url
            }
            "bazarr" => {
                let bazarr = start_bazarr(BazarrConfig::new(&secret["api-key"]))
                    .await
                    .unwrap();
                let url = bazarr.url();
                self.bazarr = Some(bazarr);
                url
            }
            "seerr" => {
                let seerr = start_seerr(SeerrConfig::new(&secret["api-key"]))
                    .await
                    .unwrap();
                let url = seerr.url();
                self.seerr = Some(seerr);
                url
            }
            other => panic!("no part for {other}"),
        };
        self.t.state.wiring.set_endpoint(app, &url);
    }

    pub async fn uninstall(&mut self, app: &str) {
        let res = self
            .t
            .admin(Method::DELETE, &format!("/api/apps/{app}"), None)
            .await;
        assert_eq!(res.status, StatusCode::ACCEPTED, "{}", res.text());
        self.t.wait_state(app, "not_installed", SOON).await;
    }

    pub fn arr(&self, app: &str) -> &ServarrHandle {
        &self.arrs[app]
    }

    pub async fn pass(&self) -> PassReport {
        pass(&self.t.state).await.unwrap()
    }

    /// `GET /api/stack/wiring` as the admin.
    pub async fn graph(&self) -> Value {
        let res = self.t.admin(Method::GET, "/api/stack/wiring", None).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.text());
        res.json()
    }

    /// Each link's state by id.
    pub async fn states(&self) -> BTreeMap<String, String> {
        self.graph().await["links"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| {
                (
                    l["id"].as_str().unwrap().to_owned(),
                    l["state"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    }

    pub async fn link(&self, id: &str) -> Value {
        self.graph().await["links"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["id"] == id)
            .cloned()
            .unwrap_or_else(|| panic!("no link {id}"))
    }

    /// Calls an arr double's API with its key.
    pub async fn arr_call(
        &self,
        app: &str,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        let h = self.arr(app);
        double_call(&h.url(), ("X-Api-Key", h.api_key()), method, path, body).await
    }

    /// The object named `name` in an arr's `collection` (`downloadclient`, `applications`).
    pub async fn arr_object(
        &self,
        app: &str,
        api: &str,
        collection: &str,
        name: &str,
    ) -> Option<Value> {
        let (status, list) = self
            .arr_call(
                app,
                reqwest::Method::GET,
                &format!("{api}/{collection}"),
                None,
            )
            .await;
        assert_eq!(status, 200, "{list}");
        list.as_array()
            .unwrap()
            .iter()
            .find(|o| o["name"] == name)
            .cloned()
    }
}

/// A field's value in a provider object.
/// A JSON call to a double at `url` with its key header; the status and the body (JSON, or the
/// text as a string).
pub async fn double_call(
    url: &str,
    (header, key): (&str, &str),
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut rb = reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .request(method, format!("{url}{path}"))
        .header(header, key);
    if let Some(b) = body {
        rb = rb.json(&b);
    }
    let r = rb.send().await.unwrap();
    let status = r.status().as_u16();
    let text = r.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

pub fn field<'a>(object: &'a Value, name: &str) -> &'a Value {
    object["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == name)
        .map(|f| &f["value"])
        .unwrap_or(&Value::Null)
}
