//! Password policy and bcrypt hashing.
//!
//! Hashing is CPU-heavy, so it runs on the blocking pool behind a semaphore: a flood of logins
//! queues there instead of stalling the async workers that serve every other request.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::LazyLock;

use tokio::sync::Semaphore;

use super::validate::FieldError;

/// bcrypt reads at most 72 bytes; longer passwords are refused rather than silently truncated.
pub const MAX_PASSWORD_BYTES: usize = 72;
pub const MIN_PASSWORD_CHARS: usize = 8;

/// At most this many hashes run at once: half the CPUs (at least one), so a login flood leaves
/// the other half to every other request.
static HASHING: LazyLock<Semaphore> = LazyLock::new(|| Semaphore::new(hash_permits()));

/// How many hashes may wait for a permit before new ones are refused with 503.
static WAITING: AtomicUsize = AtomicUsize::new(0);

fn hash_permits() -> usize {
    let cpus = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2);
    cpus.div_ceil(2).max(1)
}

fn max_waiting() -> usize {
    16 * hash_permits()
}

/// A place in the hashing queue; left on drop (also when the request is cancelled).
struct Waiting;

impl Waiting {
    fn enter() -> Option<Self> {
        if WAITING.fetch_add(1, Ordering::SeqCst) >= max_waiting() {
            WAITING.fetch_sub(1, Ordering::SeqCst);
            return None;
        }
        Some(Waiting)
    }
}

impl Drop for Waiting {
    fn drop(&mut self) {
        WAITING.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Hashing or verifying could not run.
#[derive(Debug, thiserror::Error)]
pub enum HashError {
    /// Too many hashes are queued already; retry shortly.
    #[error("The server is busy. Try again in a moment.")]
    Busy,
    #[error("password hashing failed: {0}")]
    Failed(#[source] anyhow::Error),
}

/// Checks the password policy; `field` names the request field in the error.
pub fn validate(password: &str, username: &str, field: &str) -> Result<(), FieldError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(FieldError::new(
            field,
            format!("The password must be at least {MIN_PASSWORD_CHARS} characters long."),
        ));
    }
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(FieldError::new(
            field,
            format!("The password must be at most {MAX_PASSWORD_BYTES} bytes long."),
        ));
    }
    if password.eq_ignore_ascii_case(username) || password.to_lowercase() == username.to_lowercase()
    {
        return Err(FieldError::new(
            field,
            "The password must not be the same as the username.",
        ));
    }
    Ok(())
}

/// Hashes a password (policy already checked).
pub async fn hash(password: &str, cost: u32) -> Result<String, HashError> {
    let password = password.to_owned();
    run_limited(move || bcrypt::hash(password, cost)).await
}

/// Hashes a password without the policy check (generated secrets only).
pub async fn hash_unchecked(password: String, cost: u32) -> Result<String, HashError> {
    run_limited(move || bcrypt::hash(password, cost)).await
}

/// Checks `password` against a stored hash. A malformed hash counts as a mismatch.
pub async fn verify(password: &str, hashed: &str) -> Result<bool, HashError> {
    if password.len() > MAX_PASSWORD_BYTES {
        return Ok(false);
    }
    let (password, hashed) = (password.to_owned(), hashed.to_owned());
    run_limited(move || {
        Ok::<_, bcrypt::BcryptError>(bcrypt::verify(password, &hashed).unwrap_or(false))
    })
    .await
}

async fn run_limited<T, E>(
    work: impl FnOnce() -> Result<T, E> + Send + 'static,
) -> Result<T, HashError>
where
    T: Send + 'static,
    E: std::error::Error + Send + Sync + 'static,
{
    // A bounded queue: past it, answer "busy" at once instead of piling up work.
    let waiting = Waiting::enter().ok_or(HashError::Busy)?;
    let permit = HASHING.acquire().await;
    drop(waiting);
    let _permit = permit.map_err(|e| HashError::Failed(e.into()))?;
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| HashError::Failed(e.into()))?
        .map_err(|e| HashError::Failed(e.into()))
}

/// A random password for generated accounts: 20 characters from an unambiguous alphabet.
pub fn generate() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rngs::OsRng;
    (0..20)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy() {
        assert!(validate("short", "bob", "password").is_err());
        assert!(validate("BobBobBob", "bobbobbob", "password").is_err());
        assert!(validate(&"x".repeat(73), "bob", "password").is_err());
        // 72 bytes exactly is fine; multi-byte characters count by bytes.
        assert!(validate(&"x".repeat(72), "bob", "password").is_ok());
        assert!(validate(&"é".repeat(37), "bob", "password").is_err());
        assert!(validate("correct horse", "bob", "password").is_ok());
    }

    #[tokio::test]
    async fn hash_and_verify() {
        let h = hash("correct horse", 4).await.unwrap();
        assert!(verify("correct horse", &h).await.unwrap());
        assert!(!verify("correct horsf", &h).await.unwrap());
        assert!(!verify("correct horse", "not-a-hash").await.unwrap());
    }

    #[test]
    fn generated_passwords_pass_policy() {
        let p = generate();
        assert_eq!(p.len(), 20);
        assert!(validate(&p, "admin", "password").is_ok());
        assert_ne!(p, generate());
    }
}
