//! Query functions, one module per area. Each takes any connection or transaction
//! (`&impl ConnectionTrait`) so callers can compose them inside one transaction.

pub mod apps;
pub mod audit;
pub mod health;
pub mod invites;
pub mod roles;
pub mod sessions;
pub mod settings;
pub mod two_factor;
pub mod users;
