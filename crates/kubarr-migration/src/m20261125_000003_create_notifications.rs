//! Notification channels (e-mail, webhooks, …), which events each channel carries, per-user
//! preferences, the delivery log and the in-app inbox.

use crate::columns::*;
use crate::m20261125_000001_create_identity::Users;
use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261125_000003_create_notifications"
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum NotificationChannels {
    Table,
    Id,
    Name,
    ChannelType,
    /// Encrypted JSON (may hold webhook URLs, SMTP passwords, bot tokens).
    Config,
    Enabled,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum NotificationEvents {
    Table,
    Id,
    ChannelId,
    EventType,
    Enabled,
}

#[derive(DeriveIden, Clone, Copy)]
enum UserNotificationPreferences {
    Table,
    Id,
    UserId,
    EventType,
    InApp,
    External,
}

#[derive(DeriveIden, Clone, Copy)]
enum NotificationDeliveries {
    Table,
    Id,
    ChannelId,
    EventType,
    Status,
    Attempts,
    Error,
    Payload,
    CreatedAt,
    DeliveredAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum UserNotifications {
    Table,
    Id,
    UserId,
    EventType,
    Title,
    Message,
    Severity,
    Link,
    IsRead,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(NotificationChannels::Table)
                .col(id(NotificationChannels::Id))
                .col(text(NotificationChannels::Name))
                .col(text(NotificationChannels::ChannelType))
                .col(long_text_null(NotificationChannels::Config))
                .col(flag(NotificationChannels::Enabled, true))
                .col(ts(NotificationChannels::CreatedAt))
                .col(ts(NotificationChannels::UpdatedAt))
                .to_owned(),
        )
        .await?;
        m.create_index(unique(
            NotificationChannels::Table,
            "idx_notification_channels_name",
            &["name"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(NotificationEvents::Table)
                .col(id(NotificationEvents::Id))
                .col(big(NotificationEvents::ChannelId))
                .col(text(NotificationEvents::EventType))
                .col(flag(NotificationEvents::Enabled, true))
                .foreign_key(&mut fk(
                    NotificationEvents::Table,
                    NotificationEvents::ChannelId,
                    NotificationChannels::Table,
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(unique(
            NotificationEvents::Table,
            "idx_notification_events_unique",
            &["channel_id", "event_type"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(UserNotificationPreferences::Table)
                .col(id(UserNotificationPreferences::Id))
                .col(big(UserNotificationPreferences::UserId))
                .col(text(UserNotificationPreferences::EventType))
                .col(flag(UserNotificationPreferences::InApp, true))
                .col(flag(UserNotificationPreferences::External, false))
                .foreign_key(&mut fk(
                    UserNotificationPreferences::Table,
                    UserNotificationPreferences::UserId,
                    Users::Table,
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(unique(
            UserNotificationPreferences::Table,
            "idx_user_notification_preferences_unique",
            &["user_id", "event_type"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(NotificationDeliveries::Table)
                .col(id(NotificationDeliveries::Id))
                .col(big(NotificationDeliveries::ChannelId))
                .col(text(NotificationDeliveries::EventType))
                .col(text(NotificationDeliveries::Status))
                .col(int(NotificationDeliveries::Attempts, 0))
                .col(long_text_null(NotificationDeliveries::Error))
                .col(json_null(NotificationDeliveries::Payload))
                .col(ts(NotificationDeliveries::CreatedAt))
                .col(ts_null(NotificationDeliveries::DeliveredAt))
                .foreign_key(&mut fk(
                    NotificationDeliveries::Table,
                    NotificationDeliveries::ChannelId,
                    NotificationChannels::Table,
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            NotificationDeliveries::Table,
            "idx_notification_deliveries_channel_created",
            &["channel_id", "created_at"],
        ))
        .await?;
        m.create_index(index(
            NotificationDeliveries::Table,
            "idx_notification_deliveries_status",
            &["status"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(UserNotifications::Table)
                .col(id(UserNotifications::Id))
                .col(big(UserNotifications::UserId))
                .col(text(UserNotifications::EventType))
                .col(text(UserNotifications::Title))
                .col(long_text_null(UserNotifications::Message))
                .col(text(UserNotifications::Severity))
                .col(text_null(UserNotifications::Link))
                .col(flag(UserNotifications::IsRead, false))
                .col(ts(UserNotifications::CreatedAt))
                .foreign_key(&mut fk(
                    UserNotifications::Table,
                    UserNotifications::UserId,
                    Users::Table,
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            UserNotifications::Table,
            "idx_user_notifications_inbox",
            &["user_id", "is_read", "created_at"],
        ))
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            UserNotifications::Table.into_iden(),
            NotificationDeliveries::Table.into_iden(),
            UserNotificationPreferences::Table.into_iden(),
            NotificationEvents::Table.into_iden(),
            NotificationChannels::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
