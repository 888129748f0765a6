//! Query functions, one module per area. Each takes any connection or transaction
//! (`&impl ConnectionTrait`) so callers can compose them inside one transaction.

pub mod audit;
pub mod health;
pub mod roles;
pub mod sessions;
pub mod settings;
pub mod users;
