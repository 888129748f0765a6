//! The credentials Kubarr generates for an app whose chart asks for them
//! (`kubarr.io/credentials`): made once from the OS's CSPRNG, kept sealed with the server's key
//! (`app_credentials`), and delivered only as the app namespace's credentials Secret before each
//! deploy. An app the gateway signs in to with HTTP Basic (`kubarr.io/gateway-auth: basic`) also
//! gets them as its gateway credentials, unless an administrator set others.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use chrono::Utc;
use kubarr_orchestrator::catalog::CatalogEntry;
use kubarr_orchestrator::credentials::{CredentialKey, GatewayAuth, SecretData};
use rand::distributions::{Alphanumeric, DistString};
use rand::rngs::OsRng;
use rand::RngCore;
use sea_orm::ConnectionTrait;
use serde::{Deserialize, Serialize};
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha512};

use crate::gateway::AccessMode;
use crate::secret_key::SecretKey;

/// The account name Kubarr gives the apps it creates an account in.
pub const ACCOUNT_NAME: &str = "kubarr";
/// qBittorrent's PBKDF2 work factor and salt length (what it writes itself).
const QBITTORRENT_ITERATIONS: u32 = 100_000;
const QBITTORRENT_SALT_LEN: usize = 16;
/// Transmission's salt: 8 characters from this alphabet (what it writes itself).
const TRANSMISSION_SALT_LEN: usize = 8;
const TRANSMISSION_SALT_CHARS: &[u8] =
    b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ./";

/// One app's generated credentials. `Debug` shows no value.
#[derive(Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct AppCredentials {
    pub api_key: String,
    pub username: String,
    pub password: String,
}

impl std::fmt::Debug for AppCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AppCredentials(********)")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CredentialsError {
    #[error(transparent)]
    Db(#[from] sea_orm::DbErr),
    #[error("the stored credentials of {0} cannot be opened with this server's key")]
    Unsealable(String),
}

impl AppCredentials {
    /// Fresh credentials: a 128-bit hex API key and a 32-character password.
    pub fn generate() -> Self {
        let mut key = [0u8; 16];
        OsRng.fill_bytes(&mut key);
        Self {
            api_key: hex::encode(key),
            username: ACCOUNT_NAME.to_owned(),
            password: Alphanumeric.sample_string(&mut OsRng, 32),
        }
    }

    /// The Secret's data: exactly the keys the chart asked for. The stored forms of the password
    /// get a fresh salt each time (the app keeps whichever it was seeded with); Deluge's salt and
    /// hash come from the same call, so they always match each other.
    pub fn secret_data(&self, keys: &[CredentialKey]) -> SecretData {
        let mut deluge_salt = [0u8; 32];
        OsRng.fill_bytes(&mut deluge_salt);
        let deluge_salt = hex::encode(Sha1::digest(deluge_salt));
        keys.iter()
            .map(|key| {
                let value = match key {
                    CredentialKey::ApiKey => self.api_key.clone(),
                    CredentialKey::Username => self.username.clone(),
                    CredentialKey::Password => self.password.clone(),
                    CredentialKey::PasswordPbkdf2 => {
                        let mut salt = [0u8; QBITTORRENT_SALT_LEN];
                        OsRng.fill_bytes(&mut salt);
                        qbittorrent_pbkdf2(&self.password, &salt)
                    }
                    CredentialKey::PasswordSsha1 => {
                        let mut bytes = [0u8; TRANSMISSION_SALT_LEN];
                        OsRng.fill_bytes(&mut bytes);
                        let salt: String = bytes
                            .iter()
                            .map(|b| {
                                let i = usize::from(*b) % TRANSMISSION_SALT_CHARS.len();
                                char::from(TRANSMISSION_SALT_CHARS[i])
                            })
                            .collect();
                        transmission_ssha1(&self.password, &salt)
                    }
                    CredentialKey::DelugeWebSalt => deluge_salt.clone(),
                    CredentialKey::DelugeWebSha1 => deluge_web_sha1(&deluge_salt, &self.password),
                    CredentialKey::NzbKey => derived_key(&self.api_key, "nzb-key"),
                };
                (key.as_str(), value)
            })
            .collect()
    }

    /// The HTTP Basic `Authorization` value for the generated account.
    pub fn basic_authorization(&self) -> String {
        format!(
            "Basic {}",
            B64.encode(format!("{}:{}", self.username, self.password))
        )
    }
}

/// The password as qBittorrent stores it in `WebUI\Password_PBKDF2`:
/// `@ByteArray(<base64 salt>:<base64 PBKDF2-HMAC-SHA512 key>)`.
pub fn qbittorrent_pbkdf2(password: &str, salt: &[u8]) -> String {
    let mut key = [0u8; 64];
    pbkdf2::pbkdf2_hmac::<Sha512>(password.as_bytes(), salt, QBITTORRENT_ITERATIONS, &mut key);
    format!("@ByteArray({}:{})", B64.encode(salt), B64.encode(key))
}

/// The password as Transmission stores it in `rpc-password`: `{`, the hex SHA-1 of the password
/// followed by the salt, then the salt.
pub fn transmission_ssha1(password: &str, salt: &str) -> String {
    let mut h = Sha1::new();
    h.update(password.as_bytes());
    h.update(salt.as_bytes());
    format!("{{{}{salt}", hex::encode(h.finalize()))
}

/// The password as Deluge web checks it (`web.conf` `pwd_sha1`): hex SHA-1 of salt then password.
pub fn deluge_web_sha1(salt: &str, password: &str) -> String {
    let mut h = Sha1::new();
    h.update(salt.as_bytes());
    h.update(password.as_bytes());
    hex::encode(h.finalize())
}

/// A 32-hex-digit key derived one way from the API key and a purpose: stable for the app's
/// lifetime without a second stored value, and telling nothing about the API key.
pub fn derived_key(api_key: &str, purpose: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"kubarr derived key\0");
    h.update(purpose.as_bytes());
    h.update(b"\0");
    h.update(api_key.as_bytes());
    hex::encode(&h.finalize()[..16])
}

/// The app's credentials: the stored ones, or new ones stored now (the first writer wins).
pub async fn ensure(
    db: &impl ConnectionTrait,
    key: &SecretKey,
    app: &str,
) -> Result<AppCredentials, CredentialsError> {
    use kubarr_db::queries::app_credentials as rows;
    let sealed = match rows::find(db, app).await? {
        Some(sealed) => sealed,
        None => {
            let fresh =
                serde_json::to_string(&AppCredentials::generate()).expect("credentials serialise");
            rows::keep_first(db, app, key.encrypt(&fresh), Utc::now()).await?
        }
    };
    let clear = key
        .decrypt(&sealed)
        .map_err(|_| CredentialsError::Unsealable(app.to_owned()))?;
    serde_json::from_str(&clear).map_err(|_| CredentialsError::Unsealable(app.to_owned()))
}

/// Makes the generated account the gateway's credentials for a Basic-auth app, unless an
/// administrator set some. Returns whether it changed anything.
pub async fn offer_to_gateway(
    db: &impl ConnectionTrait,
    key: &SecretKey,
    entry: &CatalogEntry,
    credentials: &AppCredentials,
) -> Result<bool, sea_orm::DbErr> {
    if entry.gateway_auth != Some(GatewayAuth::Basic) {
        return Ok(false);
    }
    let app = entry.name.as_str();
    kubarr_db::queries::gateway::set_upstream_auth_if_unset(
        db,
        app,
        AccessMode::default_for(app).as_str(),
        key.encrypt(&credentials.basic_authorization()),
        Utc::now(),
    )
    .await
}

/// Forgets the app's credentials (its data was deleted), and takes them back from the gateway
/// if they are what it presents (an administrator's own credentials stay).
pub async fn forget(
    db: &impl ConnectionTrait,
    key: &SecretKey,
    app: &str,
) -> Result<(), sea_orm::DbErr> {
    use kubarr_db::queries::{app_credentials as rows, gateway};
    let Some(sealed) = rows::find(db, app).await? else {
        return Ok(());
    };
    let generated = key
        .decrypt(&sealed)
        .ok()
        .and_then(|clear| serde_json::from_str::<AppCredentials>(&clear).ok())
        .map(|c| c.basic_authorization());
    let presented = gateway::list_access(db)
        .await?
        .into_iter()
        .find(|row| row.app_name == app)
        .and_then(|row| row.upstream_auth)
        .and_then(|stored| key.decrypt(&stored).ok());
    if generated.is_some() && generated == presented {
        let mode = AccessMode::default_for(app).as_str();
        gateway::set_upstream_auth(db, app, mode, None, Utc::now()).await?;
    }
    rows::delete(db, app).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_values_have_the_apps_formats_and_differ_each_time() {
        let a = AppCredentials::generate();
        let b = AppCredentials::generate();
        assert_eq!(a.api_key.len(), 32);
        assert!(a
            .api_key
            .bytes()
            .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c)));
        assert_eq!(a.password.len(), 32);
        assert!(a.password.bytes().all(|c| c.is_ascii_alphanumeric()));
        assert_ne!(a.api_key, b.api_key);
        assert_ne!(a.password, b.password);
        assert_eq!(format!("{a:?}"), "AppCredentials(********)");
    }

    #[test]
    fn the_secret_holds_exactly_the_keys_asked_for() {
        let c = AppCredentials::generate();
        let data = c.secret_data(&[CredentialKey::ApiKey]);
        assert_eq!(data.keys().copied().collect::<Vec<_>>(), vec!["api-key"]);
        assert_eq!(data["api-key"], c.api_key);
        let data = c.secret_data(&[
            CredentialKey::Username,
            CredentialKey::Password,
            CredentialKey::PasswordPbkdf2,
        ]);
        assert_eq!(data["username"], "kubarr");
        assert!(data["password-pbkdf2"].starts_with("@ByteArray("));
        assert!(!data["password-pbkdf2"].contains(&c.password));
    }

    #[test]
    fn the_pbkdf2_form_is_salt_and_key_in_base64() {
        let form = qbittorrent_pbkdf2("adminadmin", &[7u8; 16]);
        let inner = form
            .strip_prefix("@ByteArray(")
            .and_then(|s| s.strip_suffix(')'))
            .unwrap();
        let (salt, key) = inner.split_once(':').unwrap();
        assert_eq!(B64.decode(salt).unwrap(), vec![7u8; 16]);
        assert_eq!(B64.decode(key).unwrap().len(), 64);
        // Deterministic for one salt, different for another.
        assert_eq!(form, qbittorrent_pbkdf2("adminadmin", &[7u8; 16]));
        assert_ne!(form, qbittorrent_pbkdf2("adminadmin", &[8u8; 16]));
    }

    #[test]
    fn transmissions_form_is_brace_salted_sha1_and_salt() {
        // Transmission's own test vector: "test" with the salt "AMbyRHJy".
        assert_eq!(
            transmission_ssha1("test", "AMbyRHJy"),
            "{15ad0621b259a84d24dcd4e75b09004e98a3627bAMbyRHJy"
        );
        let c = AppCredentials::generate();
        let data = c.secret_data(&[CredentialKey::PasswordSsha1]);
        let form = &data["password-ssha1"];
        assert_eq!(form.len(), 1 + 40 + 8);
        let salt = &form[41..];
        assert!(salt.bytes().all(|b| TRANSMISSION_SALT_CHARS.contains(&b)));
        assert_eq!(form, &transmission_ssha1(&c.password, salt));
        assert!(!form.contains(&c.password));
    }

    #[test]
    fn deluges_salt_and_hash_belong_together() {
        // sha1("abc")
        assert_eq!(
            deluge_web_sha1("a", "bc"),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
        let c = AppCredentials::generate();
        let data = c.secret_data(&[CredentialKey::DelugeWebSalt, CredentialKey::DelugeWebSha1]);
        let salt = &data["deluge-web-salt"];
        assert_eq!(salt.len(), 40);
        assert_eq!(data["deluge-web-sha1"], deluge_web_sha1(salt, &c.password));
        // A new salt every time.
        let again = c.secret_data(&[CredentialKey::DelugeWebSalt]);
        assert_ne!(&again["deluge-web-salt"], salt);
    }

    #[test]
    fn the_nzb_key_is_stable_and_reveals_nothing_of_the_api_key() {
        let c = AppCredentials::generate();
        let a = c.secret_data(&[CredentialKey::NzbKey]);
        let b = c.secret_data(&[CredentialKey::NzbKey]);
        assert_eq!(a["nzb-key"], b["nzb-key"]);
        assert_eq!(a["nzb-key"].len(), 32);
        assert!(a["nzb-key"].bytes().all(|b| b.is_ascii_hexdigit()));
        assert_ne!(a["nzb-key"], c.api_key);
        assert_ne!(
            derived_key(&c.api_key, "nzb-key"),
            derived_key(&c.api_key, "other")
        );
    }

    #[test]
    fn basic_authorization_encodes_the_account() {
        let c = AppCredentials {
            api_key: String::new(),
            username: "kubarr".into(),
            password: "p4ss".into(),
        };
        assert_eq!(c.basic_authorization(), "Basic a3ViYXJyOnA0c3M=");
    }
}
