//! The values an operation hands to helm: the user's values checked against the chart's schema
//! (a pure function, table-tested below) with Kubarr's own values over them: its namespace, and
//! (added by the job) the media claim. Users never set `kubarr.*`, and media storage is the
//! administrator's setting only.

use kubarr_orchestrator::cluster::MediaBacking;
use kubarr_orchestrator::values::{merge, ValuesSchema};
use serde_json::{json, Value};

use super::{media, Apps, AppsError};
use crate::settings::{MediaStorage, MediaStorageKind};

/// Validates user values against the chart's schema (absent or `null`: no values). Returns them
/// and their redacted form (for storing and auditing).
pub(super) fn check_values(
    schema: Option<&ValuesSchema>,
    values: Value,
) -> Result<(Value, Value), AppsError> {
    let values = if values.is_null() { json!({}) } else { values };
    if !values.is_object() {
        return Err(AppsError::ValuesNotObject);
    }
    if values.get("kubarr").is_some() {
        return Err(AppsError::KubarrValues);
    }
    let Some(schema) = schema else {
        return Ok((values.clone(), values));
    };
    if let Some(p) = schema.validate(&values).into_iter().next() {
        let field = if p.field.is_empty() {
            "values".to_owned()
        } else {
            format!("values.{}", p.field)
        };
        return Err(AppsError::InvalidValues {
            field,
            message: p.message,
        });
    }
    let stored = schema.redact(&values);
    Ok((values, stored))
}

impl Apps {
    /// What helm gets besides the media claim: the user's values, and where Kubarr runs (the
    /// app's NetworkPolicy lets that namespace in) over them.
    pub(super) fn deploy_values(&self, user: Value) -> Value {
        match self.own_namespace.get() {
            Some(ns) => merge(&user, &json!({"kubarr": {"namespace": ns}})),
            None => user,
        }
    }

    /// Ingress mode's `kubarr.ingress` values for `app` (`None` when the mode is off), with the
    /// sign-in URL from the current public URL setting.
    pub(super) async fn ingress_values(
        &self,
        app: &kubarr_orchestrator::AppName,
    ) -> Result<Option<Value>, sea_orm::DbErr> {
        let Some(config) = self.gateway.get().filter(|c| c.ingress.is_some()) else {
            return Ok(None);
        };
        let public_url = kubarr_db::queries::settings::get(&self.db, "public_url")
            .await?
            .and_then(|row| serde_json::from_str::<Option<String>>(&row.value).ok())
            .flatten();
        Ok(crate::gateway::ingress::values(
            config,
            app,
            public_url.as_deref(),
        ))
    }

    /// The media backing under the admin's setting, checked again against the allowed roots
    /// (the deployer may have narrowed them since the setting was saved). `None`: no shared
    /// media (each app gets a scratch directory).
    pub(super) async fn media_backing(&self) -> Result<Option<MediaBacking>, AppsError> {
        let stored = kubarr_db::queries::settings::get(&self.db, "media_storage").await?;
        let setting: MediaStorage = stored
            .and_then(|row| serde_json::from_str(&row.value).ok())
            .unwrap_or_default();
        let setting = self
            .media_roots()
            .check(&setting)
            .map_err(|e| AppsError::InvalidMediaStorage(e.message().to_owned()))?;
        if setting.kind != MediaStorageKind::ExistingClaim {
            return Ok(media::backing(&setting));
        }
        let (Some(ns), Some(claim)) = (self.own_namespace.get(), setting.claim_name.as_deref())
        else {
            return Err(AppsError::InvalidMediaStorage(
                "an existing claim needs Kubarr to run in a cluster namespace".into(),
            ));
        };
        self.kube()?
            .cluster
            .csi_backing_of_claim(ns, claim)
            .await
            .map(Some)
            .map_err(|e| AppsError::InvalidMediaStorage(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use kubarr_orchestrator::values::REDACTED;

    use super::*;

    fn schema() -> ValuesSchema {
        ValuesSchema::compile(json!({
            "type": "object",
            "additionalProperties": false,
            "properties": {
                "timezone": {"type": "string"},
                "apiKey": {"type": "string", "writeOnly": true},
                "persistence": {"type": "object", "additionalProperties": false,
                    "properties": {"size": {"type": "string", "pattern": "^[0-9]+Gi$"}}}
            }
        }))
        .unwrap()
    }

    /// What a case should come to.
    #[derive(Debug)]
    enum Want {
        /// Accepted: the values helm gets and the stored form.
        Ok(Value, Value),
        NotObject,
        /// Refused: `kubarr.*` is Kubarr's own.
        Kubarr,
        /// Refused naming this field.
        Invalid(&'static str),
    }

    #[test]
    fn the_values_table() {
        let s = schema();
        #[rustfmt::skip]
        let cases: Vec<(Option<&ValuesSchema>, Value, Want)> = vec![
            (Some(&s), Value::Null, Want::Ok(json!({}), json!({}))),
            (Some(&s), json!({}), Want::Ok(json!({}), json!({}))),
            (Some(&s), json!({"timezone": "UTC"}), Want::Ok(json!({"timezone": "UTC"}), json!({"timezone": "UTC"}))),
            (Some(&s), json!({"apiKey": "k-123"}), Want::Ok(json!({"apiKey": "k-123"}), json!({"apiKey": REDACTED}))),
            (Some(&s), json!([1]), Want::NotObject),
            (Some(&s), json!("text"), Want::NotObject),
            (Some(&s), json!({"bogus": 1}), Want::Invalid("values.bogus")),
            (Some(&s), json!({"kubarr": {"media": {"claimName": "x"}}}), Want::Kubarr),
            (None, json!({"kubarr": {"namespace": "kube-system"}}), Want::Kubarr),
            (Some(&s), json!({"timezone": 5}), Want::Invalid("values.timezone")),
            (Some(&s), json!({"persistence": {"size": "huge"}}), Want::Invalid("values.persistence.size")),
            (None, json!({"anything": [1, 2]}), Want::Ok(json!({"anything": [1, 2]}), json!({"anything": [1, 2]}))),
            (None, json!(7), Want::NotObject),
        ];
        for (schema, values, want) in cases {
            let case = format!("{values} with schema: {}", schema.is_some());
            match (check_values(schema, values), want) {
                (Ok((full, stored)), Want::Ok(w_full, w_stored)) => {
                    assert_eq!((full, stored), (w_full, w_stored), "{case}");
                }
                (Err(AppsError::ValuesNotObject), Want::NotObject) => {}
                (Err(AppsError::KubarrValues), Want::Kubarr) => {}
                (Err(AppsError::InvalidValues { field, message }), Want::Invalid(w)) => {
                    assert_eq!(field, w, "{case}");
                    assert!(message.ends_with('.'), "{case}: {message}");
                }
                (got, want) => panic!("{case}: got {got:?}, want {want:?}"),
            }
        }
    }
}
