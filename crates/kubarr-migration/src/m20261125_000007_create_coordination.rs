//! Coordination between several Kubarr replicas sharing one database: leases (leader election
//! and replica liveness), the replica that runs each app operation, and shared rate-limit
//! counters so that spreading login attempts over replicas gains nothing.

use crate::columns::*;
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261125_000007_create_coordination"
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Leases {
    Table,
    Id,
    /// `leader`, or `replica:<id>` for a replica's own liveness lease.
    Name,
    Holder,
    AcquiredAt,
    RenewedAt,
    ExpiresAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum AppInstallations {
    Table,
    /// The replica running the current operation; null when idle. The operation is orphaned
    /// when that replica's liveness lease has expired.
    OperationOwner,
}

#[derive(DeriveIden, Clone, Copy)]
enum RateLimitCounters {
    Table,
    Id,
    /// What is counted, e.g. `ip:login:203.0.113.9` or `account:alice`.
    Key,
    Count,
    WindowStartedAt,
    LastAt,
    /// The row may be deleted after this.
    ExpiresAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Leases::Table)
                .col(id(Leases::Id))
                .col(text(Leases::Name))
                .col(text(Leases::Holder))
                .col(ts(Leases::AcquiredAt))
                .col(ts(Leases::RenewedAt))
                .col(ts(Leases::ExpiresAt))
                .to_owned(),
        )
        .await?;
        m.create_index(unique(Leases::Table, "idx_leases_name", &["name"]))
            .await?;
        m.alter_table(
            Table::alter()
                .table(AppInstallations::Table)
                .add_column(text_null(AppInstallations::OperationOwner))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(RateLimitCounters::Table)
                .col(id(RateLimitCounters::Id))
                .col(text(RateLimitCounters::Key))
                .col(int(RateLimitCounters::Count, 0))
                .col(ts(RateLimitCounters::WindowStartedAt))
                .col(ts(RateLimitCounters::LastAt))
                .col(ts(RateLimitCounters::ExpiresAt))
                .to_owned(),
        )
        .await?;
        m.create_index(unique(
            RateLimitCounters::Table,
            "idx_rate_limit_counters_key",
            &["key"],
        ))
        .await?;
        m.create_index(index(
            RateLimitCounters::Table,
            "idx_rate_limit_counters_expires",
            &["expires_at"],
        ))
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(RateLimitCounters::Table).to_owned())
            .await?;
        m.alter_table(
            Table::alter()
                .table(AppInstallations::Table)
                .drop_column(AppInstallations::OperationOwner)
                .to_owned(),
        )
        .await?;
        m.drop_table(Table::drop().table(Leases::Table).to_owned())
            .await
    }
}
