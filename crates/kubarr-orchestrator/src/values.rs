//! User-supplied chart values: validated against the chart's `values.schema.json` before helm
//! runs (so a bad value is a clear 422 naming the field, not a helm failure), and redacted before
//! they are stored or audited.

use serde_json::Value;

/// A compiled `values.schema.json`.
pub struct ValuesSchema {
    raw: Value,
    validator: jsonschema::Validator,
}

impl std::fmt::Debug for ValuesSchema {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ValuesSchema")
    }
}

/// One value that fails the schema.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValueProblem {
    /// Dotted path from the values root, e.g. `persistence.config.size` (empty for the root).
    pub field: String,
    pub message: String,
}

/// What replaces a secret value in stored or audited values.
pub const REDACTED: &str = "********";

impl ValuesSchema {
    pub fn compile(raw: Value) -> Result<Self, String> {
        let validator = jsonschema::validator_for(&raw).map_err(|e| e.to_string())?;
        Ok(Self { raw, validator })
    }

    /// The schema as JSON (served to the UI, which builds the install form from it).
    pub fn raw(&self) -> &Value {
        &self.raw
    }

    /// Every problem of `values` against the schema, sorted by field.
    pub fn validate(&self, values: &Value) -> Vec<ValueProblem> {
        let mut problems: Vec<ValueProblem> = self
            .validator
            .iter_errors(values)
            .map(|err| {
                let pointer = err.instance_path().to_string();
                let mut field = pointer_to_dotted(&pointer);
                let message = err.to_string();
                // "Additional properties are not allowed ('x' was unexpected)": name the key.
                if let Some(extra) = unexpected_key(&message) {
                    field = if field.is_empty() {
                        extra
                    } else {
                        format!("{field}.{extra}")
                    };
                }
                ValueProblem {
                    field,
                    message: humanize(&message),
                }
            })
            .collect();
        problems.sort_by(|a, b| a.field.cmp(&b.field));
        problems.dedup();
        problems
    }

    /// A copy of `values` with every secret (a `writeOnly` or `format: password` property)
    /// replaced by [`REDACTED`].
    pub fn redact(&self, values: &Value) -> Value {
        redact_with(&self.raw, values)
    }
}

fn redact_with(schema: &Value, value: &Value) -> Value {
    let is_secret = schema.get("writeOnly").and_then(Value::as_bool) == Some(true)
        || schema.get("format").and_then(Value::as_str) == Some("password");
    if is_secret {
        return match value {
            Value::String(s) if s.is_empty() => value.clone(),
            Value::Null => Value::Null,
            _ => Value::String(REDACTED.into()),
        };
    }
    match (value, schema.get("properties").and_then(Value::as_object)) {
        (Value::Object(map), Some(props)) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let redacted = match props.get(k) {
                        Some(sub) => redact_with(sub, v),
                        None => v.clone(),
                    };
                    (k.clone(), redacted)
                })
                .collect(),
        ),
        _ => value.clone(),
    }
}

fn pointer_to_dotted(pointer: &str) -> String {
    pointer
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect::<Vec<_>>()
        .join(".")
}

fn unexpected_key(message: &str) -> Option<String> {
    if !message.starts_with("Additional properties are not allowed") {
        return None;
    }
    let start = message.find("('")? + 2;
    let end = message[start..].find('\'')? + start;
    Some(message[start..end].to_owned())
}

fn humanize(message: &str) -> String {
    let mut m = message.to_owned();
    if let Some(first) = m.get(0..1) {
        m.replace_range(0..1, &first.to_uppercase());
    }
    if !m.ends_with('.') {
        m.push('.');
    }
    m
}

/// Deep-merges `overlay` onto `base` (objects merge key by key; anything else is replaced).
pub fn merge(base: &Value, overlay: &Value) -> Value {
    match (base, overlay) {
        (Value::Object(b), Value::Object(o)) => {
            let mut out = b.clone();
            for (k, v) in o {
                let merged = match b.get(k) {
                    Some(bv) => merge(bv, v),
                    None => v.clone(),
                };
                out.insert(k.clone(), merged);
            }
            Value::Object(out)
        }
        (_, o) => o.clone(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn schema() -> ValuesSchema {
        ValuesSchema::compile(json!({
            "type": "object",
            "additionalProperties": false,
            "properties": {
                "timezone": {"type": "string", "maxLength": 8},
                "puid": {"type": "integer", "minimum": 1},
                "claimToken": {"type": "string", "writeOnly": true},
                "persistence": {
                    "type": "object",
                    "additionalProperties": false,
                    "properties": {"config": {"type": "object", "additionalProperties": false,
                        "properties": {"size": {"type": "string", "pattern": "^[0-9]+Gi$"}}}}
                }
            }
        }))
        .unwrap()
    }

    #[test]
    fn valid_values_pass() {
        assert!(schema()
            .validate(&json!({"puid": 1000, "persistence": {"config": {"size": "5Gi"}}}))
            .is_empty());
        assert!(schema().validate(&json!({})).is_empty());
    }

    #[test]
    fn problems_name_the_field() {
        let s = schema();
        let p = s.validate(&json!({"puid": 0, "persistence": {"config": {"size": "lots", "bogus": 1}}, "extra": true}));
        let fields: Vec<_> = p.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "extra",
                "persistence.config.bogus",
                "persistence.config.size",
                "puid"
            ],
            "{p:?}"
        );
        assert!(p.iter().all(|p| p.message.ends_with('.')));
        let p = s.validate(&json!({"timezone": 5}));
        assert_eq!(p[0].field, "timezone");
    }

    #[test]
    fn secrets_are_redacted() {
        let s = schema();
        let v = s.redact(&json!({"claimToken": "claim-abc123", "puid": 7, "other": "x"}));
        assert_eq!(v, json!({"claimToken": REDACTED, "puid": 7, "other": "x"}));
        assert_eq!(
            s.redact(&json!({"claimToken": ""})),
            json!({"claimToken": ""})
        );
    }

    #[test]
    fn merge_is_deep() {
        let base = json!({"a": {"b": 1, "c": 2}, "d": [1]});
        let over = json!({"a": {"c": 3}, "d": [2], "e": null});
        assert_eq!(
            merge(&base, &over),
            json!({"a": {"b": 1, "c": 3}, "d": [2], "e": null})
        );
    }
}
