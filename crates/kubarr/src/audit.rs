//! Writing the audit trail from handlers.
//!
//! Build an [`Audit`] from the acting user (`user.audit()`) or from the client address for
//! unauthenticated endpoints, then call [`Audit::record`] with the **same transaction** as the
//! change, so the change and its audit row commit together or not at all. `details` must never
//! hold secrets (passwords, tokens, TOTP secrets or codes, recovery codes).

use std::net::IpAddr;

use sea_orm::{ConnectionTrait, DbErr};
use serde::{Deserialize, Serialize};

use kubarr_db::queries::audit::{record, Entry};

macro_rules! audit_actions {
    ($( $variant:ident = $name:literal ),+ $(,)?) => {
        /// What happened. Stored as its snake_case name in `audit_logs.action`.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum AuditAction {
            $( $variant, )+
        }

        impl AuditAction {
            pub const ALL: &'static [AuditAction] = &[$( AuditAction::$variant, )+];

            pub const fn as_str(self) -> &'static str {
                match self {
                    $( AuditAction::$variant => $name, )+
                }
            }
        }

        impl std::str::FromStr for AuditAction {
            type Err = ();
            fn from_str(s: &str) -> Result<Self, ()> {
                match s {
                    $( $name => Ok(AuditAction::$variant), )+
                    _ => Err(()),
                }
            }
        }
    };
}

audit_actions! {
    LoginSucceeded = "login_succeeded",
    LoginFailed = "login_failed",
    Logout = "logout",
    SessionRevoked = "session_revoked",
    SetupCompleted = "setup_completed",
    UserCreated = "user_created",
    UserUpdated = "user_updated",
    UserDeleted = "user_deleted",
    PasswordChanged = "password_changed",
    PasswordReset = "password_reset",
    TwoFactorSetupStarted = "two_factor_setup_started",
    TwoFactorEnabled = "two_factor_enabled",
    TwoFactorDisabled = "two_factor_disabled",
    RecoveryCodeUsed = "recovery_code_used",
    InviteCreated = "invite_created",
    InviteRevoked = "invite_revoked",
    UserRegistered = "user_registered",
    RoleCreated = "role_created",
    RoleUpdated = "role_updated",
    RoleDeleted = "role_deleted",
    SettingChanged = "setting_changed",
    AppInstalled = "app_installed",
    AppUpgraded = "app_upgraded",
    AppRestarted = "app_restarted",
    AppUninstalled = "app_uninstalled",
    AppOperationFailed = "app_operation_failed",
    CatalogReloaded = "catalog_reloaded",
    AppOpened = "app_opened",
    AppAccessChanged = "app_access_changed",
    WiringLinkApplied = "wiring_link_applied",
    WiringLinkRemoved = "wiring_link_removed",
    WiringLinkRepaired = "wiring_link_repaired",
    WiringLinkChanged = "wiring_link_changed",
    AppAccountSet = "app_account_set",
    AppAccountRemoved = "app_account_removed",
}

impl std::fmt::Display for AuditAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who acts and from where; writes audit rows.
#[derive(Clone, Debug, Default)]
pub struct Audit {
    pub user_id: Option<i64>,
    pub username: Option<String>,
    pub ip: Option<String>,
}

impl Audit {
    /// An actor known only by address (login, register, setup).
    pub fn anonymous(ip: Option<IpAddr>) -> Self {
        Self {
            user_id: None,
            username: None,
            ip: ip.map(|ip| ip.to_string()),
        }
    }

    /// The same address, acting as a user.
    pub fn by_user(mut self, user_id: i64, username: impl Into<String>) -> Self {
        self.user_id = Some(user_id);
        self.username = Some(username.into());
        self
    }

    /// Inserts one audit row through `db` (pass the change's transaction).
    pub async fn record(
        &self,
        db: &impl ConnectionTrait,
        action: AuditAction,
        resource_type: &str,
        resource_id: impl Into<Option<String>>,
        details: serde_json::Value,
    ) -> Result<(), DbErr> {
        let mut entry = Entry::new(action.as_str(), resource_type)
            .actor(self.user_id, self.username.clone())
            .ip(self.ip.clone());
        entry.resource_id = resource_id.into();
        if !details.is_null() {
            entry = entry.details(details);
        }
        record(db, entry).await.map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn action_names_are_snake_case_and_round_trip() {
        for a in AuditAction::ALL {
            let json = serde_json::to_string(a).unwrap();
            assert_eq!(json, format!("\"{}\"", a.as_str()));
            assert_eq!(a.as_str().parse::<AuditAction>(), Ok(*a));
        }
        assert_eq!(AuditAction::TwoFactorEnabled.as_str(), "two_factor_enabled");
    }
}
