//! Credentials Kubarr generates for an app before its first start, and how the app's chart says
//! which it needs (`kubarr.io/credentials`) and how it signs people in (`kubarr.io/gateway-auth`).
//!
//! The values themselves are made and kept (encrypted) by the server; this crate only names them
//! and delivers them as one Secret in the app's namespace ([`CREDENTIALS_SECRET`]), which the
//! chart reads with `secretKeyRef`. Helm never sees them, so they are in no release's values.

use std::collections::BTreeMap;

/// The Secret in each app's namespace that holds the generated credentials. Not owned by the
/// Helm release: an uninstall that keeps the data keeps it, so a reinstall signs in as before.
pub const CREDENTIALS_SECRET: &str = "kubarr-credentials";

/// One key of the credentials Secret.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CredentialKey {
    /// A 32-digit lowercase hex API key (the Servarr apps' format).
    ApiKey,
    /// The app's own account name.
    Username,
    /// The app's own account password.
    Password,
    /// The same password as qBittorrent stores it (PBKDF2-HMAC-SHA512), for a seeded config file.
    PasswordPbkdf2,
    /// The same password as Transmission stores it (`{` + salted SHA-1 + salt), for `settings.json`.
    PasswordSsha1,
    /// The salt of Deluge web's stored password (`web.conf` `pwd_salt`).
    DelugeWebSalt,
    /// SHA-1 of that salt and the password, as Deluge web checks it (`web.conf` `pwd_sha1`).
    DelugeWebSha1,
    /// A second key in the API key's format, derived from it (SABnzbd's `nzb_key`, which only
    /// lets a client add NZBs).
    NzbKey,
}

impl CredentialKey {
    pub const ALL: [CredentialKey; 8] = [
        Self::ApiKey,
        Self::Username,
        Self::Password,
        Self::PasswordPbkdf2,
        Self::PasswordSsha1,
        Self::DelugeWebSalt,
        Self::DelugeWebSha1,
        Self::NzbKey,
    ];

    /// The key's name in the Secret (and in the annotation).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::ApiKey => "api-key",
            Self::Username => "username",
            Self::Password => "password",
            Self::PasswordPbkdf2 => "password-pbkdf2",
            Self::PasswordSsha1 => "password-ssha1",
            Self::DelugeWebSalt => "deluge-web-salt",
            Self::DelugeWebSha1 => "deluge-web-sha1",
            Self::NzbKey => "nzb-key",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// How an app's web UI expects to be signed in to when it is opened through Kubarr's gateway.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GatewayAuth {
    /// The app trusts the gateway in front of it and asks for no login of its own (the Servarr
    /// apps' `External` method). Such an app must never be reachable without Kubarr's sign-in.
    External,
    /// The gateway presents the generated username and password as HTTP Basic.
    Basic,
}

impl GatewayAuth {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "external" => Some(Self::External),
            "basic" => Some(Self::Basic),
            _ => None,
        }
    }
}

/// Parses `kubarr.io/credentials` (comma-separated keys).
pub fn parse_keys(annotation: &str) -> Result<Vec<CredentialKey>, String> {
    let mut keys = Vec::new();
    for part in annotation
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let key = CredentialKey::parse(part).ok_or_else(|| {
            format!(
                "kubarr.io/credentials: `{part}` is not one of {}",
                CredentialKey::ALL.map(CredentialKey::as_str).join(", ")
            )
        })?;
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    keys.sort();
    Ok(keys)
}

/// The Secret's data: key name → value.
pub type SecretData = BTreeMap<&'static str, String>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annotations_parse_to_known_keys_only() {
        assert_eq!(
            parse_keys("password, username ,api-key,username").unwrap(),
            vec![
                CredentialKey::ApiKey,
                CredentialKey::Username,
                CredentialKey::Password
            ]
        );
        assert!(parse_keys("api-key,token").unwrap_err().contains("`token`"));
        assert_eq!(parse_keys("").unwrap(), vec![]);
        assert_eq!(
            parse_keys("deluge-web-sha1,deluge-web-salt,password-ssha1,nzb-key").unwrap(),
            vec![
                CredentialKey::PasswordSsha1,
                CredentialKey::DelugeWebSalt,
                CredentialKey::DelugeWebSha1,
                CredentialKey::NzbKey
            ]
        );
        // Every key's name parses back to it, and no two share a name.
        for key in CredentialKey::ALL {
            assert_eq!(CredentialKey::parse(key.as_str()), Some(key));
        }
        let names: std::collections::BTreeSet<_> =
            CredentialKey::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(names.len(), CredentialKey::ALL.len());
        assert_eq!(GatewayAuth::parse("external"), Some(GatewayAuth::External));
        assert_eq!(GatewayAuth::parse("Basic"), None);
    }
}
