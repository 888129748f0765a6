//! The app gateway's API, by verb: [`launch`] (opening apps, the Apps home list), [`settings`]
//! (the set-up, access modes, app credentials) and [`forward`] (forward-auth for Ingress
//! mode).

pub mod forward;
pub mod launch;
pub mod settings;

use crate::error::{AppError, ErrorCode};

fn gateway_disabled() -> AppError {
    AppError::unavailable(
        ErrorCode::GatewayDisabled,
        "The app gateway is not set up. An administrator sets gateway.listen and gateway.apps_domain (or gateway.port_range).",
    )
}
