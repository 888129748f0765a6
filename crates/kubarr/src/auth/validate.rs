//! Input rules for account fields. Values are checked as sent (clients trim what people type):
//! each rule is also stated as a pattern in the OpenAPI document, and a test keeps the two in
//! step.

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
/// [`username`] as a regular expression.
pub const USERNAME_PATTERN: &str = "^[A-Za-z0-9][A-Za-z0-9._-]{2,63}$";
/// [`email`] as a regular expression (with `maxLength` [`EMAIL_MAX`]): one `@`, something on
/// each side, no white space or control characters.
pub const EMAIL_PATTERN: &str = r"^[^@\s\x00-\x1f\x7f-\x9f]+@[^@\s\x00-\x1f\x7f-\x9f]+$";

/// A username: 3–64 ASCII letters, digits, `.`, `_` or `-`, starting with a letter or digit.
pub fn username(value: &str, field: &str) -> Result<String, FieldError> {
    let v = value;
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

/// An e-mail address: one `@` with something on each side, no white space or control
/// characters, at most 254 characters.
pub fn email(value: &str, field: &str) -> Result<String, FieldError> {
    let v = value;
    let ok = v.chars().count() <= EMAIL_MAX
        // U+FEFF is white space to the documented pattern's `\s`, though not to Unicode.
        && !v.chars().any(|c| c.is_whitespace() || c.is_control() || c == '\u{feff}')
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
            " ann",
            "ann ",
        ] {
            assert!(username(bad, "username").is_err(), "{bad}");
        }
    }

    #[test]
    fn emails() {
        assert!(email("ann@example.com", "email").is_ok());
        for bad in ["", "ann", "@x", "ann@", "a b@c", "a@b@c", " a@b", "a@b\n"] {
            assert!(email(bad, "email").is_err(), "{bad}");
        }
    }

    #[test]
    fn the_documented_patterns_say_what_the_rules_do() {
        let long = format!("{}@example.com", "a".repeat(250));
        let samples = [
            "ann",
            "Ann.B_2-x",
            "a1b",
            "",
            "ab",
            "-ann",
            "ann smith",
            "ånn",
            " ann",
            "ann ",
            "ann@example.com",
            "@x",
            "ann@",
            "a b@c",
            "a@b@c",
            "é@é",
            "a@b\u{85}",
            "a\u{a0}@b",
            "a\u{2028}@b",
            "a\u{feff}@b",
            "x@y.z",
            "a\t@b",
            &long,
        ];
        let matches = |pattern: &str, max: Option<usize>, s: &str| {
            let mut schema = serde_json::json!({"type": "string", "pattern": pattern});
            if let Some(max) = max {
                schema["maxLength"] = max.into();
            }
            jsonschema::validator_for(&schema)
                .unwrap()
                .is_valid(&serde_json::json!(s))
        };
        for s in samples {
            assert_eq!(
                matches(USERNAME_PATTERN, None, s),
                username(s, "u").is_ok(),
                "username {s:?}"
            );
            assert_eq!(
                matches(EMAIL_PATTERN, Some(EMAIL_MAX), s),
                email(s, "e").is_ok(),
                "email {s:?}"
            );
        }
    }
}
