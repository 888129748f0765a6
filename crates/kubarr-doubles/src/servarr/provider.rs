//! A provider collection (download clients, indexers, applications): parsing that rejects what
//! the real apps would silently drop, case-insensitive unique names, secrets masked on read and
//! kept when a client sends the mask back.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{json, Map, Value};

use super::schema::{self, Implementation, ProviderKind, FIELD_KEYS};
use super::ServarrApp;

/// What secrets read back as.
pub const MASK: &str = "********";

/// One validation failure, in the apps' shape.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Failure {
    /// The property at fault (`Name`, `Host`, `fields.foo`, ...).
    pub property_name: String,
    /// What is wrong.
    pub error_message: String,
    /// The offending value, secrets excluded.
    pub attempted_value: Value,
    /// `error` (never `warning` here).
    pub severity: &'static str,
    /// Always false.
    pub is_warning: bool,
}

impl Failure {
    /// A failure of `property`.
    pub fn new(property: &str, message: impl Into<String>) -> Self {
        Self {
            property_name: property.to_string(),
            error_message: message.into(),
            attempted_value: Value::Null,
            severity: "error",
            is_warning: false,
        }
    }

    /// With the attempted value (never pass a secret).
    pub fn with_value(mut self, v: Value) -> Self {
        self.attempted_value = v;
        self
    }
}

/// A stored provider.
#[derive(Debug, Clone)]
pub struct Provider {
    /// Its id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// The implementation it uses.
    pub implementation: Implementation,
    /// Field values by name (defaults filled in).
    pub values: BTreeMap<String, Value>,
    /// Other top-level properties (enable, priority, tags, syncLevel, ...).
    pub props: Map<String, Value>,
}

impl Provider {
    /// A field's value as a string ("" when absent or not a string).
    pub fn text(&self, field: &str) -> String {
        self.values
            .get(field)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    }

    /// A field's value as an integer.
    pub fn number(&self, field: &str) -> Option<i64> {
        self.values.get(field).and_then(Value::as_i64)
    }

    /// A field's value as a boolean (false when absent).
    pub fn flag(&self, field: &str) -> bool {
        self.values
            .get(field)
            .and_then(Value::as_bool)
            .unwrap_or(false)
    }

    /// A top-level property as a boolean (`default` when absent).
    pub fn prop_flag(&self, key: &str, default: bool) -> bool {
        self.props
            .get(key)
            .and_then(Value::as_bool)
            .unwrap_or(default)
    }
}

/// One collection of providers.
#[derive(Debug, Clone)]
pub struct Collection {
    app: ServarrApp,
    kind: ProviderKind,
    implementations: Vec<Implementation>,
    items: BTreeMap<i64, Provider>,
    next_id: i64,
}

impl Collection {
    /// An empty collection of `kind` for `app`.
    pub fn new(app: ServarrApp, kind: ProviderKind) -> Self {
        Self {
            app,
            kind,
            implementations: schema::implementations(app, kind),
            items: BTreeMap::new(),
            next_id: 1,
        }
    }

    /// All providers, by id.
    pub fn all(&self) -> impl Iterator<Item = &Provider> {
        self.items.values()
    }

    /// One provider.
    pub fn get(&self, id: i64) -> Option<&Provider> {
        self.items.get(&id)
    }

    /// The implementations offered.
    pub fn implementations(&self) -> &[Implementation] {
        &self.implementations
    }

    /// `GET …/schema`: every implementation with default values.
    pub fn schema(&self) -> Value {
        Value::Array(
            self.implementations
                .iter()
                .map(|imp| {
                    let values: BTreeMap<String, Value> = imp
                        .fields
                        .iter()
                        .map(|f| (f.name.clone(), f.default.clone()))
                        .collect();
                    let p = Provider {
                        id: 0,
                        name: String::new(),
                        implementation: imp.clone(),
                        values,
                        props: self.default_props(imp),
                    };
                    let mut v = self.to_json(&p);
                    v["presets"] = json!([]);
                    v
                })
                .collect(),
        )
    }

    fn default_props(&self, imp: &Implementation) -> Map<String, Value> {
        let mut m = Map::new();
        match self.kind {
            ProviderKind::DownloadClient => {
                m.insert("enable".into(), json!(true));
                m.insert("priority".into(), json!(1));
                if self.app != ServarrApp::Prowlarr {
                    m.insert("removeCompletedDownloads".into(), json!(true));
                    m.insert("removeFailedDownloads".into(), json!(true));
                }
            }
            ProviderKind::Indexer if self.app == ServarrApp::Prowlarr => {
                m.insert("enable".into(), json!(true));
                m.insert("priority".into(), json!(25));
                m.insert("appProfileId".into(), json!(1));
            }
            ProviderKind::Indexer => {
                m.insert("enableRss".into(), json!(true));
                m.insert("enableAutomaticSearch".into(), json!(true));
                m.insert("enableInteractiveSearch".into(), json!(true));
                m.insert("priority".into(), json!(25));
            }
            ProviderKind::Application => {
                m.insert("syncLevel".into(), json!("fullSync"));
            }
            ProviderKind::IndexerProxy => {
                m.insert("onHealthIssue".into(), json!(false));
                m.insert("supportsOnHealthIssue".into(), json!(false));
                m.insert("includeHealthWarnings".into(), json!(false));
            }
        }
        if let Some(p) = imp.protocol {
            m.insert("protocol".into(), json!(p));
        }
        m.insert("tags".into(), json!([]));
        m
    }

    /// The resource as the API shows it: secrets masked.
    pub fn to_json(&self, p: &Provider) -> Value {
        let fields: Vec<Value> = p
            .implementation
            .fields
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let v = p.values.get(&f.name).cloned().unwrap_or(Value::Null);
                let shown = if f.privacy.is_secret() && v.as_str().is_some_and(|s| !s.is_empty()) {
                    json!(MASK)
                } else {
                    v
                };
                f.to_json(i, shown)
            })
            .collect();
        let mut out = Map::new();
        if p.id != 0 {
            out.insert("id".into(), json!(p.id));
        }
        out.insert("name".into(), json!(p.name));
        out.insert("fields".into(), Value::Array(fields));
        out.insert("implementationName".into(), json!(p.implementation.name));
        out.insert(
            "implementation".into(),
            json!(p.implementation.implementation),
        );
        out.insert("configContract".into(), json!(p.implementation.contract));
        out.insert("infoLink".into(), json!(null));
        for (k, v) in &p.props {
            out.insert(k.clone(), v.clone());
        }
        Value::Object(out)
    }

    /// Parses a create (`existing = None`) or update body. Rejects unknown top-level keys,
    /// unknown fields and field keys, wrong JSON types, a missing or mismatched implementation,
    /// and (on create) a masked secret. On update a masked secret keeps the stored value.
    pub fn parse(
        &self,
        body: &Value,
        existing: Option<&Provider>,
    ) -> Result<Provider, Vec<Failure>> {
        let mut failures = Vec::new();
        let Some(obj) = body.as_object() else {
            return Err(vec![Failure::new("", "the body must be a JSON object")]);
        };
        for key in obj.keys() {
            if !schema::is_known_key(self.app, self.kind, key) {
                failures.push(Failure::new(
                    key,
                    format!("unknown property '{key}' (the real app would ignore it silently)"),
                ));
            }
        }
        let name = match obj.get("name") {
            Some(Value::String(s)) if !s.trim().is_empty() => s.trim().to_string(),
            _ => {
                failures.push(Failure::new("Name", "'Name' must not be empty."));
                String::new()
            }
        };
        let imp_name = obj
            .get("implementation")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let Some(imp) = self
            .implementations
            .iter()
            .find(|i| i.implementation.eq_ignore_ascii_case(imp_name))
        else {
            failures.push(
                Failure::new(
                    "Implementation",
                    format!("unknown implementation '{imp_name}'"),
                )
                .with_value(json!(imp_name)),
            );
            return Err(failures);
        };
        if let Some(existing) = existing {
            if existing.implementation.implementation != imp.implementation {
                failures.push(Failure::new(
                    "Implementation",
                    "the implementation of a provider cannot change",
                ));
            }
        }
        if let Some(c) = obj.get("configContract") {
            if c.as_str() != Some(imp.contract.as_str()) {
                failures.push(
                    Failure::new(
                        "ConfigContract",
                        format!("expected '{}' for {}", imp.contract, imp.implementation),
                    )
                    .with_value(c.clone()),
                );
            }
        }
        let mut values: BTreeMap<String, Value> = imp
            .fields
            .iter()
            .map(|f| (f.name.clone(), f.default.clone()))
            .collect();
        match obj.get("fields") {
            None | Some(Value::Null) => {}
            Some(Value::Array(fields)) => {
                for f in fields {
                    self.parse_field(imp, f, existing, &mut values, &mut failures);
                }
            }
            Some(_) => failures.push(Failure::new("Fields", "'fields' must be an array")),
        }
        let mut props = existing
            .map(|e| e.props.clone())
            .unwrap_or_else(|| self.default_props(imp));
        for (k, v) in obj {
            if matches!(
                k.as_str(),
                "id" | "name"
                    | "fields"
                    | "implementation"
                    | "implementationName"
                    | "configContract"
                    | "infoLink"
                    | "message"
                    | "presets"
            ) || !schema::is_known_key(self.app, self.kind, k)
            {
                continue;
            }
            if let Err(f) = check_prop(k, v) {
                failures.push(f);
                continue;
            }
            props.insert(k.clone(), v.clone());
        }
        if let Some(p) = imp.protocol {
            props.insert("protocol".into(), json!(p));
        }
        failures.extend(validate_values(self.kind, imp, &values));
        if !failures.is_empty() {
            return Err(failures);
        }
        Ok(Provider {
            id: existing.map(|e| e.id).unwrap_or(0),
            name,
            implementation: imp.clone(),
            values,
            props,
        })
    }

    fn parse_field(
        &self,
        imp: &Implementation,
        f: &Value,
        existing: Option<&Provider>,
        values: &mut BTreeMap<String, Value>,
        failures: &mut Vec<Failure>,
    ) {
        let Some(fo) = f.as_object() else {
            failures.push(Failure::new("Fields", "every field must be an object"));
            return;
        };
        let fname = fo.get("name").and_then(Value::as_str).unwrap_or_default();
        for k in fo.keys() {
            if !FIELD_KEYS.contains(&k.as_str()) {
                failures.push(Failure::new(
                    &format!("fields.{fname}.{k}"),
                    format!("unknown field property '{k}'"),
                ));
            }
        }
        let Some(def) = imp.field(fname) else {
            failures.push(Failure::new(
                &format!("fields.{fname}"),
                format!(
                    "unknown field '{fname}' for {} (the real app would drop it silently)",
                    imp.implementation
                ),
            ));
            return;
        };
        let Some(v) = fo.get("value") else {
            return;
        };
        if def.privacy.is_secret() && v.as_str() == Some(MASK) {
            match existing {
                Some(e) => {
                    values.insert(def.name.clone(), e.values.get(&def.name).cloned().unwrap_or(Value::Null));
                }
                None => failures.push(Failure::new(
                    &format!("fields.{fname}"),
                    "the masked value '********' was sent for a new provider; send the secret itself",
                )),
            }
            return;
        }
        if !def.accepts(v) {
            let shown = if def.privacy.is_secret() {
                Value::Null
            } else {
                v.clone()
            };
            failures.push(
                Failure::new(
                    &format!("fields.{fname}"),
                    format!("'{fname}' must be {}", def.type_description()),
                )
                .with_value(shown),
            );
            return;
        }
        values.insert(def.name.clone(), v.clone());
    }

    /// Whether another provider (not `except`) has this name, compared case-insensitively.
    pub fn name_taken(&self, name: &str, except: Option<i64>) -> bool {
        self.items
            .values()
            .any(|p| Some(p.id) != except && p.name.to_lowercase() == name.to_lowercase())
    }

    /// Stores a new provider; returns its id.
    pub fn insert(&mut self, mut p: Provider) -> i64 {
        p.id = self.next_id;
        self.next_id += 1;
        let id = p.id;
        self.items.insert(id, p);
        id
    }

    /// Replaces a stored provider.
    pub fn replace(&mut self, p: Provider) {
        self.items.insert(p.id, p);
    }

    /// Removes a provider; whether it existed.
    pub fn remove(&mut self, id: i64) -> bool {
        self.items.remove(&id).is_some()
    }
}

fn check_prop(key: &str, v: &Value) -> Result<(), Failure> {
    let ok = match key {
        "enable"
        | "removeCompletedDownloads"
        | "removeFailedDownloads"
        | "enableRss"
        | "enableAutomaticSearch"
        | "enableInteractiveSearch"
        | "supportsRss"
        | "supportsSearch"
        | "redirect"
        | "supportsRedirect"
        | "supportsPagination"
        | "supportsCategories"
        | "onHealthIssue"
        | "supportsOnHealthIssue"
        | "includeHealthWarnings" => v.is_boolean(),
        "priority"
        | "appProfileId"
        | "seasonSearchMaximumSingleEpisodeAge"
        | "downloadClientId" => v.is_i64(),
        "tags" => v.as_array().is_some_and(|a| a.iter().all(Value::is_i64)),
        "syncLevel" => matches!(v.as_str(), Some("disabled" | "addOnly" | "fullSync")),
        "protocol" => matches!(v.as_str(), Some("unknown" | "usenet" | "torrent")),
        _ => true,
    };
    if ok {
        Ok(())
    } else {
        Err(Failure::new(key, format!("invalid value for '{key}'")).with_value(v.clone()))
    }
}

fn validate_values(
    kind: ProviderKind,
    imp: &Implementation,
    v: &BTreeMap<String, Value>,
) -> Vec<Failure> {
    let mut f = Vec::new();
    let text = |k: &str| {
        v.get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .trim()
            .to_string()
    };
    match kind {
        ProviderKind::DownloadClient => {
            if text("host").is_empty() {
                f.push(Failure::new("Host", "'Host' must not be empty."));
            }
            match v.get("port").and_then(Value::as_i64) {
                Some(p) if (1..=65535).contains(&p) => {}
                other => f.push(
                    Failure::new("Port", "'Port' must be between 1 and 65535.")
                        .with_value(json!(other)),
                ),
            }
            for (k, _) in v.iter().filter(|(k, _)| k.ends_with("ategory")) {
                let c = text(k);
                if c.starts_with('/') || c.ends_with('/') || c.contains('\\') || c.contains("//") {
                    f.push(
                        Failure::new(k, "Can not contain '\\', '//', or start/end with '/'")
                            .with_value(json!(c)),
                    );
                }
            }
        }
        ProviderKind::Indexer => {
            if reqwest::Url::parse(&text("baseUrl")).is_err() {
                f.push(Failure::new("BaseUrl", "Invalid Url").with_value(json!(text("baseUrl"))));
            }
        }
        ProviderKind::Application => {
            for k in ["baseUrl", "prowlarrUrl"] {
                if reqwest::Url::parse(&text(k)).is_err() {
                    f.push(Failure::new(k, "Invalid Url").with_value(json!(text(k))));
                }
            }
            if text("apiKey").is_empty() {
                f.push(Failure::new("ApiKey", "'Api Key' must not be empty."));
            }
        }
        ProviderKind::IndexerProxy => {
            if text("host").is_empty() {
                f.push(Failure::new("Host", "'Host' must not be empty."));
            } else if reqwest::Url::parse(&text("host")).is_err() {
                f.push(Failure::new("Host", "Invalid Url").with_value(json!(text("host"))));
            }
            match v.get("requestTimeout").and_then(Value::as_i64) {
                Some(t) if (1..=180).contains(&t) => {}
                other => f.push(
                    Failure::new(
                        "RequestTimeout",
                        "'Request Timeout' must be between 1 and 180.",
                    )
                    .with_value(json!(other)),
                ),
            }
        }
    }
    let _ = imp;
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    fn qbt(name: &str, password: &str) -> Value {
        json!({
            "name": name,
            "implementation": "QBittorrent",
            "configContract": "QBittorrentSettings",
            "enable": true,
            "fields": [
                {"name": "host", "value": "127.0.0.1"},
                {"name": "port", "value": 8080},
                {"name": "password", "value": password},
                {"name": "tvCategory", "value": "tv"},
            ]
        })
    }

    #[test]
    fn unknown_fields_and_properties_are_rejected() {
        let c = Collection::new(ServarrApp::Sonarr, ProviderKind::DownloadClient);
        let mut body = qbt("q", "p");
        body["fields"]
            .as_array_mut()
            .unwrap()
            .push(json!({"name": "movieCategory", "value": "x"}));
        body["surprise"] = json!(1);
        let err = c.parse(&body, None).unwrap_err();
        let names: Vec<_> = err.iter().map(|f| f.property_name.as_str()).collect();
        assert!(names.contains(&"fields.movieCategory"), "{names:?}");
        assert!(names.contains(&"surprise"), "{names:?}");
    }

    #[test]
    fn secrets_are_masked_and_a_sent_back_mask_keeps_the_secret() {
        let mut c = Collection::new(ServarrApp::Sonarr, ProviderKind::DownloadClient);
        let p = c.parse(&qbt("q", "hunter2"), None).unwrap();
        let id = c.insert(p);
        let shown = c.to_json(c.get(id).unwrap());
        let pw = shown["fields"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["name"] == "password")
            .unwrap();
        assert_eq!(pw["value"], MASK);
        assert!(!shown.to_string().contains("hunter2"));
        // The client echoes the read-back resource: the stored secret stays.
        let updated = c.parse(&shown, c.get(id)).unwrap();
        assert_eq!(updated.text("password"), "hunter2");
        // A mask on create is refused.
        assert!(c.parse(&qbt("r", MASK), None).is_err());
    }

    #[test]
    fn names_are_unique_case_insensitively_and_types_are_checked() {
        let mut c = Collection::new(ServarrApp::Radarr, ProviderKind::DownloadClient);
        let body = json!({"name": "QB", "implementation": "QBittorrent", "fields": [{"name": "host", "value": "localhost"}]});
        let id = c.insert(c.parse(&body, None).unwrap());
        assert!(c.name_taken("qb", None));
        assert!(!c.name_taken("qb", Some(id)));
        let bad = json!({"name": "x", "implementation": "QBittorrent", "fields": [{"name": "port", "value": "8080"}]});
        assert!(c.parse(&bad, None).is_err());
    }
}
