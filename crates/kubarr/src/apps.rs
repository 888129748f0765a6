//! The app lifecycle service: catalog, operations as background jobs, live status from the watch
//! caches, and status change events. No HTTP types here; handlers call into it.

pub mod credentials;
mod error;
mod jobs;
pub mod media;
mod operations;
mod reconcile;
mod resources;
mod state;
mod status;
mod values;

use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use kubarr_orchestrator::backend::{Backend, WorkloadCache};
use kubarr_orchestrator::catalog::Catalog;
use kubarr_orchestrator::cluster::Cluster;
use kubarr_orchestrator::helm::Helm;
use sea_orm::DatabaseConnection;
use tokio::sync::broadcast;

pub use error::AppsError;
pub use kubarr_orchestrator::backend::LogStream;
pub use operations::Operation;
pub use resources::is_dns_label;
pub use state::{AppOperation, AppStatus, LiveState};
pub use status::AppStatusEvent;

use crate::config::{Config, KubeMode};
use crate::coordination::Coordination;

/// How long helm may take.
#[derive(Clone, Debug)]
pub struct Timeouts {
    pub deploy: Duration,
    pub uninstall: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            deploy: Duration::from_secs(900),
            uninstall: Duration::from_secs(300),
        }
    }
}

/// The app lifecycle service, shared by every handler.
pub struct Apps {
    db: DatabaseConnection,
    charts_dir: PathBuf,
    catalog: RwLock<Arc<Catalog>>,
    /// helm, the API server and the watch caches (`None`: no cluster configured).
    kube: Option<Backend>,
    timeouts: Timeouts,
    events: broadcast::Sender<AppStatusEvent>,
    /// This replica's identity (owner of the operations it runs) and leadership.
    coordination: Arc<Coordination>,
    /// The namespace Kubarr runs in, when known (installed by its chart).
    own_namespace: std::sync::OnceLock<String>,
    /// Where host-path media may live (`media.allowed_roots`).
    media_roots: std::sync::OnceLock<media::MediaRoots>,
    /// The gateway's configuration (Ingress mode adds `kubarr.ingress` values to deployments).
    gateway: std::sync::OnceLock<crate::config::GatewayConfig>,
    /// Names of apps whose operation state changed (feeds the status events).
    op_changes: broadcast::Sender<String>,
    /// Seals the credentials Kubarr generates for apps (set with the server state).
    secret_key: std::sync::OnceLock<crate::secret_key::SecretKey>,
}

impl Apps {
    /// Loads the catalog and connects to the cluster named by the configuration (if any).
    /// A cluster that cannot be reached at start-up is not fatal: the watch caches keep retrying.
    /// Reconciliation runs whenever this replica leads.
    pub async fn start(
        config: &Config,
        db: DatabaseConnection,
        coordination: Arc<Coordination>,
    ) -> anyhow::Result<Arc<Self>> {
        let cluster = match connect(config).await {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!(error = %e, "no Kubernetes cluster: app endpoints will answer 503");
                None
            }
        };
        let helm = Helm::new(
            &config.helm_bin,
            config
                .kubernetes
                .kubeconfig
                .clone()
                .filter(|_| config.kubernetes.mode != KubeMode::InCluster),
            config.data_dir.join("helm"),
        );
        let kube = cluster.map(|c| {
            Backend::real(
                helm,
                c.with_app_manager(config.kubernetes.app_manager.clone()),
            )
        });
        let apps = Self::with_coordination(
            db,
            config.charts_dir.clone(),
            kube,
            Timeouts::default(),
            coordination,
        );
        if let Some(binding) = &config.kubernetes.app_manager {
            let _ = apps
                .own_namespace
                .set(binding.service_account_namespace.clone());
        }
        let _ = apps.media_roots.set(config.media.allowed_roots.clone());
        apps.spawn_reconcile();
        Ok(apps)
    }

    /// The service with no cluster: the catalog works, operations answer 503.
    pub fn without_cluster(config: &Config, db: DatabaseConnection) -> Arc<Self> {
        let apps = Self::new(db, config.charts_dir.clone(), None, Timeouts::default());
        let _ = apps.media_roots.set(config.media.allowed_roots.clone());
        apps
    }

    /// Where host-path media may live (the configuration's roots; the default root when the
    /// service was built without a configuration).
    pub fn media_roots(&self) -> &media::MediaRoots {
        self.media_roots.get_or_init(|| {
            media::MediaRoots::parse(&[crate::config::DEFAULT_MEDIA_ROOT.to_owned()])
                .expect("the default root is valid")
        })
    }

    /// Gives the service the server's key (done by [`crate::state::AppState::from_parts`]);
    /// ignored once set.
    pub fn set_secret_key(&self, key: crate::secret_key::SecretKey) {
        let _ = self.secret_key.set(key);
    }

    /// Sets the media roots of a service built with [`new`](Self::new) (tests); ignored once set.
    pub fn set_media_roots(&self, roots: media::MediaRoots) {
        let _ = self.media_roots.set(roots);
    }

    /// Sets the gateway configuration (done once, where the state is assembled); ignored once set.
    pub fn set_gateway(&self, config: crate::config::GatewayConfig) {
        let _ = self.gateway.set(config);
    }

    /// Builds the service around given parts (tests use this with fakes or short timeouts),
    /// as the only process on its database.
    pub fn new(
        db: DatabaseConnection,
        charts_dir: PathBuf,
        kube: Option<Backend>,
        timeouts: Timeouts,
    ) -> Arc<Self> {
        Self::with_coordination(db, charts_dir, kube, timeouts, Coordination::single())
    }

    /// [`new`](Self::new) for one replica among several.
    pub fn with_coordination(
        db: DatabaseConnection,
        charts_dir: PathBuf,
        kube: Option<Backend>,
        timeouts: Timeouts,
        coordination: Arc<Coordination>,
    ) -> Arc<Self> {
        let (catalog, problems) = Catalog::load(&charts_dir);
        for p in &problems {
            tracing::warn!(problem = %p, "catalog");
        }
        tracing::info!(apps = catalog.len(), dir = %charts_dir.display(), "catalog loaded");
        let (events, _) = broadcast::channel(1024);
        let (op_changes, _) = broadcast::channel(1024);
        let apps = Arc::new(Self {
            db,
            charts_dir,
            catalog: RwLock::new(Arc::new(catalog)),
            kube,
            timeouts,
            events,
            coordination,
            own_namespace: std::sync::OnceLock::new(),
            media_roots: std::sync::OnceLock::new(),
            gateway: std::sync::OnceLock::new(),
            op_changes,
            secret_key: std::sync::OnceLock::new(),
        });
        apps.spawn_status_events();
        apps.spawn_peer_changes();
        apps.spawn_request_meter();
        apps
    }

    /// The current catalog.
    pub fn catalog(&self) -> Arc<Catalog> {
        self.catalog.read().expect("catalog lock").clone()
    }

    /// Re-reads the charts directory; returns the number of apps and the charts left out.
    pub fn reload_catalog(&self) -> (usize, Vec<String>) {
        let (catalog, problems) = Catalog::load(&self.charts_dir);
        for p in &problems {
            tracing::warn!(problem = %p, "catalog");
        }
        let n = catalog.len();
        *self.catalog.write().expect("catalog lock") = Arc::new(catalog);
        (n, problems)
    }

    /// The watch caches, when a cluster is configured.
    pub fn caches(&self) -> Option<&Arc<dyn WorkloadCache>> {
        self.kube.as_ref().map(|k| &k.caches)
    }

    /// `ok`, `unavailable` or `not_configured`, for `/api/ready`. Reads the caches' health, so it
    /// costs no API request.
    pub fn cluster_health(&self) -> &'static str {
        match self.caches() {
            None => "not_configured",
            Some(c) if c.is_synced() => "ok",
            Some(_) => "unavailable",
        }
    }

    /// Status events for the SSE stream.
    pub fn subscribe(&self) -> broadcast::Receiver<AppStatusEvent> {
        self.events.subscribe()
    }
}

impl Apps {
    /// Logs (at debug level) how many API-server requests the client made each minute, so the
    /// cost of the watch caches can be observed.
    fn spawn_request_meter(self: &Arc<Self>) {
        let Some(cluster) = self.kube.as_ref().map(|k| k.cluster.clone()) else {
            return;
        };
        tokio::spawn(async move {
            let mut last = cluster.request_count();
            let mut tick = tokio::time::interval(Duration::from_secs(60));
            tick.tick().await;
            loop {
                tick.tick().await;
                let now = cluster.request_count();
                tracing::debug!(
                    requests_last_minute = now - last,
                    total = now,
                    "API-server requests"
                );
                last = now;
            }
        });
    }
}

async fn connect(config: &Config) -> anyhow::Result<Option<Cluster>> {
    let in_cluster = std::env::var_os("KUBERNETES_SERVICE_HOST").is_some();
    let cluster = match config.kubernetes.mode {
        KubeMode::Disabled => return Ok(None),
        KubeMode::InCluster => Cluster::connect(None, true).await?,
        KubeMode::Kubeconfig => {
            Cluster::connect(config.kubernetes.kubeconfig.as_deref(), false).await?
        }
        KubeMode::Auto => match (&config.kubernetes.kubeconfig, in_cluster) {
            (Some(path), _) => Cluster::connect(Some(path), false).await?,
            (None, true) => Cluster::connect(None, true).await?,
            (None, false) => return Ok(None),
        },
    };
    Ok(Some(cluster))
}
