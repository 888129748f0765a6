//! The credentials Kubarr generates for each app before its first start (API key, account name
//! and password), sealed with the server's key. They outlive an uninstall that keeps the app's
//! data, so a reinstall onto that data signs in with the same ones.

use crate::columns::*;
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261202_000009_create_app_credentials"
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum AppCredentials {
    Table,
    AppName,
    /// The encrypted JSON object of the generated values (`v1:` sealed form).
    Sealed,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(AppCredentials::Table)
                .col(text(AppCredentials::AppName).primary_key())
                .col(ColumnDef::new(AppCredentials::Sealed).text().not_null())
                .col(ts(AppCredentials::CreatedAt))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(AppCredentials::Table).to_owned())
            .await
    }
}
