//! Input rules for account fields.

use std::borrow::Cow;

/// A field that breaks its rule. `field` names it (a request field, or a configuration key).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct FieldError {
    pub field: String,
    pub message: Cow<'static, str>,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<Cow<'static, str>>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

pub const USERNAME_MIN: usize = 3;
pub const USERNAME_MAX: usize = 64;
pub const EMAIL_MAX: usize = 254;

/// A username: 3–64 ASCII letters, digits, `.`, `_` or `-`, starting with a letter or digit.
pub fn username(value: &str, field: &str) -> Result<String, FieldError> {
    let v = value.trim();
    let ok = (USERNAME_MIN..=USERNAME_MAX).contains(&v.len())
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
        && v.as_bytes()[0].is_ascii_alphanumeric();
    if ok {
        Ok(v.to_owned())
    } else {
        Err(FieldError::new(
            field,
            format!(
                "The username must have {USERNAME_MIN} to {USERNAME_MAX} characters: letters, digits, `.`, `_` or `-`, starting with a letter or digit."
            ),
        ))
    }
}

/// An e-mail address: one `@` with something on each side, no spaces, at most 254 bytes.
pub fn email(value: &str, field: &str) -> Result<String, FieldError> {
    let v = value.trim();
    let ok = v.len() <= EMAIL_MAX
        && !v.chars().any(|c| c.is_whitespace() || c.is_control())
        && matches!(v.split_once('@'), Some((local, domain))
            if !local.is_empty() && !domain.is_empty() && !domain.contains('@'));
    if ok {
        Ok(v.to_owned())
    } else {
        Err(FieldError::new(field, "Enter a valid e-mail address."))
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
}
