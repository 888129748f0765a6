//! Request handlers, one module per resource.

pub mod account;
pub mod app_account;
pub mod app_resources;
pub mod apps;
pub mod audit_log;
pub mod auth;
pub mod catalog;
pub mod events_stream;
pub mod gateway;
pub mod health;
pub mod invites;
pub mod pagination;
pub mod roles;
pub mod settings;
pub mod setup;
pub mod stack;
pub mod users;
