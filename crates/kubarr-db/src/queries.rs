//! Query functions, one module per area. Each takes any connection or transaction
//! (`&impl ConnectionTrait`) so callers can compose them inside one transaction.

pub mod app_credentials;
pub mod apps;
pub mod audit;
pub mod gateway;
pub mod health;
pub mod invites;
pub mod leases;
pub mod rate_limits;
pub mod roles;
pub mod sessions;
pub mod settings;
pub mod two_factor;
pub mod users;
pub mod wiring;

/// Whether an insert lost to a unique index (SQLite and PostgreSQL word it differently).
pub(crate) fn is_unique_violation(e: &sea_orm::DbErr) -> bool {
    let s = e.to_string().to_lowercase();
    s.contains("unique") || s.contains("duplicate key")
}
