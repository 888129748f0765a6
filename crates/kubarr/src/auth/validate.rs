//! Input rules for account fields.

use crate::error::{AppError, AppResult};

pub const USERNAME_MIN: usize = 3;
pub const USERNAME_MAX: usize = 64;
pub const EMAIL_MAX: usize = 254;

/// A username: 3–64 ASCII letters, digits, `.`, `_` or `-`, starting with a letter or digit.
pub fn username(value: &str, field: &str) -> AppResult<String> {
    let v = value.trim();
    let ok = (USERNAME_MIN..=USERNAME_MAX).contains(&v.len())
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
        && v.as_bytes()[0].is_ascii_alphanumeric();
    if ok {
        Ok(v.to_owned())
    } else {
        Err(AppError::validation(
            field,
            format!(
                "The username must have {USERNAME_MIN} to {USERNAME_MAX} characters: letters, digits, `.`, `_` or `-`, starting with a letter or digit."
            ),
        ))
    }
}

/// An e-mail address: one `@` with something on each side, no spaces, at most 254 bytes.
pub fn email(value: &str, field: &str) -> AppResult<String> {
    let v = value.trim();
    let ok = v.len() <= EMAIL_MAX
        && !v.chars().any(|c| c.is_whitespace() || c.is_control())
        && matches!(v.split_once('@'), Some((local, domain))
            if !local.is_empty() && !domain.is_empty() && !domain.contains('@'));
    if ok {
        Ok(v.to_owned())
    } else {
        Err(AppError::validation(field, "Enter a valid e-mail address."))
    }
}

/// An app name as used in per-app grants: a DNS-1123 label (the app's namespace).
pub fn app_name(value: &str, field: &str) -> AppResult<String> {
    let ok = !value.is_empty()
        && value.len() <= 63
        && value
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !value.starts_with('-')
        && !value.ends_with('-');
    if ok {
        Ok(value.to_owned())
    } else {
        Err(AppError::validation(
            field,
            "The app name must be 1 to 63 lowercase letters, digits or `-`.",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames() {
        for ok in ["ann", "Ann.B_2-x", "a1b"] {
            assert!(username(ok, "username").is_ok(), "{ok}");
        }
        for bad in [
            "",
            "ab",
            "-ann",
            "ann smith",
            "ånn",
            "a'; DROP TABLE users; --",
            &"a".repeat(65),
            "ann\0",
        ] {
            assert!(username(bad, "username").is_err(), "{bad}");
        }
    }

    #[test]
    fn emails() {
        assert!(email("ann@example.com", "email").is_ok());
        for bad in ["", "ann", "@x", "ann@", "a b@c", "a@b@c"] {
            assert!(email(bad, "email").is_err(), "{bad}");
        }
    }

    #[test]
    fn app_names() {
        assert!(app_name("sonarr", "app").is_ok());
        for bad in ["", "Sonarr", "-x", "x-", "a_b", &"a".repeat(64)] {
            assert!(app_name(bad, "app").is_err(), "{bad}");
        }
    }
}
