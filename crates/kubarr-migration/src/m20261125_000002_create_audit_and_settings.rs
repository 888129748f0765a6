//! Audit log, system settings and per-user preferences.

use crate::columns::*;
use crate::m20261125_000001_create_identity::Users;
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261125_000002_create_audit_and_settings"
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum AuditLogs {
    Table,
    Id,
    Action,
    ResourceType,
    ResourceId,
    UserId,
    Username,
    IpAddress,
    Details,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum SystemSettings {
    Table,
    Key,
    Value,
    Description,
    UpdatedBy,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum UserPreferences {
    Table,
    UserId,
    Theme,
    Preferences,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(AuditLogs::Table)
                .col(id(AuditLogs::Id))
                .col(text(AuditLogs::Action))
                .col(text(AuditLogs::ResourceType))
                .col(text_null(AuditLogs::ResourceId))
                .col(big_null(AuditLogs::UserId))
                // Kept even after the user is deleted, so the trail stays readable.
                .col(text_null(AuditLogs::Username))
                .col(text_null(AuditLogs::IpAddress))
                .col(json_null(AuditLogs::Details))
                .col(ts(AuditLogs::CreatedAt))
                .foreign_key(&mut fk(
                    AuditLogs::Table,
                    AuditLogs::UserId,
                    Users::Table,
                    ForeignKeyAction::SetNull,
                ))
                .to_owned(),
        )
        .await?;
        // Cursor pagination walks (created_at, id) backwards; filters add action or user.
        m.create_index(index(
            AuditLogs::Table,
            "idx_audit_logs_created",
            &["created_at", "id"],
        ))
        .await?;
        m.create_index(index(
            AuditLogs::Table,
            "idx_audit_logs_user_created",
            &["user_id", "created_at"],
        ))
        .await?;
        m.create_index(index(
            AuditLogs::Table,
            "idx_audit_logs_action_created",
            &["action", "created_at"],
        ))
        .await?;
        m.create_index(index(
            AuditLogs::Table,
            "idx_audit_logs_resource",
            &["resource_type", "resource_id"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(SystemSettings::Table)
                .col(text(SystemSettings::Key).primary_key())
                // JSON-encoded typed value.
                .col(ColumnDef::new(SystemSettings::Value).text().not_null())
                .col(text(SystemSettings::Description))
                .col(big_null(SystemSettings::UpdatedBy))
                .col(ts(SystemSettings::UpdatedAt))
                .foreign_key(&mut fk(
                    SystemSettings::Table,
                    SystemSettings::UpdatedBy,
                    Users::Table,
                    ForeignKeyAction::SetNull,
                ))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(UserPreferences::Table)
                .col(big(UserPreferences::UserId).primary_key())
                .col(text_null(UserPreferences::Theme))
                .col(json_null(UserPreferences::Preferences))
                .col(ts(UserPreferences::UpdatedAt))
                .foreign_key(&mut fk(
                    UserPreferences::Table,
                    UserPreferences::UserId,
                    Users::Table,
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            UserPreferences::Table.into_iden(),
            SystemSettings::Table.into_iden(),
            AuditLogs::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
