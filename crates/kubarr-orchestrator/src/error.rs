//! The orchestrator's errors.

use std::time::Duration;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The Kubernetes API answered with an error or could not be reached.
    #[error("Kubernetes API: {0}")]
    Kube(#[from] kube::Error),
    /// helm exited non-zero; `stderr` is helm's own message (it never holds values).
    #[error("helm {command} failed: {stderr}")]
    Helm {
        command: &'static str,
        stderr: String,
    },
    #[error("helm {command} did not finish within {timeout:?}")]
    HelmTimeout {
        command: &'static str,
        timeout: Duration,
    },
    #[error("cannot run helm ({bin}): {source}")]
    HelmSpawn { bin: String, source: std::io::Error },
    #[error("unexpected helm output: {0}")]
    HelmOutput(String),
    /// A namespace exists but Kubarr did not create it (no `kubarr.io/app` label).
    #[error("namespace {0} is not managed by Kubarr")]
    NotManaged(String),
    /// No usable cluster configuration.
    #[error("{0}")]
    Config(String),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

impl Error {
    /// Whether the cluster itself is unreachable (as opposed to refusing a request).
    pub fn is_unavailable(&self) -> bool {
        match self {
            Error::Kube(kube::Error::Api(_)) => false,
            Error::Kube(_) => true,
            Error::Helm { stderr, .. } => {
                let s = stderr.to_ascii_lowercase();
                s.contains("connection refused")
                    || s.contains("kubernetes cluster unreachable")
                    || s.contains("no such host")
                    || s.contains("i/o timeout")
            }
            _ => false,
        }
    }

    /// The Kubernetes API's own message, if the API answered with an error.
    pub fn api_message(&self) -> Option<&str> {
        match self {
            Error::Kube(kube::Error::Api(status)) => Some(&status.message),
            _ => None,
        }
    }

    /// The Kubernetes API status code, if the API answered with one.
    pub fn api_code(&self) -> Option<u16> {
        match self {
            Error::Kube(kube::Error::Api(status)) => Some(status.code),
            _ => None,
        }
    }
}
