//! In-process tests of the real router against a fresh database (SQLite, or PostgreSQL when
//! `KUBARR_TEST_DATABASE_URL` is set). One binary, so there is a single link step.
//!
//! The fast tier (the default) needs no cluster: app tests run on the orchestrator's fakes.
//! Tests marked `#[ignore = "cluster tier"]` drive the local test cluster and the real helm;
//! run them with `cargo test -p kubarr --test api -- --ignored` (`make test` does).

mod helpers;
mod identity_support;

mod apps;
mod audit_log;
mod auth_attacks;
mod auth_flows;
mod authz_matrix;
mod canary;
mod cli;
mod errors;
mod gateway;
mod hardening_grants;
mod hardening_http;
mod hardening_passwords;
mod hardening_sessions;
mod health;
mod invites;
mod openapi;
mod rate_limit_replicas;
mod roles;
mod settings;
mod spa;
mod users;
mod wiring;
