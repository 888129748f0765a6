//! What Kubarr installed: one row per app, with the requested values and the current operation.

use crate::columns::*;
use crate::m20261125_000001_create_identity::Users;
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261125_000005_create_app_installations"
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum AppInstallations {
    Table,
    Id,
    AppName,
    Namespace,
    ChartVersion,
    AppVersion,
    /// User-supplied values (secrets removed before storing).
    Values,
    State,
    Message,
    /// Operation in progress (`install`, `upgrade`, …); null when idle. Guards one operation per app.
    Operation,
    OperationStartedAt,
    LastError,
    InstalledBy,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(AppInstallations::Table)
                .col(id(AppInstallations::Id))
                .col(text(AppInstallations::AppName))
                .col(text(AppInstallations::Namespace))
                .col(text(AppInstallations::ChartVersion))
                .col(text_null(AppInstallations::AppVersion))
                .col(json(AppInstallations::Values))
                .col(text(AppInstallations::State))
                .col(long_text_null(AppInstallations::Message))
                .col(text_null(AppInstallations::Operation))
                .col(ts_null(AppInstallations::OperationStartedAt))
                .col(long_text_null(AppInstallations::LastError))
                .col(big_null(AppInstallations::InstalledBy))
                .col(ts(AppInstallations::CreatedAt))
                .col(ts(AppInstallations::UpdatedAt))
                .foreign_key(&mut fk(
                    AppInstallations::Table,
                    AppInstallations::InstalledBy,
                    Users::Table,
                    ForeignKeyAction::SetNull,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(unique(
            AppInstallations::Table,
            "idx_app_installations_app",
            &["app_name"],
        ))
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(AppInstallations::Table).to_owned())
            .await
    }
}
