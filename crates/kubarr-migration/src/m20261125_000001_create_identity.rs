//! Users, sessions, roles, permissions, 2FA challenges and recovery codes, invites, OAuth.

use crate::columns::*;
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261125_000001_create_identity"
    }
}

#[derive(DeriveIden, Clone, Copy)]
pub enum Users {
    Table,
    Id,
    Username,
    Email,
    HashedPassword,
    IsActive,
    IsApproved,
    TotpSecret,
    TotpEnabled,
    TotpLastUsedStep,
    PasswordChangedAt,
    LastLoginAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
pub enum Roles {
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
enum UserRoles {
    Table,
    UserId,
    RoleId,
}

#[derive(DeriveIden, Clone, Copy)]
enum RolePermissions {
    Table,
    Id,
    RoleId,
    Permission,
}

#[derive(DeriveIden, Clone, Copy)]
enum RoleAppPermissions {
    Table,
    Id,
    RoleId,
    AppName,
    Permission,
}

#[derive(DeriveIden, Clone, Copy)]
enum Sessions {
    Table,
    Id,
    UserId,
    UserAgent,
    IpAddress,
    CreatedAt,
    ExpiresAt,
    LastAccessedAt,
    IsRevoked,
}

#[derive(DeriveIden, Clone, Copy)]
enum Pending2faChallenges {
    #[sea_orm(iden = "pending_2fa_challenges")]
    Table,
    Id,
    UserId,
    Attempts,
    UserAgent,
    IpAddress,
    CreatedAt,
    ExpiresAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum TwoFactorRecoveryCodes {
    Table,
    Id,
    UserId,
    CodeHash,
    UsedAt,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Invites {
    Table,
    Token,
    CreatedBy,
    Email,
    Used,
    UsedBy,
    UsedAt,
    ExpiresAt,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum OauthProviders {
    Table,
    Id,
    Name,
    ClientId,
    ClientSecret,
    AuthorizeUrl,
    TokenUrl,
    UserinfoUrl,
    Scopes,
    Enabled,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum OauthAccounts {
    Table,
    Id,
    UserId,
    ProviderId,
    ProviderUserId,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Users::Table)
                .col(id(Users::Id))
                .col(text(Users::Username))
                .col(text(Users::Email))
                .col(text(Users::HashedPassword))
                .col(flag(Users::IsActive, true))
                .col(flag(Users::IsApproved, true))
                // Encrypted with the server's secret key; never stored in clear.
                .col(long_text_null(Users::TotpSecret))
                .col(flag(Users::TotpEnabled, false))
                // Last accepted TOTP time step, so a code cannot be replayed within its window.
                .col(big_null(Users::TotpLastUsedStep))
                .col(ts_null(Users::PasswordChangedAt))
                .col(ts_null(Users::LastLoginAt))
                .col(ts(Users::CreatedAt))
                .col(ts(Users::UpdatedAt))
                .to_owned(),
        )
        .await?;
        // Case-insensitive uniqueness: expression indexes work on both SQLite and PostgreSQL.
        let db = m.get_connection();
        db.execute_unprepared(
            "CREATE UNIQUE INDEX idx_users_username_lower ON users (lower(username))",
        )
        .await?;
        db.execute_unprepared("CREATE UNIQUE INDEX idx_users_email_lower ON users (lower(email))")
            .await?;

        m.create_table(
            Table::create()
                .table(Roles::Table)
                .col(id(Roles::Id))
                .col(text(Roles::Name))
                .col(text(Roles::Description))
                .col(flag(Roles::IsSystem, false))
                .col(flag(Roles::Requires2fa, false))
                .col(ts(Roles::CreatedAt))
                .col(ts(Roles::UpdatedAt))
                .to_owned(),
        )
        .await?;
        db.execute_unprepared("CREATE UNIQUE INDEX idx_roles_name_lower ON roles (lower(name))")
            .await?;

        m.create_table(
            Table::create()
                .table(UserRoles::Table)
                .col(big(UserRoles::UserId))
                .col(big(UserRoles::RoleId))
                .primary_key(
                    Index::create()
                        .col(UserRoles::UserId)
                        .col(UserRoles::RoleId),
                )
                .foreign_key(&mut fk(
                    UserRoles::Table,
                    UserRoles::UserId,
                    Users::Table,
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    UserRoles::Table,
                    UserRoles::RoleId,
                    Roles::Table,
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(UserRoles::Table, "idx_user_roles_role", &["role_id"]))
            .await?;

        m.create_table(
            Table::create()
                .table(RolePermissions::Table)
                .col(id(RolePermissions::Id))
                .col(big(RolePermissions::RoleId))
                .col(text(RolePermissions::Permission))
                .foreign_key(&mut fk(
                    RolePermissions::Table,
                    RolePermissions::RoleId,
                    Roles::Table,
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(unique(
            RolePermissions::Table,
            "idx_role_permissions_unique",
            &["role_id", "permission"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(RoleAppPermissions::Table)
                .col(id(RoleAppPermissions::Id))
                .col(big(RoleAppPermissions::RoleId))
                .col(text(RoleAppPermissions::AppName))
                .col(text(RoleAppPermissions::Permission))
                .foreign_key(&mut fk(
                    RoleAppPermissions::Table,
                    RoleAppPermissions::RoleId,
                    Roles::Table,
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(unique(
            RoleAppPermissions::Table,
            "idx_role_app_permissions_unique",
            &["role_id", "app_name", "permission"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(Sessions::Table)
                // SHA-256 (hex) of the bearer token; the token itself is never stored.
                .col(text(Sessions::Id).primary_key())
                .col(big(Sessions::UserId))
                .col(text_null(Sessions::UserAgent))
                .col(text_null(Sessions::IpAddress))
                .col(ts(Sessions::CreatedAt))
                .col(ts(Sessions::ExpiresAt))
                .col(ts(Sessions::LastAccessedAt))
                .col(flag(Sessions::IsRevoked, false))
                .foreign_key(&mut fk(
                    Sessions::Table,
                    Sessions::UserId,
                    Users::Table,
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(Sessions::Table, "idx_sessions_user", &["user_id"]))
            .await?;
        m.create_index(index(
            Sessions::Table,
            "idx_sessions_expires",
            &["expires_at"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(Pending2faChallenges::Table)
                .col(text(Pending2faChallenges::Id).primary_key())
                .col(big(Pending2faChallenges::UserId))
                .col(int(Pending2faChallenges::Attempts, 0))
                .col(text_null(Pending2faChallenges::UserAgent))
                .col(text_null(Pending2faChallenges::IpAddress))
                .col(ts(Pending2faChallenges::CreatedAt))
                .col(ts(Pending2faChallenges::ExpiresAt))
                .foreign_key(&mut fk(
                    Pending2faChallenges::Table,
                    Pending2faChallenges::UserId,
                    Users::Table,
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            Pending2faChallenges::Table,
            "idx_pending_2fa_challenges_expires",
            &["expires_at"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(TwoFactorRecoveryCodes::Table)
                .col(id(TwoFactorRecoveryCodes::Id))
                .col(big(TwoFactorRecoveryCodes::UserId))
                .col(text(TwoFactorRecoveryCodes::CodeHash))
                .col(ts_null(TwoFactorRecoveryCodes::UsedAt))
                .col(ts(TwoFactorRecoveryCodes::CreatedAt))
                .foreign_key(&mut fk(
                    TwoFactorRecoveryCodes::Table,
                    TwoFactorRecoveryCodes::UserId,
                    Users::Table,
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            TwoFactorRecoveryCodes::Table,
            "idx_recovery_codes_user",
            &["user_id"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(Invites::Table)
                // SHA-256 (hex) of the invite token.
                .col(text(Invites::Token).primary_key())
                .col(big_null(Invites::CreatedBy))
                .col(text_null(Invites::Email))
                .col(flag(Invites::Used, false))
                .col(big_null(Invites::UsedBy))
                .col(ts_null(Invites::UsedAt))
                .col(ts(Invites::ExpiresAt))
                .col(ts(Invites::CreatedAt))
                .foreign_key(&mut fk(
                    Invites::Table,
                    Invites::CreatedBy,
                    Users::Table,
                    ForeignKeyAction::SetNull,
                ))
                .foreign_key(&mut fk(
                    Invites::Table,
                    Invites::UsedBy,
                    Users::Table,
                    ForeignKeyAction::SetNull,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            Invites::Table,
            "idx_invites_created_by",
            &["created_by"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(OauthProviders::Table)
                .col(id(OauthProviders::Id))
                .col(text(OauthProviders::Name))
                .col(text(OauthProviders::ClientId))
                // Encrypted with the server's secret key.
                .col(long_text_null(OauthProviders::ClientSecret))
                .col(text_null(OauthProviders::AuthorizeUrl))
                .col(text_null(OauthProviders::TokenUrl))
                .col(text_null(OauthProviders::UserinfoUrl))
                .col(text_null(OauthProviders::Scopes))
                .col(flag(OauthProviders::Enabled, false))
                .col(ts(OauthProviders::CreatedAt))
                .col(ts(OauthProviders::UpdatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(unique(
            OauthProviders::Table,
            "idx_oauth_providers_name",
            &["name"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(OauthAccounts::Table)
                .col(id(OauthAccounts::Id))
                .col(big(OauthAccounts::UserId))
                .col(big(OauthAccounts::ProviderId))
                .col(text(OauthAccounts::ProviderUserId))
                .col(ts(OauthAccounts::CreatedAt))
                .foreign_key(&mut fk(
                    OauthAccounts::Table,
                    OauthAccounts::UserId,
                    Users::Table,
                    ForeignKeyAction::Cascade,
                ))
                .foreign_key(&mut fk(
                    OauthAccounts::Table,
                    OauthAccounts::ProviderId,
                    OauthProviders::Table,
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(unique(
            OauthAccounts::Table,
            "idx_oauth_accounts_provider_user",
            &["provider_id", "provider_user_id"],
        ))
        .await?;
        m.create_index(index(
            OauthAccounts::Table,
            "idx_oauth_accounts_user",
            &["user_id"],
        ))
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            OauthAccounts::Table.into_iden(),
            OauthProviders::Table.into_iden(),
            Invites::Table.into_iden(),
            TwoFactorRecoveryCodes::Table.into_iden(),
            Pending2faChallenges::Table.into_iden(),
            Sessions::Table.into_iden(),
            RoleAppPermissions::Table.into_iden(),
            RolePermissions::Table.into_iden(),
            UserRoles::Table.into_iden(),
            Roles::Table.into_iden(),
            Users::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
