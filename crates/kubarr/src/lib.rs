//! Kubarr's server: configuration, HTTP API, and the glue to the database and the cluster.

pub mod apps;
pub(crate) mod audit;
pub mod auth;
pub mod bootstrap;
pub mod cli;
pub mod config;
pub mod coordination;
pub(crate) mod error;
pub(crate) mod extract;
pub mod gateway;
pub(crate) mod handlers;
pub(crate) mod identity;
pub mod listener;
pub(crate) mod middleware;
pub(crate) mod openapi;
pub mod router;
pub mod secret_key;
pub(crate) mod server;
pub mod settings;
pub(crate) mod spa;
pub mod state;
pub mod telemetry;
pub mod wiring;
