//! The permission vocabulary of the API (dotted names such as `apps.install`) and the marker types
//! that let handlers demand a permission in their signature (`Require<perm::AppsInstall>`).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

macro_rules! permissions {
    ($( $variant:ident = $name:literal, $app_scopable:literal, $description:literal; )+) => {
        /// One permission. Serialised as its dotted name.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Permission {
            $( $variant, )+
        }

        impl Permission {
            /// Every permission, in the contract's order.
            pub const ALL: &'static [Permission] = &[$( Permission::$variant, )+];

            /// The dotted name, e.g. `apps.install`.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $( Permission::$variant => $name, )+
                }
            }

            /// What the permission allows, for humans.
            pub const fn description(self) -> &'static str {
                match self {
                    $( Permission::$variant => $description, )+
                }
            }

            /// Whether a role may hold this permission for one app only (`apps.*`, `logs.view`).
            pub const fn is_app_scopable(self) -> bool {
                match self {
                    $( Permission::$variant => $app_scopable, )+
                }
            }
        }

        impl FromStr for Permission {
            type Err = UnknownPermission;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $( $name => Ok(Permission::$variant), )+
                    _ => Err(UnknownPermission(s.to_owned())),
                }
            }
        }

        /// Zero-sized marker types, one per permission, for [`Require`](super::Require).
        pub mod perm {
            $(
                #[doc = concat!("Marker for `", $name, "`.")]
                #[derive(Clone, Copy, Debug)]
                pub struct $variant;

                impl super::PermissionMarker for $variant {
                    const PERMISSION: super::Permission = super::Permission::$variant;
                }
            )+
        }
    };
}

permissions! {
    UsersView = "users.view", false, "See users and their roles.";
    UsersManage = "users.manage", false, "Create, change, approve, deactivate and delete users; manage invites.";
    UsersResetPassword = "users.reset_password", false, "Set a new password for another user.";
    RolesView = "roles.view", false, "See roles, their permissions and per-app grants.";
    RolesManage = "roles.manage", false, "Create, change and delete roles and their grants.";
    AppsView = "apps.view", true, "See the catalog, installed apps, their status, pods and events.";
    AppsInstall = "apps.install", true, "Install apps from the catalog.";
    AppsUpgrade = "apps.upgrade", true, "Upgrade installed apps and change their values.";
    AppsRestart = "apps.restart", true, "Restart installed apps.";
    AppsDelete = "apps.delete", true, "Uninstall apps.";
    AppsOpen = "apps.open", true, "Open apps through Kubarr's gateway.";
    LogsView = "logs.view", true, "Read the logs of apps.";
    MonitoringView = "monitoring.view", false, "See monitoring dashboards and metrics.";
    SettingsView = "settings.view", false, "See system settings.";
    SettingsManage = "settings.manage", false, "Change system settings.";
    AuditView = "audit.view", false, "Read the audit log.";
    NotificationsView = "notifications.view", false, "See notification channels and deliveries.";
    NotificationsManage = "notifications.manage", false, "Configure notification channels.";
    VpnView = "vpn.view", false, "See VPN providers and which apps use them.";
    VpnManage = "vpn.manage", false, "Configure VPN providers and attach apps to them.";
}

/// Ties a marker type to its permission.
pub trait PermissionMarker: Send + Sync + 'static {
    const PERMISSION: Permission;
}

impl Permission {
    /// A bit for [`PermissionSet`].
    const fn bit(self) -> u32 {
        1 << (self as u32)
    }
}

impl fmt::Display for Permission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A name that is not a permission.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a permission")]
pub struct UnknownPermission(pub String);

impl Serialize for Permission {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Permission {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

impl utoipa::PartialSchema for Permission {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::schema::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .enum_values(Some(Permission::ALL.iter().map(|p| p.as_str())))
            .description(Some("A permission, as its dotted name."))
            .into()
    }
}

impl utoipa::ToSchema for Permission {}

/// A small set of permissions (a bit set: there are fewer than 32).
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct PermissionSet(u32);

impl PermissionSet {
    pub const fn empty() -> Self {
        Self(0)
    }

    pub fn all() -> Self {
        Permission::ALL.iter().copied().collect()
    }

    pub fn insert(&mut self, p: Permission) {
        self.0 |= p.bit();
    }

    pub fn contains(&self, p: Permission) -> bool {
        self.0 & p.bit() != 0
    }

    pub fn is_empty(&self) -> bool {
        self.0 == 0
    }

    /// Whether every permission of `other` is in `self`.
    pub fn is_superset(&self, other: &PermissionSet) -> bool {
        self.0 & other.0 == other.0
    }

    /// The permissions in the contract's order.
    pub fn iter(&self) -> impl Iterator<Item = Permission> + '_ {
        Permission::ALL
            .iter()
            .copied()
            .filter(|p| self.contains(*p))
    }
}

impl FromIterator<Permission> for PermissionSet {
    fn from_iter<I: IntoIterator<Item = Permission>>(iter: I) -> Self {
        let mut set = Self::empty();
        for p in iter {
            set.insert(p);
        }
        set
    }
}

impl fmt::Debug for PermissionSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set()
            .entries(self.iter().map(|p| p.as_str()))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        assert_eq!(Permission::ALL.len(), 20);
        for p in Permission::ALL {
            assert_eq!(p.as_str().parse::<Permission>().unwrap(), *p);
            let json = serde_json::to_string(p).unwrap();
            assert_eq!(json, format!("\"{}\"", p.as_str()));
            assert_eq!(serde_json::from_str::<Permission>(&json).unwrap(), *p);
            assert!(!p.description().is_empty());
        }
        assert!("apps.everything".parse::<Permission>().is_err());
        assert!(serde_json::from_str::<Permission>("\"APPS.VIEW\"").is_err());
    }

    #[test]
    fn app_scopable_permissions() {
        let scopable: Vec<_> = Permission::ALL
            .iter()
            .filter(|p| p.is_app_scopable())
            .map(|p| p.as_str())
            .collect();
        assert_eq!(
            scopable,
            [
                "apps.view",
                "apps.install",
                "apps.upgrade",
                "apps.restart",
                "apps.delete",
                "apps.open",
                "logs.view"
            ]
        );
    }

    #[test]
    fn sets() {
        let mut s = PermissionSet::empty();
        s.insert(Permission::AppsView);
        s.insert(Permission::VpnManage);
        assert!(s.contains(Permission::VpnManage));
        assert!(!s.contains(Permission::UsersView));
        assert!(PermissionSet::all().is_superset(&s));
        assert!(!s.is_superset(&PermissionSet::all()));
        assert_eq!(s.iter().count(), 2);
    }
}
