//! VPN providers and which app routes its traffic through which provider.

use crate::columns::*;
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261125_000004_create_vpn"
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum VpnProviders {
    Table,
    Id,
    Name,
    ProviderType,
    /// Encrypted JSON (WireGuard private key, OpenVPN user/password).
    Credentials,
    Settings,
    Enabled,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum AppVpnConfigs {
    Table,
    Id,
    AppName,
    VpnProviderId,
    KillSwitch,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(VpnProviders::Table)
                .col(id(VpnProviders::Id))
                .col(text(VpnProviders::Name))
                .col(text(VpnProviders::ProviderType))
                .col(long_text_null(VpnProviders::Credentials))
                .col(json_null(VpnProviders::Settings))
                .col(flag(VpnProviders::Enabled, true))
                .col(ts(VpnProviders::CreatedAt))
                .col(ts(VpnProviders::UpdatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(unique(
            VpnProviders::Table,
            "idx_vpn_providers_name",
            &["name"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(AppVpnConfigs::Table)
                .col(id(AppVpnConfigs::Id))
                .col(text(AppVpnConfigs::AppName))
                .col(big(AppVpnConfigs::VpnProviderId))
                .col(flag(AppVpnConfigs::KillSwitch, true))
                .col(ts(AppVpnConfigs::CreatedAt))
                .col(ts(AppVpnConfigs::UpdatedAt))
                .foreign_key(&mut fk(
                    AppVpnConfigs::Table,
                    AppVpnConfigs::VpnProviderId,
                    VpnProviders::Table,
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(unique(
            AppVpnConfigs::Table,
            "idx_app_vpn_configs_app",
            &["app_name"],
        ))
        .await?;
        m.create_index(index(
            AppVpnConfigs::Table,
            "idx_app_vpn_configs_provider",
            &["vpn_provider_id"],
        ))
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(AppVpnConfigs::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(VpnProviders::Table).to_owned())
            .await
    }
}
