//! What can go wrong in the app lifecycle service. Handlers get these through `?`; the HTTP
//! answer for each is decided in `error::from_domain`.

use kubarr_orchestrator::AppName;

/// A failure of an app request or operation.
#[derive(Debug, thiserror::Error)]
pub enum AppsError {
    #[error("There is no app called `{0}` in the catalog.")]
    NotInCatalog(String),
    #[error("`{0}` is not installed.")]
    NotInstalled(AppName),
    #[error("{0} is already installed.")]
    AlreadyInstalled(AppName),
    #[error("Another operation on {0} is in progress.")]
    Busy(AppName),
    #[error("Version {requested} of {app} is not available; the catalog has {available}.")]
    VersionUnavailable {
        app: AppName,
        requested: String,
        available: String,
    },
    #[error("`values` must be an object.")]
    ValuesNotObject,
    /// A value fails the chart's schema; `field` is its dotted path under `values`.
    #[error("{field}: {message}")]
    InvalidValues { field: String, message: String },
    /// `values.kubarr` is Kubarr's own: where it runs and which media claim an app mounts.
    #[error("values.kubarr is set by Kubarr itself (media storage is an administrator setting).")]
    KubarrValues,
    /// The admin's media storage setting cannot be used now.
    #[error("The media storage setting cannot be used: {0}")]
    InvalidMediaStorage(String),
    /// The `pod` of a log request is not one of the app's pods.
    #[error("`pod` must be the name of one of this app's pods.")]
    InvalidPod,
    /// No cluster is configured, or the watch caches are not in sync with it.
    #[error("The Kubernetes cluster is not reachable right now.")]
    ClusterUnavailable,
    /// `None`: the app has no pods at all.
    #[error("{}", match .0 { Some(pod) => format!("No pod `{pod}` in this app."), None => "The app has no pods.".to_owned() })]
    PodNotFound(Option<String>),
    /// The API server refused a log request (e.g. an unknown container); its own words.
    #[error("{0}")]
    InvalidLogRequest(String),
    #[error(transparent)]
    Database(#[from] sea_orm::DbErr),
    #[error(transparent)]
    Cluster(#[from] kubarr_orchestrator::Error),
}
