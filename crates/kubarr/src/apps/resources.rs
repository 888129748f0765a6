//! An installed app's pods (from the watch caches), Kubernetes events and logs.

use std::sync::Arc;

use k8s_openapi::api::core::v1::{Event, Pod};
use kubarr_orchestrator::cluster::LogOptions;
use kubarr_orchestrator::AppName;

use super::{Apps, AppsError};

/// A pod's log, line by line, pulled only as fast as it is read.
pub type LogStream = std::pin::Pin<Box<dyn futures::AsyncBufRead + Send>>;

impl Apps {
    /// The app's pods as the watch caches see them.
    pub async fn pods(&self, app: &AppName) -> Result<Vec<Arc<Pod>>, AppsError> {
        self.require_installed(app).await?;
        let caches = self.caches.as_ref().ok_or(AppsError::ClusterUnavailable)?;
        Ok(caches.app_objects(app.as_str()).pods)
    }

    /// Events of the app's namespace, newest first.
    pub async fn events(&self, app: &AppName) -> Result<Vec<Event>, AppsError> {
        self.require_installed(app).await?;
        let cluster = self.cluster.as_ref().ok_or(AppsError::ClusterUnavailable)?;
        Ok(cluster.events(app).await?)
    }

    /// A pod's log (`pod`: default the app's first pod by name).
    pub async fn logs(
        &self,
        app: &AppName,
        pod: Option<String>,
        opts: &LogOptions,
    ) -> Result<LogStream, AppsError> {
        self.require_installed(app).await?;
        let cluster = self.cluster.as_ref().ok_or(AppsError::ClusterUnavailable)?;
        let pod = match pod {
            Some(p) => p,
            None => {
                let caches = self.caches.as_ref().ok_or(AppsError::ClusterUnavailable)?;
                let mut pods: Vec<String> = caches
                    .app_objects(app.as_str())
                    .pods
                    .iter()
                    .filter_map(|p| p.metadata.name.clone())
                    .collect();
                pods.sort();
                pods.into_iter()
                    .next()
                    .ok_or(AppsError::PodNotFound(None))?
            }
        };
        match cluster.logs(app, &pod, opts).await {
            Ok(reader) => Ok(Box::pin(reader)),
            Err(e) => Err(match e.api_code() {
                Some(404) => AppsError::PodNotFound(Some(pod)),
                Some(400) => AppsError::InvalidLogRequest(
                    e.api_message().unwrap_or("Invalid log request.").to_owned(),
                ),
                _ => e.into(),
            }),
        }
    }
}
