//! `PUT /api/settings/{key}` takes a value whose type depends on the key, which one templated
//! path cannot say. The document lists one path per known key instead, each with its value's
//! exact schema (an unknown key is a 404, so it has no path).

use utoipa::openapi::path::ParameterIn;
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Schema, Type};
use utoipa::openapi::{ContentBuilder, Ref, RefOr};
use utoipa::Modify;

use crate::settings;

const TEMPLATE: &str = "/api/settings/{key}";

pub(super) struct SettingsPaths;

impl Modify for SettingsPaths {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let Some(template) = openapi.paths.paths.remove(TEMPLATE) else {
            return;
        };
        for key in settings::KEYS {
            let mut item = template.clone();
            if let Some(op) = item.put.as_mut() {
                op.operation_id = Some(format!("update_setting_{key}"));
                op.summary = Some(format!("Change `{key}`."));
                op.description = settings::description(key).map(str::to_owned);
                if let Some(params) = op.parameters.as_mut() {
                    params.retain(|p| !(p.parameter_in == ParameterIn::Path && p.name == "key"));
                }
                let body = ObjectBuilder::new()
                    .property("value", value_schema(key))
                    .required("value")
                    .additional_properties(Some(
                        utoipa::openapi::schema::AdditionalProperties::FreeForm(false),
                    ));
                op.request_body = Some(
                    RequestBodyBuilder::new()
                        .content(
                            "application/json",
                            ContentBuilder::new().schema(Some(body)).build(),
                        )
                        .required(Some(utoipa::openapi::Required::True))
                        .build(),
                );
            }
            openapi
                .paths
                .paths
                .insert(TEMPLATE.replace("{key}", key), item);
        }
    }
}

/// The schema of `key`'s value: what [`settings::Settings::apply`] takes without a type error.
/// Ranges it refuses with 422 are stated too.
pub(crate) fn value_schema(key: &str) -> RefOr<Schema> {
    let integer = |min: u64, max: u64| {
        ObjectBuilder::new()
            .schema_type(Type::Integer)
            .minimum(Some(min as f64))
            .maximum(Some(max as f64))
    };
    let schema: Schema = match key {
        "registration_enabled" | "registration_requires_approval" => {
            ObjectBuilder::new().schema_type(Type::Boolean).into()
        }
        "registration_default_role" => ObjectBuilder::new()
            .schema_type(Type::String)
            .min_length(Some(1))
            .max_length(Some(64))
            .pattern(Some(r"^[^\x00-\x1f\x7f-\x9f]*$"))
            .description(Some("A role name (white space at either end is ignored)."))
            .into(),
        "session_idle_timeout_minutes" => {
            let (min, max) = settings::IDLE_TIMEOUT_MINUTES;
            integer(min, max).into()
        }
        "session_absolute_lifetime_hours" => {
            let (min, max) = settings::ABSOLUTE_LIFETIME_HOURS;
            integer(min, max).into()
        }
        "media_storage" => return RefOr::Ref(Ref::from_schema_name("MediaStorage")),
        "public_url" => OneOfBuilder::new()
            .item(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .description(Some("An `http://` or `https://` address.")),
            )
            .item(ObjectBuilder::new().schema_type(Type::Null))
            .into(),
        "audit_retention_days" => {
            let (min, max) = settings::AUDIT_RETENTION_DAYS;
            OneOfBuilder::new()
                .item(integer(0, 0).description(Some("Keep audit rows for ever.")))
                .item(integer(min, max))
                .into()
        }
        other => unreachable!("no schema for setting {other}"),
    };
    RefOr::T(schema)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::value_schema;
    use crate::error::ErrorCode;
    use crate::settings::{Settings, KEYS};

    /// For every key: values its schema accepts pass `Settings::apply` or fail it with a 422
    /// (never a 400), and values it refuses fail it.
    #[test]
    fn each_settings_schema_says_what_apply_takes() {
        let doc = crate::router::openapi();
        let components = serde_json::to_value(&doc.components.as_ref().unwrap().schemas).unwrap();
        let samples = [
            json!(true),
            json!(false),
            json!(0),
            json!(4),
            json!(5),
            json!(60),
            json!(8760),
            json!(8761),
            json!(525_600),
            json!(525_601),
            json!(-1),
            json!(1.5),
            json!(""),
            json!("viewer"),
            json!(" viewer "),
            json!("a\u{7}b"),
            json!("x".repeat(65)),
            json!("https://kubarr.lan"),
            json!("javascript:alert(1)"),
            json!(null),
            json!({"type": "none"}),
            json!({"type": "host_path"}),
            json!({"type": "host_path", "host_path": "/srv/media"}),
            json!({"type": "tape"}),
            json!({"type": "none", "extra": 1}),
            json!([1]),
        ];
        let config = crate::config::Config::for_tests("sqlite::memory:", std::env::temp_dir());
        for key in KEYS {
            let mut schema = serde_json::to_value(value_schema(key)).unwrap();
            schema["components"] = json!({"schemas": components});
            let validator = jsonschema::validator_for(&schema).unwrap();
            for value in &samples {
                let valid = validator.is_valid(value);
                let mut settings = Settings::defaults(&config);
                let applied = settings.apply(key, value.clone());
                match (valid, applied) {
                    (true, Ok(())) | (false, Err(_)) => {}
                    (true, Err(e)) => assert_ne!(
                        e.code(),
                        ErrorCode::ValidationFailed,
                        "{key} = {value}: the schema takes it, apply calls it malformed"
                    ),
                    (false, Ok(())) => {
                        panic!("{key} = {value}: the schema refuses what apply takes")
                    }
                }
            }
        }
    }
}
