//! SeaORM entities, one module per table. These never leave the server: the API has its own DTOs.

pub mod app_installations;
pub mod app_vpn_configs;
pub mod audit_logs;
pub mod invites;
pub mod leases;
pub mod notification_channels;
pub mod notification_deliveries;
pub mod notification_events;
pub mod oauth_accounts;
pub mod oauth_providers;
pub mod pending_2fa_challenges;
pub mod rate_limit_counters;
pub mod role_app_permissions;
pub mod role_permissions;
pub mod roles;
pub mod sessions;
pub mod system_settings;
pub mod two_factor_recovery_codes;
pub mod user_notification_preferences;
pub mod user_notifications;
pub mod user_preferences;
pub mod user_roles;
pub mod users;
pub mod vpn_providers;
