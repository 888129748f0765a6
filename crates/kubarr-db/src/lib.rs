//! Kubarr's database layer: SeaORM entities, connection setup for SQLite and PostgreSQL, and the
//! queries the server makes. This crate knows nothing of HTTP.

pub mod connect;
pub mod entities;
pub mod queries;
#[cfg(any(test, feature = "testing"))]
pub mod testing;

#[cfg(test)]
mod schema_tests;

pub use connect::{connect, migrate, Backend, DbOptions};
pub use sea_orm::{DatabaseConnection, DbErr, TransactionTrait};
