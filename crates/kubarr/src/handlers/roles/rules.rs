//! Rules of role fields, with their schemas for the OpenAPI document (from the same patterns).

use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};

use crate::error::{AppError, AppResult};
use crate::openapi::fields::or_null;

/// [`role_name`] as a regular expression.
pub(crate) const ROLE_NAME_PATTERN: &str = "^[A-Za-z0-9._-]([A-Za-z0-9 ._-]{0,62}[A-Za-z0-9._-])?$";
/// [`description`] as a regular expression (with `maxLength` 500): no control character but
/// the newline.
pub(crate) const DESCRIPTION_PATTERN: &str = r"^[^\x00-\x09\x0b-\x1f\x7f-\x9f]*$";

pub(super) fn role_name_schema() -> Schema {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(Some(ROLE_NAME_PATTERN))
        .max_length(Some(64))
        .description(Some(
            "1 to 64 letters, digits, spaces, `.`, `_` or `-`; no space at either end.",
        ))
        .into()
}

pub(super) fn role_name_or_null() -> Schema {
    or_null(role_name_schema())
}

pub(super) fn description_or_null() -> Schema {
    or_null(description_schema())
}

fn description_schema() -> Schema {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(Some(DESCRIPTION_PATTERN))
        .max_length(Some(500))
        .description(Some(
            "At most 500 characters; no control characters but newlines.",
        ))
        .into()
}

/// A role name: 1–64 ASCII letters, digits, spaces, `.`, `_` or `-`, not starting or ending with
/// a space.
pub(super) fn role_name(value: &str) -> AppResult<String> {
    let v = value;
    if v.is_empty()
        || v.len() > 64
        || v.starts_with(' ')
        || v.ends_with(' ')
        || !v
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b' ' | b'.' | b'_' | b'-'))
    {
        return Err(AppError::validation(
            "name",
            "The role name must have 1 to 64 letters, digits, spaces, `.`, `_` or `-`, and not start or end with a space.",
        ));
    }
    Ok(v.to_owned())
}

pub(super) fn description(value: Option<&str>) -> AppResult<Option<String>> {
    match value {
        Some(d) if d.chars().count() > 500 || d.chars().any(|c| c.is_control() && c != '\n') => {
            Err(AppError::validation(
                "description",
                "The description must be at most 500 characters, without control characters.",
            ))
        }
        other => Ok(other.map(|d| d.trim().to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_patterns_say_what_the_rules_do() {
        let matches = |pattern: &str, max: usize, s: &str| {
            let schema =
                serde_json::json!({"type": "string", "pattern": pattern, "maxLength": max});
            jsonschema::validator_for(&schema)
                .unwrap()
                .is_valid(&serde_json::json!(s))
        };
        let long = "x".repeat(65);
        for s in [
            "Media team",
            "a",
            "",
            " a",
            "a ",
            "a_b-c.d",
            "é",
            "a\tb",
            &long,
        ] {
            assert_eq!(
                matches(ROLE_NAME_PATTERN, 64, s),
                role_name(s).is_ok(),
                "name {s:?}"
            );
        }
        let long = "é".repeat(501);
        for s in [
            "",
            "two\nlines",
            "bell\u{7}",
            "tab\there",
            "\u{85}",
            &long,
            "ok",
        ] {
            assert_eq!(
                matches(DESCRIPTION_PATTERN, 500, s),
                description(Some(s)).is_ok(),
                "description {s:?}"
            );
        }
    }
}
