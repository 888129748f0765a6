//! Kubarr's schema migrations, shared by SQLite and PostgreSQL.
//!
//! One file per step, listed in order in [`Migrator`]. A migration that has landed is never edited:
//! change the schema with a new step (expand/contract, because old and new pods overlap during an
//! upgrade). Only column types that behave the same on both databases are used.

use sea_orm_migration::prelude::*;
pub use sea_orm_migration::MigratorTrait;

mod columns;
mod m20261125_000001_create_identity;
mod m20261125_000002_create_audit_and_settings;
mod m20261125_000003_create_notifications;
mod m20261125_000004_create_vpn;
mod m20261125_000005_create_app_installations;
mod m20261125_000006_seed_system_roles;
mod m20261125_000007_create_coordination;
mod m20261202_000008_create_gateway;
mod m20261202_000009_create_app_credentials;
mod m20261202_000010_create_wiring_links;

/// Every migration, oldest first.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261125_000001_create_identity::Migration),
            Box::new(m20261125_000002_create_audit_and_settings::Migration),
            Box::new(m20261125_000003_create_notifications::Migration),
            Box::new(m20261125_000004_create_vpn::Migration),
            Box::new(m20261125_000005_create_app_installations::Migration),
            Box::new(m20261125_000006_seed_system_roles::Migration),
            Box::new(m20261125_000007_create_coordination::Migration),
            Box::new(m20261202_000008_create_gateway::Migration),
            Box::new(m20261202_000009_create_app_credentials::Migration),
            Box::new(m20261202_000010_create_wiring_links::Migration),
        ]
    }
}
