//! Contract doubles of the media apps that cannot run in Kubarr's tests: Sonarr, Radarr, Lidarr,
//! Prowlarr ([`servarr`]), Bazarr, Jellyfin, Seerr and FlareSolverr. Each is a stateful in-process HTTP server on
//! 127.0.0.1 that follows the app's published API and is **stricter** than the app: unknown
//! properties and fields are rejected (the apps drop them silently), names are unique
//! case-insensitively, secrets read back as `********`, and every `/test` makes the real outbound
//! call — to a real download client or to another double — dialling only 127.0.0.1 or ::1.
//! `README.md` says what the doubles cannot prove.
//!
//! ```no_run
//! # async fn demo() -> anyhow::Result<()> {
//! use kubarr_doubles::{start_sonarr, start_prowlarr, ServarrConfig};
//! let sonarr = start_sonarr(ServarrConfig::new("sonarr-key-0123456789")).await?;
//! let prowlarr = start_prowlarr(ServarrConfig::new("prowlarr-key-0123456789")).await?;
//! // sonarr.url() = http://127.0.0.1:<port>; X-Api-Key: sonarr.api_key()
//! # Ok(()) }
//! ```

// Handlers return a finished HTTP response as their error on purpose: it is built once, at the
// place that knows the app's error shape, and only ever returned.
#![allow(clippy::result_large_err)]

pub mod bazarr;
pub mod flaresolverr;
pub mod jellyfin;
pub mod outbound;
pub mod seerr;
pub mod servarr;
mod server;

pub use bazarr::{BazarrConfig, BazarrHandle};
pub use flaresolverr::FlareSolverrHandle;
pub use jellyfin::{JellyfinConfig, JellyfinHandle};
pub use seerr::{SeerrConfig, SeerrHandle};
pub use servarr::{ServarrApp, ServarrConfig, ServarrHandle};
pub use server::DoubleHandle;

use anyhow::Result;

/// Starts a Sonarr double (`/api/v3`).
pub async fn start_sonarr(config: ServarrConfig) -> Result<ServarrHandle> {
    servarr::start(ServarrApp::Sonarr, config).await
}

/// Starts a Radarr double (`/api/v3`).
pub async fn start_radarr(config: ServarrConfig) -> Result<ServarrHandle> {
    servarr::start(ServarrApp::Radarr, config).await
}

/// Starts a Lidarr double (`/api/v1`).
pub async fn start_lidarr(config: ServarrConfig) -> Result<ServarrHandle> {
    servarr::start(ServarrApp::Lidarr, config).await
}

/// Starts a Prowlarr double (`/api/v1`).
pub async fn start_prowlarr(config: ServarrConfig) -> Result<ServarrHandle> {
    servarr::start(ServarrApp::Prowlarr, config).await
}

/// Starts a Bazarr double (`/api`).
pub async fn start_bazarr(config: BazarrConfig) -> Result<BazarrHandle> {
    bazarr::start(config).await
}

/// Starts a Jellyfin double.
pub async fn start_jellyfin(config: JellyfinConfig) -> Result<JellyfinHandle> {
    jellyfin::start(config).await
}

/// Starts a Seerr double (`/api/v1`).
pub async fn start_seerr(config: SeerrConfig) -> Result<SeerrHandle> {
    seerr::start(config).await
}

/// Starts a FlareSolverr double (`POST /v1`) on 127.0.0.1:`port` (0: any free port).
pub async fn start_flaresolverr(port: u16) -> Result<FlareSolverrHandle> {
    flaresolverr::start(port).await
}
