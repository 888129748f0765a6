//! The links of the stack wiring: one row per link Kubarr keeps between two installed apps (an
//! arr's download client, Prowlarr's application, an arr's root folder), with its last observed
//! state and the user's on/off choice. A disabled link's row outlives the apps, so reinstalling
//! one does not silently turn it back on.

use crate::columns::*;
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261202_000010_create_wiring_links"
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum WiringLinks {
    Table,
    /// `<from>:<kind>:<to>`.
    Id,
    FromApp,
    ToApp,
    Kind,
    Enabled,
    /// `pending`, `ok`, `drifted`, `failed`.
    State,
    Message,
    /// Digest of the settings last applied and verified (secrets included, never stored).
    Fingerprint,
    Failures,
    /// No automatic attempt before this time (back-off).
    RetryAt,
    /// A refused credential: no automatic attempt until the settings change or a user repairs.
    Held,
    CheckedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(WiringLinks::Table)
                .col(text(WiringLinks::Id).primary_key())
                .col(text(WiringLinks::FromApp))
                .col(text(WiringLinks::ToApp))
                .col(text(WiringLinks::Kind))
                .col(flag(WiringLinks::Enabled, true))
                .col(text(WiringLinks::State))
                .col(text_null(WiringLinks::Message))
                .col(text_null(WiringLinks::Fingerprint))
                .col(int(WiringLinks::Failures, 0))
                .col(ts_null(WiringLinks::RetryAt))
                .col(flag(WiringLinks::Held, false))
                .col(ts_null(WiringLinks::CheckedAt))
                .col(ts(WiringLinks::UpdatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            WiringLinks::Table,
            "idx_wiring_links_from_app",
            &["from_app"],
        ))
        .await?;
        m.create_index(index(
            WiringLinks::Table,
            "idx_wiring_links_to_app",
            &["to_app"],
        ))
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(WiringLinks::Table).to_owned())
            .await
    }
}
