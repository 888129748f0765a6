//! Kubernetes and Helm orchestration (filled by the app-lifecycle work).
