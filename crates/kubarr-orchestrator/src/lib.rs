//! Kubernetes and Helm orchestration for Kubarr.
//!
//! - [`catalog`]: the app catalog parsed from the charts' `Chart.yaml`, values and schema.
//! - [`helm`]: runs the real `helm` binary (timeouts, kill on cancel, JSON output, values files).
//! - [`credentials`]: the credentials Kubarr generates for an app, and the Secret holding them.
//! - [`cluster`]: namespaces, restarts, pods, logs and events through kube-rs.
//! - [`watch`]: watch caches (reflectors) that answer status questions without API calls.
//! - [`wiring`]: the links a chart declares to other apps (`kubarr.io/wiring`).
//! - [`backend`]: the three behind small traits, bundled as a `Backend`; [`fake`](mod@fake)
//!   (feature `testing`) has in-process stand-ins for fast tests.
//!
//! This crate knows nothing of HTTP or of the database.

pub mod app_name;
pub mod backend;
pub mod catalog;
pub mod cluster;
pub mod credentials;
pub mod error;
#[cfg(feature = "testing")]
pub mod fake;
pub mod helm;
pub mod status;
pub mod values;
pub mod watch;
pub mod wiring;

pub use app_name::{AppName, InvalidAppName};
pub use error::{Error, Result};

/// Label on every namespace Kubarr creates: `kubarr.io/app=<app>`. Kubarr never touches a
/// namespace without it.
pub const APP_LABEL: &str = "kubarr.io/app";
/// Field manager for server-side apply.
pub const FIELD_MANAGER: &str = "kubarr";
