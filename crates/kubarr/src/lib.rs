//! Kubarr's server: configuration, HTTP API, and the glue to the database and the cluster.

pub mod apps;
pub mod audit;
pub mod auth;
pub mod bootstrap;
pub mod cli;
pub mod config;
pub mod coordination;
pub mod error;
pub mod extract;
pub mod handlers;
pub mod identity;
pub mod listener;
pub mod middleware;
pub mod openapi;
pub mod router;
pub mod secret_key;
pub mod server;
pub mod settings;
pub mod spa;
pub mod state;
pub mod telemetry;
