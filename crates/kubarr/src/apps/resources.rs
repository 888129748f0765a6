//! An installed app's pods (from the watch caches), Kubernetes events and logs.

use std::sync::Arc;

use k8s_openapi::api::core::v1::{Event, Pod};
use kubarr_orchestrator::backend::{Backend, LogStream};
use kubarr_orchestrator::cluster::LogOptions;
use kubarr_orchestrator::AppName;

use super::{Apps, AppsError};

impl Apps {
    /// The app's pods as the watch caches see them.
    pub async fn pods(&self, app: &AppName) -> Result<Vec<Arc<Pod>>, AppsError> {
        self.require_installed(app).await?;
        Ok(self.kube()?.caches.app_objects(app.as_str()).pods)
    }

    /// Events of the app's namespace, newest first.
    pub async fn events(&self, app: &AppName) -> Result<Vec<Event>, AppsError> {
        self.require_installed(app).await?;
        Ok(self.kube()?.cluster.events(app).await?)
    }

    /// A pod's log (`pod`: one of the app's pods, by default the first by name).
    pub async fn logs(
        &self,
        app: &AppName,
        pod: Option<String>,
        opts: &LogOptions,
    ) -> Result<LogStream, AppsError> {
        self.require_installed(app).await?;
        let kube = self.kube()?;
        let mut pods: Vec<String> = kube
            .caches
            .app_objects(app.as_str())
            .pods
            .iter()
            .filter_map(|p| p.metadata.name.clone())
            .collect();
        pods.sort();
        let pod = match pod {
            // Only a pod of this app, as the watch cache knows it: never a name passed on as is.
            Some(p) if is_dns_subdomain(&p) && pods.contains(&p) => p,
            Some(_) => return Err(AppsError::InvalidPod),
            None => pods
                .into_iter()
                .next()
                .ok_or(AppsError::PodNotFound(None))?,
        };
        match kube.cluster.logs(app, &pod, opts).await {
            Ok(reader) => Ok(reader),
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

impl Apps {
    /// The cluster's parts, or [`AppsError::ClusterUnavailable`] when none is configured.
    pub(super) fn kube(&self) -> Result<&Backend, AppsError> {
        self.kube.as_ref().ok_or(AppsError::ClusterUnavailable)
    }
}

/// A DNS-1123 subdomain (what a pod name is): at most 253 characters of lowercase letters, digits,
/// `-` and `.`, each label starting and ending with a letter or digit.
fn is_dns_subdomain(s: &str) -> bool {
    !s.is_empty() && s.len() <= 253 && s.split('.').all(is_dns_label)
}

/// A DNS-1123 label: 1–63 lowercase letters, digits or `-`, not starting or ending with `-`.
pub fn is_dns_label(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pod_names_are_dns_subdomains() {
        for ok in ["sonarr-7d9c-x2z", "a", "a.b-c", &"a".repeat(63)] {
            assert!(is_dns_subdomain(ok), "{ok}");
        }
        for bad in [
            "",
            "../x",
            "A",
            "a/b",
            "a..b",
            "-a",
            "a-",
            "a b",
            "a%2F",
            &"a".repeat(64),
        ] {
            assert!(!is_dns_subdomain(bad), "{bad}");
        }
    }
}
