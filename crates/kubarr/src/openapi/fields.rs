//! Schemas of request fields whose rules live in code (`#[schema(schema_with = …)]`), built
//! from the same constants the server checks with, so the document states exactly what the
//! server enforces.

use utoipa::openapi::schema::{
    ArrayBuilder, ObjectBuilder, OneOfBuilder, Schema, SchemaType, Type,
};
use utoipa::openapi::RefOr;
use utoipa::PartialSchema;

use crate::auth::password::{MAX_PASSWORD_BYTES, MIN_PASSWORD_CHARS};
use crate::auth::validate::{
    EMAIL_MAX, EMAIL_PATTERN, USERNAME_MAX, USERNAME_MIN, USERNAME_PATTERN,
};
use crate::auth::Permission;

fn string(pattern: &str, min: Option<usize>, max: Option<usize>, description: &str) -> Schema {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(Some(pattern))
        .min_length(min)
        .max_length(max)
        .description(Some(description))
        .into()
}

/// `schema`, or `null` (for an optional field: absent and `null` mean the same).
pub fn or_null(schema: Schema) -> Schema {
    match schema {
        Schema::Object(mut object) => {
            let mut types = match object.schema_type {
                SchemaType::Type(t) => vec![t],
                SchemaType::Array(types) => types,
                SchemaType::AnyValue => return Schema::Object(object),
            };
            if !types.contains(&Type::Null) {
                types.push(Type::Null);
            }
            object.schema_type = SchemaType::from_iter(types);
            Schema::Object(object)
        }
        other => OneOfBuilder::new()
            .item(other)
            .item(ObjectBuilder::new().schema_type(Type::Null))
            .into(),
    }
}

/// An optional e-mail address.
pub fn email_or_null() -> Schema {
    or_null(email())
}

/// A username.
pub fn username() -> Schema {
    string(
        USERNAME_PATTERN,
        Some(USERNAME_MIN),
        Some(USERNAME_MAX),
        "3 to 64 letters, digits, `.`, `_` or `-`, starting with a letter or digit.",
    )
}

/// An e-mail address.
pub fn email() -> Schema {
    string(
        EMAIL_PATTERN,
        None,
        Some(EMAIL_MAX),
        "An e-mail address: one `@` with something on each side, no white space.",
    )
}

/// An e-mail address, or `""` (or `null`) for none.
pub fn optional_email() -> Schema {
    or_null(string(
        &format!("^$|{EMAIL_PATTERN}"),
        None,
        Some(EMAIL_MAX),
        "Only this address may use the invite; `\"\"` or absent: anyone.",
    ))
}

/// A new password (the policy's length rules; the password must also differ from the
/// username).
pub fn new_password() -> Schema {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .min_length(Some(MIN_PASSWORD_CHARS))
        .max_length(Some(MAX_PASSWORD_BYTES))
        .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
            utoipa::openapi::KnownFormat::Password,
        )))
        .description(Some(
            "At least 8 characters and at most 72 bytes in UTF-8; not the username.",
        ))
        .into()
}

/// An app name (also its release and namespace).
pub fn app_name() -> Schema {
    string(
        kubarr_orchestrator::AppName::PATTERN,
        Some(1),
        Some(kubarr_orchestrator::AppName::MAX_LEN),
        "An app name: lowercase letters, digits and `-`, starting with a letter, at most 53.",
    )
}

/// A permission that may be granted for one app only.
pub fn app_scopable_permission() -> Schema {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(
            Permission::ALL
                .iter()
                .filter(|p| p.is_app_scopable())
                .map(|p| p.as_str()),
        ))
        .description(Some("A permission that can be held for one app."))
        .into()
}

/// Permission names (each a [`Permission`]).
pub fn permission_names() -> Schema {
    ArrayBuilder::new().items(Permission::schema()).into()
}

/// A setting's value: a boolean, a whole number, a string, `null`, or the media storage object.
pub fn setting_value() -> Schema {
    OneOfBuilder::new()
        .item(ObjectBuilder::new().schema_type(Type::Boolean))
        .item(
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .minimum(Some(0)),
        )
        .item(ObjectBuilder::new().schema_type(Type::String))
        .item(ObjectBuilder::new().schema_type(Type::Null))
        .item(RefOr::Ref(utoipa::openapi::Ref::from_schema_name(
            "MediaStorage",
        )))
        .description(Some("Typed per key: see `PUT /api/settings/<key>`."))
        .into()
}
