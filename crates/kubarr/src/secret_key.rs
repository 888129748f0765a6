//! The server's secret key: encrypts stored secrets (TOTP seeds, client secrets, VPN credentials).
//!
//! Taken from the configuration, or read from `<data_dir>/secret.key`, generated there with mode
//! 0600 on first start. Values are sealed with AES-256-GCM under a key derived from it by SHA-256,
//! with a random 96-bit nonce per value; the stored form is `v1:<base64(nonce ‖ ciphertext)>`.

use std::io::Write;
use std::path::Path;

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};

const FILE_NAME: &str = "secret.key";
const PREFIX: &str = "v1:";

/// Encrypts and decrypts stored secrets.
#[derive(Clone)]
pub struct SecretKey {
    cipher: Aes256Gcm,
}

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(********)")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SecretKeyError {
    #[error("cannot read or create {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{path} must hold at least 32 characters")]
    TooShort { path: String },
    #[error("stored secret cannot be decrypted (wrong secret_key or corrupted value)")]
    Decrypt,
}

impl SecretKey {
    pub fn from_material(material: &str) -> Self {
        let key = Sha256::digest(material.as_bytes());
        Self {
            cipher: Aes256Gcm::new(&key),
        }
    }

    /// Uses `configured` if given, else reads or creates `<data_dir>/secret.key`.
    pub fn load_or_create(
        configured: Option<&str>,
        data_dir: &Path,
    ) -> Result<Self, SecretKeyError> {
        if let Some(material) = configured {
            return Ok(Self::from_material(material));
        }
        let path = data_dir.join(FILE_NAME);
        let io = |source| SecretKeyError::Io {
            path: path.display().to_string(),
            source,
        };
        match std::fs::read_to_string(&path) {
            Ok(material) => {
                let material = material.trim();
                if material.len() < 32 {
                    return Err(SecretKeyError::TooShort {
                        path: path.display().to_string(),
                    });
                }
                Ok(Self::from_material(material))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                std::fs::create_dir_all(data_dir).map_err(io)?;
                let mut bytes = [0u8; 32];
                rand::rngs::OsRng.fill_bytes(&mut bytes);
                let material = hex::encode(bytes);
                let mut file = create_private(&path).map_err(io)?;
                file.write_all(material.as_bytes()).map_err(io)?;
                tracing::info!(path = %path.display(), "generated a new secret key");
                Ok(Self::from_material(&material))
            }
            Err(e) => Err(io(e)),
        }
    }

    /// Seals a secret for storage.
    pub fn encrypt(&self, plaintext: &str) -> String {
        let mut nonce = [0u8; 12];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let ciphertext = self
            .cipher
            .encrypt(Nonce::from_slice(&nonce), plaintext.as_bytes())
            .expect("AES-GCM encryption of an in-memory buffer cannot fail");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&ciphertext);
        format!("{PREFIX}{}", B64.encode(out))
    }

    /// Opens a value sealed by [`encrypt`](Self::encrypt).
    pub fn decrypt(&self, stored: &str) -> Result<String, SecretKeyError> {
        let raw = stored
            .strip_prefix(PREFIX)
            .and_then(|b| B64.decode(b).ok())
            .filter(|raw| raw.len() > 12)
            .ok_or(SecretKeyError::Decrypt)?;
        let (nonce, ciphertext) = raw.split_at(12);
        let plain = self
            .cipher
            .decrypt(Nonce::from_slice(nonce), ciphertext)
            .map_err(|_| SecretKeyError::Decrypt)?;
        String::from_utf8(plain).map_err(|_| SecretKeyError::Decrypt)
    }
}

#[cfg(unix)]
fn create_private(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
}

#[cfg(not(unix))]
fn create_private(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_tamper() {
        let key = SecretKey::from_material("0123456789abcdef0123456789abcdef");
        let sealed = key.encrypt("JBSWY3DPEHPK3PXP");
        assert!(sealed.starts_with("v1:"));
        assert!(!sealed.contains("JBSWY3DPEHPK3PXP"));
        assert_eq!(key.decrypt(&sealed).unwrap(), "JBSWY3DPEHPK3PXP");
        // Same plaintext, different nonce.
        assert_ne!(sealed, key.encrypt("JBSWY3DPEHPK3PXP"));
        let other = SecretKey::from_material("another key of at least thirty-two chars");
        assert!(other.decrypt(&sealed).is_err());
        let mut tampered = sealed.clone();
        tampered.pop();
        tampered.push(if sealed.ends_with('A') { 'B' } else { 'A' });
        assert!(key.decrypt(&tampered).is_err());
    }

    #[test]
    fn generated_file_is_private_and_stable() {
        let dir = tempfile::tempdir().unwrap();
        let a = SecretKey::load_or_create(None, dir.path()).unwrap();
        let sealed = a.encrypt("x");
        let b = SecretKey::load_or_create(None, dir.path()).unwrap();
        assert_eq!(b.decrypt(&sealed).unwrap(), "x");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("secret.key"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
