//! System settings: a fixed set of typed keys stored as JSON in `system_settings`.
//!
//! [`Settings`] is the effective view (stored values over defaults, some defaults coming from
//! the configuration). [`SettingsCache`] keeps it for a few seconds so the per-request auth path
//! does not read the table; a write through the API invalidates it at once.

use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use sea_orm::ConnectionTrait;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use utoipa::ToSchema;

use crate::config::Config;
use crate::error::{AppError, AppResult, ErrorCode};

/// Audit entries are kept this long unless the setting says otherwise.
pub const DEFAULT_AUDIT_RETENTION_DAYS: u64 = 365;
/// Allowed `session_idle_timeout_minutes` (5 minutes to a year).
pub const IDLE_TIMEOUT_MINUTES: (u64, u64) = (5, 525_600);
/// Allowed `session_absolute_lifetime_hours` (1 hour to a year).
pub const ABSOLUTE_LIFETIME_HOURS: (u64, u64) = (1, 8_760);
/// Audit rows are kept this many days (0: for ever).
pub const AUDIT_RETENTION_DAYS: (u64, u64) = (7, 36_500);

/// Every key the API accepts, in display order.
pub const KEYS: &[&str] = &[
    "registration_enabled",
    "registration_requires_approval",
    "registration_default_role",
    "session_idle_timeout_minutes",
    "session_absolute_lifetime_hours",
    "media_storage",
    "public_url",
    "audit_retention_days",
];

/// What a key means, for humans.
pub fn description(key: &str) -> Option<&'static str> {
    Some(match key {
        "registration_enabled" => "Whether people may register without an invite.",
        "registration_requires_approval" => {
            "Whether accounts created by open registration wait for an administrator's approval."
        }
        "registration_default_role" => "The role given to people who register.",
        "session_idle_timeout_minutes" => "A session unused for this many minutes ends.",
        "session_absolute_lifetime_hours" => {
            "A session ends this many hours after login, however active."
        }
        "media_storage" => {
            "Where apps keep media: a host path inside an allowed root, an NFS export, an existing claim in Kubarr's namespace (CSI storage), or none."
        }
        "public_url" => {
            "The address people use to reach Kubarr (invite links; HTTPS turns on HSTS and the __Host- cookie). Only administrators may change it."
        }
        "audit_retention_days" => {
            "Audit entries older than this many days are deleted (0 keeps them forever)."
        }
        _ => return None,
    })
}

/// Where media lives, shared by every app (one filesystem, so hardlinks work between them).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MediaStorage {
    /// `host_path`, `nfs`, `existing_claim` or `none`.
    #[serde(rename = "type")]
    pub kind: MediaStorageKind,
    /// A directory on the node, inside one of the allowed roots (`media.allowed_roots`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_path: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nfs_server: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nfs_path: Option<String>,
    /// A bound claim in Kubarr's own namespace whose CSI volume every app shares.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claim_name: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MediaStorageKind {
    HostPath,
    Nfs,
    ExistingClaim,
    None,
}

impl Default for MediaStorage {
    fn default() -> Self {
        Self {
            kind: MediaStorageKind::None,
            host_path: None,
            nfs_server: None,
            nfs_path: None,
            claim_name: None,
        }
    }
}

/// The effective settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settings {
    pub registration_enabled: bool,
    pub registration_requires_approval: bool,
    pub registration_default_role: String,
    pub session_idle_timeout_minutes: u64,
    pub session_absolute_lifetime_hours: u64,
    pub media_storage: MediaStorage,
    pub public_url: Option<String>,
    /// 0: keep the audit log forever.
    pub audit_retention_days: u64,
}

impl Settings {
    /// Every default (session lifetimes from the configuration).
    pub fn defaults(config: &Config) -> Self {
        Self {
            registration_enabled: false,
            registration_requires_approval: true,
            registration_default_role: "viewer".into(),
            session_idle_timeout_minutes: config.session.idle_timeout_minutes,
            session_absolute_lifetime_hours: config.session.absolute_lifetime_hours,
            media_storage: MediaStorage::default(),
            public_url: None,
            audit_retention_days: DEFAULT_AUDIT_RETENTION_DAYS,
        }
    }

    /// Whether people reach Kubarr over HTTPS (the public URL says so): then the session cookie
    /// is `__Host-` and `Secure`, and responses carry HSTS.
    pub fn public_url_is_https(&self) -> bool {
        self.public_url
            .as_deref()
            .is_some_and(|u| u.len() > 8 && u[..8].eq_ignore_ascii_case("https://"))
    }

    pub fn idle_timeout(&self) -> chrono::Duration {
        chrono::Duration::minutes(self.session_idle_timeout_minutes as i64)
    }

    pub fn absolute_lifetime(&self) -> chrono::Duration {
        chrono::Duration::hours(self.session_absolute_lifetime_hours as i64)
    }

    /// Reads the stored settings over the defaults. A stored value that no longer parses is
    /// ignored (with a warning) rather than breaking every request.
    pub async fn load(db: &impl ConnectionTrait, config: &Config) -> Result<Self, sea_orm::DbErr> {
        let mut settings = Self::defaults(config);
        for row in kubarr_db::queries::settings::list(db).await? {
            if !KEYS.contains(&row.key.as_str()) {
                // Internal markers (such as setup's) are not settings.
                continue;
            }
            let Ok(value) = serde_json::from_str::<Value>(&row.value) else {
                tracing::warn!(key = %row.key, "stored setting is not JSON; using the default");
                continue;
            };
            if let Err(e) = settings.apply(&row.key, value) {
                tracing::warn!(key = %row.key, error = %e, "stored setting is invalid; using the default");
            }
        }
        Ok(settings)
    }

    /// The value of a key as JSON.
    pub fn get(&self, key: &str) -> Option<Value> {
        Some(match key {
            "registration_enabled" => json!(self.registration_enabled),
            "registration_requires_approval" => json!(self.registration_requires_approval),
            "registration_default_role" => json!(self.registration_default_role),
            "session_idle_timeout_minutes" => json!(self.session_idle_timeout_minutes),
            "session_absolute_lifetime_hours" => json!(self.session_absolute_lifetime_hours),
            "media_storage" => serde_json::to_value(&self.media_storage).ok()?,
            "public_url" => json!(self.public_url),
            "audit_retention_days" => json!(self.audit_retention_days),
            _ => return None,
        })
    }

    /// Sets one key from JSON after checking its type and range. Cross-key rules are checked by
    /// [`validate`](Self::validate). Errors name the field (`value` or `value.<sub>`).
    pub fn apply(&mut self, key: &str, value: Value) -> AppResult<()> {
        fn typed<T: serde::de::DeserializeOwned>(value: Value, what: &str) -> AppResult<T> {
            serde_path_to_error::deserialize(value).map_err(|e| {
                let path = e.path().to_string();
                let field = if path == "." || path.is_empty() {
                    "value".to_owned()
                } else {
                    format!("value.{path}")
                };
                AppError::validation(field, format!("Expected {what}: {}.", e.into_inner()))
            })
        }
        fn range(v: u64, (min, max): (u64, u64)) -> AppResult<u64> {
            if (min..=max).contains(&v) {
                Ok(v)
            } else {
                Err(AppError::unprocessable(
                    ErrorCode::InvalidSetting,
                    format!("The value must be between {min} and {max}."),
                )
                .with_field("value"))
            }
        }
        match key {
            "registration_enabled" => self.registration_enabled = typed(value, "true or false")?,
            "registration_requires_approval" => {
                self.registration_requires_approval = typed(value, "true or false")?
            }
            "registration_default_role" => {
                let role: String = typed(value, "a role name")?;
                let role = role.trim().to_owned();
                if role.is_empty()
                    || role.chars().count() > 64
                    || role.chars().any(char::is_control)
                {
                    return Err(AppError::unprocessable(
                        ErrorCode::InvalidSetting,
                        "The role name must have 1 to 64 characters.",
                    )
                    .with_field("value"));
                }
                self.registration_default_role = role;
            }
            "session_idle_timeout_minutes" => {
                self.session_idle_timeout_minutes = range(
                    typed(value, "a whole number of minutes")?,
                    IDLE_TIMEOUT_MINUTES,
                )?
            }
            "session_absolute_lifetime_hours" => {
                self.session_absolute_lifetime_hours = range(
                    typed(value, "a whole number of hours")?,
                    ABSOLUTE_LIFETIME_HOURS,
                )?
            }
            "media_storage" => {
                let storage: MediaStorage = typed(
                    value,
                    "an object {type, host_path?, nfs_server?, nfs_path?, claim_name?}",
                )?;
                validate_storage(&storage)?;
                self.media_storage = storage;
            }
            "public_url" => {
                let url: Option<String> = typed(value, "a URL or null")?;
                let url = url
                    .map(|u| u.trim().trim_end_matches('/').to_owned())
                    .filter(|u| !u.is_empty());
                if let Some(u) = &url {
                    let ok = (u.starts_with("http://") || u.starts_with("https://"))
                        && u.len() <= 2048
                        && !u.chars().any(|c| c.is_whitespace() || c.is_control());
                    if !ok {
                        return Err(AppError::unprocessable(
                            ErrorCode::InvalidSetting,
                            "The public URL must start with http:// or https://.",
                        )
                        .with_field("value"));
                    }
                }
                self.public_url = url;
            }
            "audit_retention_days" => {
                let days: u64 = typed(value, "a whole number of days")?;
                self.audit_retention_days = if days == 0 {
                    0
                } else {
                    range(days, AUDIT_RETENTION_DAYS)?
                };
            }
            _ => {
                return Err(AppError::not_found(
                    ErrorCode::SettingNotFound,
                    "There is no such setting.",
                ))
            }
        }
        Ok(())
    }

    /// Rules that span keys.
    pub fn validate(&self) -> AppResult<()> {
        if self.session_idle_timeout_minutes > self.session_absolute_lifetime_hours * 60 {
            return Err(AppError::unprocessable(
                ErrorCode::InvalidSetting,
                "The idle timeout must not exceed the absolute session lifetime.",
            )
            .with_field("value"));
        }
        Ok(())
    }
}

fn validate_storage(s: &MediaStorage) -> AppResult<()> {
    let bad = |field: &str, message: &'static str| {
        Err(AppError::unprocessable(ErrorCode::InvalidSetting, message)
            .with_field(format!("value.{field}")))
    };
    // Shape only: the handler canonicalises paths (resolving `..`) and checks the allowed roots.
    let abs_path = |p: &str| crate::apps::media::canonical(p).is_some() && p.len() <= 1024;
    match s.kind {
        MediaStorageKind::HostPath => match s.host_path.as_deref() {
            Some(p) if abs_path(p) => {}
            _ => return bad("host_path", "An absolute host path is required."),
        },
        MediaStorageKind::Nfs => {
            match s.nfs_server.as_deref() {
                Some(h)
                    if !h.is_empty()
                        && h.len() <= 253
                        && h.chars()
                            .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c)) => {}
                _ => {
                    return bad(
                        "nfs_server",
                        "A valid NFS server host name or address is required.",
                    )
                }
            }
            match s.nfs_path.as_deref() {
                Some(p) if abs_path(p) => {}
                _ => return bad("nfs_path", "An absolute NFS export path is required."),
            }
        }
        MediaStorageKind::ExistingClaim => match s.claim_name.as_deref() {
            Some(c)
                if !c.is_empty()
                    && c.len() <= 253
                    && c.split('.').all(|l| {
                        !l.is_empty()
                            && l.bytes()
                                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                            && !l.starts_with('-')
                            && !l.ends_with('-')
                    }) => {}
            _ => {
                return bad(
                    "claim_name",
                    "The name of a claim in Kubarr's namespace is required.",
                )
            }
        },
        MediaStorageKind::None => {}
    }
    Ok(())
}

/// The effective settings, cached for a few seconds.
pub struct SettingsCache {
    ttl: Duration,
    current: RwLock<Option<(Instant, Arc<Settings>)>>,
}

impl Default for SettingsCache {
    fn default() -> Self {
        Self {
            ttl: Duration::from_secs(5),
            current: RwLock::new(None),
        }
    }
}

impl SettingsCache {
    pub async fn get(
        &self,
        db: &impl ConnectionTrait,
        config: &Config,
    ) -> Result<Arc<Settings>, sea_orm::DbErr> {
        if let Some((at, s)) = self
            .current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
        {
            if at.elapsed() < self.ttl {
                return Ok(s.clone());
            }
        }
        let fresh = Arc::new(Settings::load(db, config).await?);
        *self.current.write().unwrap_or_else(|e| e.into_inner()) =
            Some((Instant::now(), fresh.clone()));
        Ok(fresh)
    }

    /// Forgets the cached view (after a write).
    pub fn invalidate(&self) {
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn defaults() -> Settings {
        Settings::defaults(&Config::for_tests("sqlite::memory:", "/tmp".into()))
    }

    #[test]
    fn typed_values_are_checked() {
        let mut s = defaults();
        s.apply("registration_enabled", json!(true)).unwrap();
        assert!(s.registration_enabled);
        let e = s.apply("registration_enabled", json!("yes")).unwrap_err();
        assert_eq!(e.status().as_u16(), 400);
        let e = s
            .apply("session_idle_timeout_minutes", json!(1))
            .unwrap_err();
        assert_eq!(e.status().as_u16(), 422);
        let e = s.apply("nope", json!(1)).unwrap_err();
        assert_eq!(e.status().as_u16(), 404);
        s.apply(
            "media_storage",
            json!({"type": "nfs", "nfs_server": "nas.local", "nfs_path": "/media"}),
        )
        .unwrap();
        let e = s
            .apply(
                "media_storage",
                json!({"type": "host_path", "host_path": "../etc"}),
            )
            .unwrap_err();
        assert_eq!(e.status().as_u16(), 422);
        let e = s
            .apply("media_storage", json!({"type": "tape"}))
            .unwrap_err();
        assert_eq!(e.status().as_u16(), 400);
        for key in KEYS {
            assert!(description(key).is_some());
            let v = s.get(key).unwrap();
            s.apply(key, v).unwrap();
        }
    }

    #[test]
    fn idle_cannot_exceed_absolute() {
        let mut s = defaults();
        s.apply("session_absolute_lifetime_hours", json!(1))
            .unwrap();
        s.apply("session_idle_timeout_minutes", json!(120)).unwrap();
        assert!(s.validate().is_err());
    }
}
