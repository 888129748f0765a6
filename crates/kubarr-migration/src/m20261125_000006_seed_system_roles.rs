//! Seeds the system roles `admin`, `operator` and `viewer` with their permissions.
//!
//! The lists are frozen here on purpose: a later change to a system role is a new migration.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, Statement};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261125_000006_seed_system_roles"
    }
}

const ALL: &[&str] = &[
    "users.view",
    "users.manage",
    "users.reset_password",
    "roles.view",
    "roles.manage",
    "apps.view",
    "apps.install",
    "apps.upgrade",
    "apps.restart",
    "apps.delete",
    "logs.view",
    "monitoring.view",
    "settings.view",
    "settings.manage",
    "audit.view",
    "notifications.view",
    "notifications.manage",
    "vpn.view",
    "vpn.manage",
];

const OPERATOR: &[&str] = &[
    "apps.view",
    "apps.install",
    "apps.upgrade",
    "apps.restart",
    "apps.delete",
    "logs.view",
    "monitoring.view",
];

const VIEWER: &[&str] = &["apps.view", "logs.view", "monitoring.view"];

const ROLES: &[(&str, &str, &[&str])] = &[
    ("admin", "Full access to everything.", ALL),
    (
        "operator",
        "Installs, upgrades, restarts and removes apps; reads logs and monitoring.",
        OPERATOR,
    ),
    ("viewer", "Sees apps, their logs and monitoring.", VIEWER),
];

#[derive(DeriveIden, Clone, Copy)]
enum Roles {
    Table,
    Id,
    Name,
    Description,
    IsSystem,
    #[sea_orm(iden = "requires_2fa")]
    Requires2fa,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum RolePermissions {
    Table,
    RoleId,
    Permission,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        let backend = m.get_database_backend();
        let now = chrono::Utc::now();
        for (name, description, permissions) in ROLES {
            let insert = Query::insert()
                .into_table(Roles::Table)
                .columns([
                    Roles::Name,
                    Roles::Description,
                    Roles::IsSystem,
                    Roles::Requires2fa,
                    Roles::CreatedAt,
                    Roles::UpdatedAt,
                ])
                .values_panic([
                    (*name).into(),
                    (*description).into(),
                    true.into(),
                    false.into(),
                    now.into(),
                    now.into(),
                ])
                .to_owned();
            db.execute(backend.build(&insert)).await?;
            let select = Query::select()
                .column(Roles::Id)
                .from(Roles::Table)
                .and_where(Expr::col(Roles::Name).eq(*name))
                .to_owned();
            let row = db
                .query_one(backend.build(&select))
                .await?
                .ok_or_else(|| DbErr::Custom(format!("role {name} missing after insert")))?;
            let role_id: i64 = row.try_get("", "id")?;
            let mut perms = Query::insert()
                .into_table(RolePermissions::Table)
                .columns([RolePermissions::RoleId, RolePermissions::Permission])
                .to_owned();
            for p in *permissions {
                perms.values_panic([role_id.into(), (*p).into()]);
            }
            db.execute(backend.build(&perms)).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        db.execute(Statement::from_string(
            m.get_database_backend(),
            "DELETE FROM roles WHERE is_system = TRUE AND name IN ('admin', 'operator', 'viewer')",
        ))
        .await?;
        Ok(())
    }
}
