//! Typed configuration, loaded once at start-up.
//!
//! Layers, lowest first: built-in defaults → optional TOML file (`--config` / `KUBARR_CONFIG`) →
//! `KUBARR_*` environment variables (nesting with `__`, e.g. `KUBARR_LOG__FORMAT`) → `KUBARR_*_FILE`
//! variables, whose named file holds the value (for secrets mounted from Kubernetes Secrets).
//! The flat names fixed by the API contract (`KUBARR_DATABASE_URL`, `KUBECONFIG`, …) work too.
//! Every key is checked; loading fails with the full list of invalid keys and reasons.

mod loader;
mod net;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use serde::Serialize;

pub use kubarr_orchestrator::cluster::AppManager;
pub use loader::{ConfigError, Sources};
pub use net::IpNetwork;

/// A secret string: never printed by `Debug` or `Serialize`.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }
    /// The clear value; call only where the secret is used.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("\"********\"")
    }
}

impl Serialize for Secret {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str("********")
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LogFormat {
    Text,
    Json,
}

/// How Kubarr finds its Kubernetes cluster.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KubeMode {
    /// In-cluster service account when running in a pod, else `kubeconfig`/`KUBECONFIG` if set,
    /// else no cluster.
    Auto,
    /// The kubeconfig file named by `kubernetes.kubeconfig` (or `KUBECONFIG`).
    Kubeconfig,
    /// The pod's service account.
    InCluster,
    /// No cluster: app endpoints answer 503.
    Disabled,
}

#[derive(Clone, Debug, Serialize)]
pub struct DatabaseConfig {
    /// `sqlite://PATH` or `postgres://…`.
    pub url: Secret,
    /// PostgreSQL pool size.
    pub max_connections: u32,
    pub acquire_timeout_secs: u64,
    /// How long start-up keeps retrying an unreachable PostgreSQL.
    pub startup_timeout_secs: u64,
}

#[derive(Clone, Debug, Serialize)]
pub struct SessionConfig {
    /// A session unused for this long expires.
    pub idle_timeout_minutes: u64,
    /// A session expires this long after login, however active.
    pub absolute_lifetime_hours: u64,
}

impl SessionConfig {
    pub fn idle_timeout(&self) -> Duration {
        Duration::from_secs(self.idle_timeout_minutes * 60)
    }
    pub fn absolute_lifetime(&self) -> Duration {
        Duration::from_secs(self.absolute_lifetime_hours * 3600)
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct KubernetesConfig {
    pub mode: KubeMode,
    pub kubeconfig: Option<PathBuf>,
    /// In least-privilege deployments, the ClusterRole Kubarr binds to its own service account
    /// in every app namespace it creates (its only write rights).
    pub app_manager: Option<AppManager>,
}

/// The first administrator, created at start-up while no user exists (a Helm install sets it
/// from a generated Secret so nobody has to race to the setup page).
#[derive(Clone, Debug, Serialize)]
pub struct InitialAdmin {
    pub username: String,
    pub email: String,
    pub password: Secret,
}

#[derive(Clone, Debug, Serialize)]
pub struct LogConfig {
    /// A `tracing` filter such as `info` or `kubarr=debug,tower_http=info`.
    pub level: String,
    pub format: LogFormat,
}

#[derive(Clone, Debug, Serialize)]
pub struct HttpConfig {
    pub body_limit_bytes: usize,
    pub request_timeout_secs: u64,
    /// A client must send a request's headers within this many seconds.
    pub header_read_timeout_secs: u64,
    /// Connections served at once; more are closed at once.
    pub max_connections: usize,
}

#[derive(Clone, Debug, Serialize)]
pub struct AuthConfig {
    pub bcrypt_cost: u32,
}

/// Where the administrator may put media (set by the deployer, e.g. through Kubarr's chart).
#[derive(Clone, Debug, Serialize)]
pub struct MediaConfig {
    /// Host-path media must lie inside one of these (canonical; never `/` or a system path).
    pub allowed_roots: crate::apps::media::MediaRoots,
}

/// The allowed media root when none is configured.
pub const DEFAULT_MEDIA_ROOT: &str = "/srv/kubarr";

/// The app gateway: a second listener that serves each installed app on an origin of its own,
/// behind Kubarr's sign-in. Off while `listen` is unset.
#[derive(Clone, Debug, Default, Serialize)]
pub struct GatewayConfig {
    /// Where the gateway listens (port mode: the IP; the port here is ignored).
    pub listen: Option<SocketAddr>,
    /// Host mode: app `sonarr` is `sonarr.<apps_domain>` (wildcard DNS to the gateway).
    pub apps_domain: Option<String>,
    /// Port mode (no apps domain): one port per app from this range, all bound at start.
    pub port_range: Option<std::ops::RangeInclusive<u16>>,
    /// Fixed upstream `host:port` per app, replacing the app Service's cluster DNS name
    /// (development and tests).
    pub upstreams: std::collections::BTreeMap<String, String>,
    /// The scheme browsers use to reach the gateway; unset: `https` when the public URL is
    /// HTTPS, else `http`.
    pub public_scheme: Option<String>,
    /// The port browsers use; unset: the port the gateway listens on (none shown for 80/443).
    pub public_port: Option<u16>,
    /// Dial only loopback upstreams (tests: nothing outside 127.0.0.0/8 or ::1 may be dialled).
    pub loopback_only: bool,
    /// Ingress mode (opt-in): each app's chart also renders an Ingress whose controller asks
    /// Kubarr's forward-auth endpoint about every request. Needs host mode.
    pub ingress: Option<IngressConfig>,
}

/// The Ingress controller that serves app hosts in Ingress mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IngressController {
    /// Traefik (k3s's default): a `ForwardAuth` Middleware per app.
    Traefik,
    /// ingress-nginx: `auth-url` / `auth-signin` annotations.
    Nginx,
}

impl IngressController {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Traefik => "traefik",
            Self::Nginx => "nginx",
        }
    }
}

/// `gateway.ingress.*`: what Kubarr hands each app's chart in Ingress mode.
#[derive(Clone, Debug, Serialize)]
pub struct IngressConfig {
    pub controller: IngressController,
    /// The IngressClass of the apps' Ingresses (unset: the cluster's default class).
    pub class_name: Option<String>,
    /// A TLS Secret each app's Ingress names (it must exist in every app namespace); unset: the
    /// controller's default certificate.
    pub tls_secret: Option<String>,
    /// The in-cluster URL of `GET /api/auth/forward` the controller asks.
    pub auth_url: String,
    /// ingress-nginx: Kubarr's gateway Service (`name.namespace.svc.cluster.local`) and port,
    /// where each app host's `/_kubarr/` paths go (ticket redemption, sign-out).
    pub gateway_service: Option<(String, u16)>,
    /// The namespace of the controller's pods, let through each app's NetworkPolicy to its web
    /// port (unset: allow it per app with `networkPolicy.allowIngressFromNamespaces`).
    pub controller_namespace: Option<String>,
}

impl GatewayConfig {
    pub fn enabled(&self) -> bool {
        self.listen.is_some()
    }
}

/// The effective configuration.
#[derive(Clone, Debug, Serialize)]
pub struct Config {
    /// Port 0 lets the system choose a free port; see `listen_address_path`.
    pub listen: SocketAddr,
    /// When set, the address actually listened on is written here once the socket is bound
    /// (how a supervisor or a test learns the port chosen for `listen` port 0).
    pub listen_address_path: Option<PathBuf>,
    pub data_dir: PathBuf,
    pub database: DatabaseConfig,
    /// Key for encrypting stored secrets. When absent, it is read from (or generated into)
    /// `<data_dir>/secret.key`.
    pub secret_key: Option<Secret>,
    pub session: SessionConfig,
    pub charts_dir: PathBuf,
    pub web_dir: PathBuf,
    pub helm_bin: String,
    pub kubernetes: KubernetesConfig,
    pub log: LogConfig,
    pub http: HttpConfig,
    pub auth: AuthConfig,
    pub media: MediaConfig,
    /// Peers whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<IpNetwork>,
    pub initial_admin: Option<InitialAdmin>,
    pub gateway: GatewayConfig,
}

impl Config {
    /// Loads the configuration from the process environment and an optional TOML file.
    pub fn load(file: Option<PathBuf>) -> Result<Self, ConfigError> {
        Sources::from_process(file).load()
    }

    /// A configuration for tests and tools: every default, with the given database URL and data
    /// directory.
    pub fn for_tests(database_url: &str, data_dir: PathBuf) -> Self {
        let mut config = Sources::empty().load().expect("defaults are valid");
        config.database.url = Secret::new(database_url);
        config.data_dir = data_dir;
        config.secret_key = Some(Secret::new("test-secret-key-0123456789abcdef-0123456789"));
        config.auth.bcrypt_cost = 4;
        config.kubernetes.mode = KubeMode::Disabled;
        config
    }
}

#[cfg(test)]
mod tests;
