//! The Servarr apps' side of a link (Sonarr, Radarr, Lidarr on `/api/v3` / `/api/v1`, Prowlarr on
//! `/api/v1`): the download client, application or root folder Kubarr keeps there, found by its
//! Kubarr-owned name (or path) before anything is created, compared field by field, and written
//! only when it differs. Creating and updating let the app run its own test (no `forceSave`), so
//! an object is saved only once the app itself reached the other end.

use hyper_util::client::legacy::Client;
use serde_json::{json, Map, Value};

use super::http::{AppApi, CallError};
use crate::gateway::dial::Dialer;

/// What the Servarr apps answer in place of a secret.
pub const MASK: &str = "********";

/// Which API an app speaks, by its chart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavor {
    Sonarr,
    Radarr,
    Lidarr,
    Prowlarr,
}

impl Flavor {
    pub fn of(chart: &str) -> Option<Self> {
        match chart {
            "sonarr" => Some(Self::Sonarr),
            "radarr" => Some(Self::Radarr),
            "lidarr" => Some(Self::Lidarr),
            "prowlarr" => Some(Self::Prowlarr),
            _ => None,
        }
    }

    pub fn api(self) -> &'static str {
        match self {
            Self::Sonarr | Self::Radarr => "/api/v3",
            Self::Lidarr | Self::Prowlarr => "/api/v1",
        }
    }

    /// The implementation name Prowlarr's applications use for this app.
    pub fn implementation(self) -> &'static str {
        match self {
            Self::Sonarr => "Sonarr",
            Self::Radarr => "Radarr",
            Self::Lidarr => "Lidarr",
            Self::Prowlarr => "Prowlarr",
        }
    }

    /// The download-client field names for the category and the Transmission directory.
    fn media_fields(self) -> (&'static str, &'static str) {
        match self {
            Self::Sonarr => ("tvCategory", "tvDirectory"),
            Self::Radarr => ("movieCategory", "movieDirectory"),
            Self::Lidarr => ("musicCategory", "musicDirectory"),
            Self::Prowlarr => ("category", "directory"),
        }
    }
}

/// A provider object (download client, application) as Kubarr wants it.
#[derive(Clone, Debug)]
pub struct Provider {
    /// `downloadclient` or `applications`.
    pub collection: &'static str,
    pub name: String,
    pub implementation: String,
    /// Top-level properties besides name, implementation and fields.
    pub props: Map<String, Value>,
    /// Non-secret fields, compared on every pass.
    pub fields: Vec<(String, Value)>,
    /// Secret fields: sent on create and update, never compared (the app masks them).
    pub secrets: Vec<(String, String)>,
}

impl Provider {
    fn body(&self, id: Option<i64>) -> Value {
        let fields: Vec<Value> = self
            .fields
            .iter()
            .map(|(k, v)| json!({"name": k, "value": v}))
            .chain(
                self.secrets
                    .iter()
                    .map(|(k, v)| json!({"name": k, "value": v})),
            )
            .collect();
        let mut o = self.props.clone();
        o.insert("name".into(), json!(self.name));
        o.insert("implementation".into(), json!(self.implementation));
        o.insert(
            "configContract".into(),
            json!(format!("{}Settings", self.implementation)),
        );
        o.insert("fields".into(), Value::Array(fields));
        o.entry("tags").or_insert_with(|| json!([]));
        if let Some(id) = id {
            o.insert("id".into(), json!(id));
        }
        Value::Object(o)
    }

    /// What differs between `found` and this spec, in words (`None`: in sync).
    pub fn difference(&self, found: &Value) -> Option<String> {
        if found["implementation"].as_str() != Some(self.implementation.as_str()) {
            return Some(format!(
                "its type changed to {}",
                found["implementation"].as_str().unwrap_or("something else")
            ));
        }
        for (k, want) in &self.props {
            if &found[k] != want {
                return Some(format!("`{k}` was changed"));
            }
        }
        for (k, want) in &self.fields {
            let have = found["fields"]
                .as_array()
                .and_then(|f| f.iter().find(|x| x["name"] == k.as_str()))
                .map(|x| &x["value"]);
            if have != Some(want) {
                return Some(format!("its setting `{k}` was changed"));
            }
        }
        None
    }
}

/// A download client as an arr reaches it.
pub struct ClientTarget<'a> {
    /// Its chart (`qbittorrent`, `transmission`, `deluge`).
    pub chart: &'a str,
    pub display: &'a str,
    pub host: &'a str,
    pub port: u16,
    pub username: &'a str,
    pub password: &'a str,
}

/// The download client an arr of `flavor` keeps for `client`, filing `media` downloads.
pub fn download_client(flavor: Flavor, client: &ClientTarget<'_>, media: &str) -> Option<Provider> {
    let ClientTarget {
        chart,
        display,
        host,
        port,
        username,
        password,
    } = *client;
    let (category_field, directory_field) = flavor.media_fields();
    let mut fields = vec![
        ("host".to_owned(), json!(host)),
        ("port".to_owned(), json!(port)),
        ("useSsl".to_owned(), json!(false)),
    ];
    let mut secrets = vec![("password".to_owned(), password.to_owned())];
    let implementation = match chart {
        "qbittorrent" => {
            fields.push(("urlBase".into(), json!("")));
            fields.push(("username".into(), json!(username)));
            fields.push((category_field.into(), json!(media)));
            "QBittorrent"
        }
        "transmission" => {
            // Transmission has no categories: a directory per media type instead.
            fields.push(("urlBase".into(), json!("/transmission/")));
            fields.push(("username".into(), json!(username)));
            fields.push((category_field.into(), json!("")));
            fields.push((directory_field.into(), json!(torrent_dir(media))));
            "Transmission"
        }
        "deluge" => {
            fields.push(("urlBase".into(), json!("")));
            fields.push((category_field.into(), json!(media)));
            "Deluge"
        }
        _ => return None,
    };
    if password.is_empty() {
        secrets.clear();
    }
    let mut props = Map::new();
    props.insert("enable".into(), json!(true));
    props.insert("protocol".into(), json!("torrent"));
    props.insert("priority".into(), json!(1));
    Some(Provider {
        collection: "downloadclient",
        name: owned_name(display),
        implementation: implementation.into(),
        props,
        fields,
        secrets,
    })
}

/// Prowlarr's application for an arr: Prowlarr at `prowlarr_url` syncs its indexers into the
/// arr at `arr_url` (each address as the other app reaches it).
pub fn application(
    arr: Flavor,
    display: &str,
    prowlarr_url: &str,
    arr_url: &str,
    arr_key: &str,
) -> Provider {
    let mut props = Map::new();
    props.insert("syncLevel".into(), json!("fullSync"));
    Provider {
        collection: "applications",
        name: owned_name(display),
        implementation: arr.implementation().into(),
        props,
        fields: vec![
            ("prowlarrUrl".into(), json!(prowlarr_url)),
            ("baseUrl".into(), json!(arr_url)),
        ],
        secrets: vec![("apiKey".into(), arr_key.to_owned())],
    }
}

/// The name that marks an object as Kubarr's: nothing else of that name is ever touched.
pub fn owned_name(display: &str) -> String {
    format!("{display} (Kubarr)")
}

/// Where a media type's torrents are saved (`/data/torrents/<type>`).
pub fn torrent_dir(media: &str) -> String {
    format!("/data/torrents/{media}")
}

/// One arr's API.
pub struct Servarr<'a> {
    api: AppApi<'a>,
    pub flavor: Flavor,
}

/// What one pass found of an object.
pub enum Found {
    InSync(i64),
    Differs(i64, String),
    Missing,
}

impl<'a> Servarr<'a> {
    pub fn new(
        client: &'a Client<Dialer, Body>,
        base: &str,
        flavor: Flavor,
        api_key: &str,
    ) -> Self {
        Self {
            api: AppApi::with_api_key(client, base, api_key),
            flavor,
        }
    }

    pub(super) fn path(&self, rest: &str) -> String {
        format!("{}{rest}", self.flavor.api())
    }

    pub(super) fn api(&self) -> &AppApi<'a> {
        &self.api
    }

    /// Anonymous liveness (`/ping`).
    pub async fn ping(&self) -> Result<(), CallError> {
        self.api.get("/ping").await.map(|_| ())
    }

    /// Finds `spec` by its name and compares it.
    pub async fn find(&self, spec: &Provider) -> Result<Found, CallError> {
        let list = self
            .api
            .get(&self.path(&format!("/{}", spec.collection)))
            .await?;
        let found = list.as_array().into_iter().flatten().find(|p| {
            p["name"]
                .as_str()
                .is_some_and(|n| n.eq_ignore_ascii_case(&spec.name))
        });
        Ok(match found {
            None => Found::Missing,
            Some(p) => {
                let id = p["id"].as_i64().unwrap_or_default();
                match spec.difference(p) {
                    None => Found::InSync(id),
                    Some(why) => Found::Differs(id, why),
                }
            }
        })
    }

    /// Creates or updates `spec` (the app tests it first).
    pub async fn apply(&self, spec: &Provider, id: Option<i64>) -> Result<(), CallError> {
        match id {
            None => {
                let path = self.path(&format!("/{}", spec.collection));
                self.api.post(&path, &spec.body(None)).await?;
            }
            Some(id) => {
                let path = self.path(&format!("/{}/{id}", spec.collection));
                self.api.put(&path, &spec.body(Some(id))).await?;
            }
        }
        Ok(())
    }

    /// Deletes the object named `name` in `collection`, if there is one.
    pub async fn remove(&self, collection: &str, name: &str) -> Result<bool, CallError> {
        let list = self.api.get(&self.path(&format!("/{collection}"))).await?;
        let found = list.as_array().into_iter().flatten().find(|p| {
            p["name"]
                .as_str()
                .is_some_and(|n| n.eq_ignore_ascii_case(name))
        });
        match found.and_then(|p| p["id"].as_i64()) {
            Some(id) => {
                self.api
                    .delete(&self.path(&format!("/{collection}/{id}")))
                    .await?;
                Ok(true)
            }
            None => Ok(false),
        }
    }

    /// Whether a root folder at `path` exists (whoever made it).
    pub async fn has_root_folder(&self, path: &str) -> Result<bool, CallError> {
        let list = self.api.get(&self.path("/rootfolder")).await?;
        Ok(list.as_array().into_iter().flatten().any(|r| {
            r["path"]
                .as_str()
                .is_some_and(|p| p.trim_end_matches('/') == path)
        }))
    }

    pub async fn add_root_folder(&self, path: &str, display: &str) -> Result<(), CallError> {
        let mut body = json!({"path": path});
        if self.flavor == Flavor::Lidarr {
            // Lidarr's root folders carry a name and the defaults for new artists.
            body["name"] = json!(owned_name(display));
            body["defaultQualityProfileId"] = json!(1);
            body["defaultMetadataProfileId"] = json!(1);
        }
        self.api
            .post(&self.path("/rootfolder"), &body)
            .await
            .map(|_| ())
    }

    /// The app's health messages that name `name` (its own checks of what Kubarr set up).
    pub async fn health_about(&self, name: &str) -> Result<Option<String>, CallError> {
        let list = self.api.get(&self.path("/health")).await?;
        Ok(list
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|h| h["message"].as_str())
            .find(|m| m.contains(name))
            .map(str::to_owned))
    }
}

use axum::body::Body;

/// The app's own words for a failed call: the first validation message of a 400, else the
/// status.
pub fn describe(e: &CallError) -> String {
    match e {
        CallError::Status { status, body } => {
            let first = body
                .as_array()
                .and_then(|a| a.first())
                .and_then(|f| f["errorMessage"].as_str())
                .or_else(|| body["message"].as_str())
                .or_else(|| body.as_str().filter(|s| s.len() < 300 && !s.is_empty()));
            match first {
                Some(m) => m.to_owned(),
                None => format!("the app answered {status}"),
            }
        }
        other => other.to_string(),
    }
}

/// Whether the failure is a refused credential (retrying would only count against the limit
/// some clients keep, e.g. qBittorrent's ban after repeated failures).
pub fn is_auth_failure(message: &str, e: &CallError) -> bool {
    matches!(e, CallError::Status { status, .. } if status.as_u16() == 401)
        || message.contains("Authentication failure")
        || message.contains("API Key is invalid")
}
