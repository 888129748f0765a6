//! The app gateway: launch tickets, app sessions (a browser's sign-in on one app's origin), each
//! app's access mode, and the `apps.open` permission for the `admin` and `operator` system roles.

use crate::columns::*;
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, Statement};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261202_000008_create_gateway"
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum GatewayTickets {
    Table,
    /// SHA-256 (hex) of the ticket; the ticket itself is never stored.
    Id,
    UserId,
    /// The dashboard session that asked for it: the app session it becomes dies with it.
    SessionId,
    AppName,
    CreatedAt,
    ExpiresAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum AppSessions {
    Table,
    /// SHA-256 (hex) of the app cookie's value.
    Id,
    UserId,
    SessionId,
    AppName,
    CreatedAt,
    ExpiresAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum AppAccess {
    Table,
    AppName,
    /// `gated`, `native` or `off`.
    Mode,
    /// Port mode: the gateway port this app is served on (kept for good once given).
    Port,
    /// The `Authorization` value the gateway sends the app (e.g. Basic for a download client's
    /// RPC), encrypted with Kubarr's key; null: none.
    UpstreamAuth,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Users {
    Table,
}

#[derive(DeriveIden, Clone, Copy)]
enum Sessions {
    Table,
}

/// System roles that open every app.
const OPENERS: &[&str] = &["admin", "operator"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(GatewayTickets::Table)
                .col(text(GatewayTickets::Id).primary_key())
                .col(big(GatewayTickets::UserId))
                .col(text(GatewayTickets::SessionId))
                .col(text(GatewayTickets::AppName))
                .col(ts(GatewayTickets::CreatedAt))
                .col(ts(GatewayTickets::ExpiresAt))
                .foreign_key(&mut fk(
                    GatewayTickets::Table,
                    GatewayTickets::UserId,
                    Users::Table,
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    GatewayTickets::Table,
                    GatewayTickets::SessionId,
                    Sessions::Table,
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            GatewayTickets::Table,
            "idx_gateway_tickets_expires",
            &["expires_at"],
        ))
        .await?;
        m.create_table(
            Table::create()
                .table(AppSessions::Table)
                .col(text(AppSessions::Id).primary_key())
                .col(big(AppSessions::UserId))
                .col(text(AppSessions::SessionId))
                .col(text(AppSessions::AppName))
                .col(ts(AppSessions::CreatedAt))
                .col(ts(AppSessions::ExpiresAt))
                .foreign_key(&mut fk(
                    AppSessions::Table,
                    AppSessions::UserId,
                    Users::Table,
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    AppSessions::Table,
                    AppSessions::SessionId,
                    Sessions::Table,
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            AppSessions::Table,
            "idx_app_sessions_session",
            &["session_id"],
        ))
        .await?;
        m.create_index(index(
            AppSessions::Table,
            "idx_app_sessions_expires",
            &["expires_at"],
        ))
        .await?;
        m.create_table(
            Table::create()
                .table(AppAccess::Table)
                .col(text(AppAccess::AppName).primary_key())
                .col(text(AppAccess::Mode))
                .col(ColumnDef::new(AppAccess::Port).integer().null())
                .col(long_text_null(AppAccess::UpstreamAuth))
                .col(ts(AppAccess::UpdatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(unique(AppAccess::Table, "idx_app_access_port", &["port"]))
            .await?;
        let db = m.get_connection();
        for role in OPENERS {
            db.execute(Statement::from_string(
                m.get_database_backend(),
                format!(
                    "INSERT INTO role_permissions (role_id, permission) \
                     SELECT id, 'apps.open' FROM roles WHERE name = '{role}' AND is_system = TRUE"
                ),
            ))
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.get_connection()
            .execute(Statement::from_string(
                m.get_database_backend(),
                "DELETE FROM role_permissions WHERE permission = 'apps.open'",
            ))
            .await?;
        m.drop_table(Table::drop().table(AppAccess::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(AppSessions::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(GatewayTickets::Table).to_owned())
            .await
    }
}
