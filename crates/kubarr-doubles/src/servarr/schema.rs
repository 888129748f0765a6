//! The provider implementations each Servarr double accepts, with their field names, types,
//! privacy and defaults — written from the apps' settings classes (e.g. Sonarr's
//! `QBittorrentSettings`, Prowlarr's `SonarrSettings`): a field is the camelCased property.

use serde_json::{json, Value};

use super::ServarrApp;

/// How a field's value is shown and read back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Privacy {
    /// Shown as stored.
    Normal,
    /// A password: read back as `********`.
    Password,
    /// An API key: read back as `********`.
    ApiKey,
    /// A user name (shown).
    UserName,
}

impl Privacy {
    /// Whether reads mask the value.
    pub fn is_secret(self) -> bool {
        matches!(self, Self::Password | Self::ApiKey)
    }

    fn as_str(self) -> &'static str {
        match self {
            Self::Normal => "normal",
            Self::Password => "password",
            Self::ApiKey => "apiKey",
            Self::UserName => "userName",
        }
    }
}

/// The JSON type a field's value must have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A string (or null).
    Text,
    /// A secret string.
    Password,
    /// An integer.
    Number,
    /// A boolean.
    Bool,
    /// One integer option.
    Select,
    /// An array of integers.
    MultiSelect,
}

impl Kind {
    fn ui_type(self) -> &'static str {
        match self {
            Self::Text => "textbox",
            Self::Password => "password",
            Self::Number => "number",
            Self::Bool => "checkbox",
            Self::Select | Self::MultiSelect => "select",
        }
    }

    /// Whether `v` has this kind's JSON type.
    pub fn accepts(self, v: &Value) -> bool {
        match self {
            Self::Text | Self::Password => v.is_string() || v.is_null(),
            Self::Number | Self::Select => v.is_i64() || v.is_u64(),
            Self::Bool => v.is_boolean(),
            Self::MultiSelect => v
                .as_array()
                .is_some_and(|a| a.iter().all(|x| x.is_i64() || x.is_u64())),
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Self::Text | Self::Password => "a string",
            Self::Number | Self::Select => "an integer",
            Self::Bool => "a boolean",
            Self::MultiSelect => "an array of integers",
        }
    }
}

/// One field of an implementation.
#[derive(Debug, Clone)]
pub struct FieldDef {
    /// The camelCase name clients send.
    pub name: String,
    /// The UI label.
    pub label: String,
    /// The value's type.
    pub kind: Kind,
    /// Masking on read.
    pub privacy: Privacy,
    /// The value when a client leaves the field out.
    pub default: Value,
    /// Shown only in advanced settings.
    pub advanced: bool,
}

impl FieldDef {
    fn new(name: &str, label: &str, kind: Kind, default: Value) -> Self {
        let privacy = match kind {
            Kind::Password => Privacy::Password,
            _ => Privacy::Normal,
        };
        Self {
            name: name.to_string(),
            label: label.to_string(),
            kind,
            privacy,
            default,
            advanced: false,
        }
    }

    fn privacy(mut self, p: Privacy) -> Self {
        self.privacy = p;
        self
    }

    fn advanced(mut self) -> Self {
        self.advanced = true;
        self
    }

    /// Whether `v` is a valid value: the kind's JSON type, or null where the default is null.
    pub fn accepts(&self, v: &Value) -> bool {
        self.kind.accepts(v) || (v.is_null() && self.default.is_null())
    }

    /// The expected type, for error messages.
    pub fn type_description(&self) -> &'static str {
        self.kind.describe()
    }

    /// The field object as the schema endpoint shows it, with `value`.
    pub fn to_json(&self, order: usize, value: Value) -> Value {
        json!({
            "order": order,
            "name": self.name,
            "label": self.label,
            "value": value,
            "type": self.kind.ui_type(),
            "advanced": self.advanced,
            "privacy": self.privacy.as_str(),
            "isFloat": false,
        })
    }
}

/// One provider implementation (e.g. QBittorrent for download clients).
#[derive(Debug, Clone)]
pub struct Implementation {
    /// `implementation`, e.g. `QBittorrent`.
    pub implementation: String,
    /// `implementationName`, e.g. `qBittorrent`.
    pub name: String,
    /// `configContract`, e.g. `QBittorrentSettings`.
    pub contract: String,
    /// `protocol` for download clients and indexers.
    pub protocol: Option<&'static str>,
    /// The fields, in order.
    pub fields: Vec<FieldDef>,
}

impl Implementation {
    fn new(
        implementation: &str,
        name: &str,
        protocol: Option<&'static str>,
        fields: Vec<FieldDef>,
    ) -> Self {
        Self {
            implementation: implementation.to_string(),
            name: name.to_string(),
            contract: format!("{implementation}Settings"),
            protocol,
            fields,
        }
    }

    /// The field called `name`.
    pub fn field(&self, name: &str) -> Option<&FieldDef> {
        self.fields.iter().find(|f| f.name == name)
    }
}

/// Which collection a provider belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProviderKind {
    /// `/downloadclient`.
    DownloadClient,
    /// `/indexer`.
    Indexer,
    /// `/applications` (Prowlarr).
    Application,
    /// `/indexerProxy` (Prowlarr).
    IndexerProxy,
}

/// The per-app names of the download-client settings that differ between the apps.
#[derive(Debug, Clone, Copy)]
pub struct MediaFields {
    /// The category field (`tvCategory`, `movieCategory`, `musicCategory`, `category`).
    pub category: &'static str,
    /// The post-import category field, if the app has one.
    pub imported_category: Option<&'static str>,
    /// The priority fields (`recentTvPriority`/`olderTvPriority`, or Prowlarr's `priority`).
    pub priorities: &'static [&'static str],
    /// Transmission's directory field.
    pub directory: &'static str,
    /// The category an app proposes by default.
    pub default_category: &'static str,
}

impl ServarrApp {
    /// This app's download-client field names.
    pub fn media_fields(self) -> MediaFields {
        match self {
            Self::Sonarr => MediaFields {
                category: "tvCategory",
                imported_category: Some("tvImportedCategory"),
                priorities: &["recentTvPriority", "olderTvPriority"],
                directory: "tvDirectory",
                default_category: "tv-sonarr",
            },
            Self::Radarr => MediaFields {
                category: "movieCategory",
                imported_category: Some("movieImportedCategory"),
                priorities: &["recentMoviePriority", "olderMoviePriority"],
                directory: "movieDirectory",
                default_category: "radarr",
            },
            // Lidarr kept the TV-named priority properties.
            Self::Lidarr => MediaFields {
                category: "musicCategory",
                imported_category: Some("musicImportedCategory"),
                priorities: &["recentTvPriority", "olderTvPriority"],
                directory: "musicDirectory",
                default_category: "lidarr",
            },
            Self::Prowlarr => MediaFields {
                category: "category",
                imported_category: None,
                priorities: &["priority"],
                directory: "directory",
                default_category: "prowlarr",
            },
        }
    }
}

/// The implementations `app` offers for `kind`.
pub fn implementations(app: ServarrApp, kind: ProviderKind) -> Vec<Implementation> {
    match kind {
        ProviderKind::DownloadClient => download_clients(app),
        ProviderKind::Indexer if app == ServarrApp::Prowlarr => prowlarr_indexers(),
        ProviderKind::Indexer => arr_indexers(app),
        ProviderKind::Application if app == ServarrApp::Prowlarr => applications(),
        ProviderKind::Application => Vec::new(),
        ProviderKind::IndexerProxy if app == ServarrApp::Prowlarr => indexer_proxies(),
        ProviderKind::IndexerProxy => Vec::new(),
    }
}

/// Prowlarr's FlareSolverr proxy (`IndexerProxies/FlareSolverr/FlareSolverrSettings.cs`); the
/// HTTP and SOCKS proxies are not modelled.
fn indexer_proxies() -> Vec<Implementation> {
    vec![Implementation::new(
        "FlareSolverr",
        "FlareSolverr",
        None,
        vec![
            FieldDef::new("host", "Host", Kind::Text, json!("http://localhost:8191/")),
            FieldDef::new("requestTimeout", "Request Timeout", Kind::Number, json!(60)).advanced(),
            FieldDef::new("sessionId", "Session id", Kind::Text, json!("")).advanced(),
        ],
    )]
}

fn connection(port: u16, url_base: &str) -> Vec<FieldDef> {
    vec![
        FieldDef::new("host", "Host", Kind::Text, json!("localhost")),
        FieldDef::new("port", "Port", Kind::Number, json!(port)),
        FieldDef::new("useSsl", "Use SSL", Kind::Bool, json!(false)),
        FieldDef::new("urlBase", "URL Base", Kind::Text, json!(url_base)).advanced(),
    ]
}

fn username() -> FieldDef {
    FieldDef::new("username", "Username", Kind::Text, json!("")).privacy(Privacy::UserName)
}

fn password() -> FieldDef {
    FieldDef::new("password", "Password", Kind::Password, json!(""))
}

fn category_fields(m: &MediaFields, with_imported: bool) -> Vec<FieldDef> {
    let mut f = vec![FieldDef::new(
        m.category,
        "Category",
        Kind::Text,
        json!(m.default_category),
    )];
    if with_imported {
        if let Some(i) = m.imported_category {
            f.push(FieldDef::new(i, "Post-Import Category", Kind::Text, json!("")).advanced());
        }
    }
    f
}

fn priority_fields(m: &MediaFields) -> Vec<FieldDef> {
    m.priorities
        .iter()
        .map(|p| FieldDef::new(p, "Priority", Kind::Select, json!(0)))
        .collect()
}

fn download_clients(app: ServarrApp) -> Vec<Implementation> {
    let m = app.media_fields();
    let torrent = Some("torrent");
    let usenet = Some("usenet");

    let mut qbt = connection(8080, "");
    qbt.extend([username(), password()]);
    qbt.extend(category_fields(&m, true));
    qbt.extend(priority_fields(&m));
    qbt.extend([
        FieldDef::new("initialState", "Initial State", Kind::Select, json!(0)),
        FieldDef::new(
            "sequentialOrder",
            "Sequential Order",
            Kind::Bool,
            json!(false),
        ),
        FieldDef::new(
            "firstAndLast",
            "First and Last First",
            Kind::Bool,
            json!(false),
        ),
        FieldDef::new("contentLayout", "Content Layout", Kind::Select, json!(0)),
    ]);

    let mut tr = connection(9091, "/transmission/");
    tr.extend([username(), password()]);
    tr.extend(category_fields(&m, false));
    tr.push(FieldDef::new(m.directory, "Directory", Kind::Text, json!("")).advanced());
    tr.extend(priority_fields(&m));
    tr.push(FieldDef::new(
        "addPaused",
        "Add Paused",
        Kind::Bool,
        json!(false),
    ));

    let mut deluge = connection(8112, "");
    deluge.push(password());
    deluge.extend(category_fields(&m, true));
    deluge.extend(priority_fields(&m));
    deluge.push(FieldDef::new(
        "addPaused",
        "Add Paused",
        Kind::Bool,
        json!(false),
    ));

    let mut nzbget = connection(6789, "");
    nzbget.extend([username(), password()]);
    nzbget.extend(category_fields(&m, false));
    nzbget.extend(priority_fields(&m));
    nzbget.push(FieldDef::new(
        "addPaused",
        "Add Paused",
        Kind::Bool,
        json!(false),
    ));

    vec![
        Implementation::new("QBittorrent", "qBittorrent", torrent, qbt),
        Implementation::new("Transmission", "Transmission", torrent, tr),
        Implementation::new("Deluge", "Deluge", torrent, deluge),
        Implementation::new("Nzbget", "NZBGet", usenet, nzbget),
    ]
}

fn arr_indexers(app: ServarrApp) -> Vec<Implementation> {
    let mut common = vec![
        FieldDef::new("baseUrl", "URL", Kind::Text, json!("")),
        FieldDef::new("apiPath", "API Path", Kind::Text, json!("/api")).advanced(),
        FieldDef::new("apiKey", "API Key", Kind::Password, json!("")).privacy(Privacy::ApiKey),
        FieldDef::new("categories", "Categories", Kind::MultiSelect, json!([])),
    ];
    if app == ServarrApp::Sonarr {
        common.push(FieldDef::new(
            "animeCategories",
            "Anime Categories",
            Kind::MultiSelect,
            json!([]),
        ));
        common.push(FieldDef::new(
            "animeStandardFormatSearch",
            "Anime Standard Format Search",
            Kind::Bool,
            json!(false),
        ));
    }
    common.push(
        FieldDef::new(
            "additionalParameters",
            "Additional Parameters",
            Kind::Text,
            json!(""),
        )
        .advanced(),
    );
    let mut torznab = common.clone();
    torznab.extend([
        FieldDef::new("minimumSeeders", "Minimum Seeders", Kind::Number, json!(1)).advanced(),
        FieldDef::new(
            "seedCriteria.seedRatio",
            "Seed Ratio",
            Kind::Text,
            json!(null),
        )
        .advanced(),
        FieldDef::new(
            "seedCriteria.seedTime",
            "Seed Time",
            Kind::Number,
            json!(null),
        )
        .advanced(),
        FieldDef::new(
            "rejectBlocklistedTorrentHashesWhileGrabbing",
            "Reject Blocklisted Torrent Hashes While Grabbing",
            Kind::Bool,
            json!(false),
        )
        .advanced(),
    ]);
    vec![
        Implementation::new("Newznab", "Newznab", Some("usenet"), common),
        Implementation::new("Torznab", "Torznab", Some("torrent"), torznab),
    ]
}

fn prowlarr_indexers() -> Vec<Implementation> {
    let fields = || {
        vec![
            FieldDef::new("baseUrl", "URL", Kind::Text, json!("")),
            FieldDef::new("apiPath", "API Path", Kind::Text, json!("/api")).advanced(),
            FieldDef::new("apiKey", "API Key", Kind::Password, json!("")).privacy(Privacy::ApiKey),
            FieldDef::new(
                "additionalParameters",
                "Additional Parameters",
                Kind::Text,
                json!(""),
            )
            .advanced(),
        ]
    };
    let mut newznab = Implementation::new("Newznab", "Generic Newznab", Some("usenet"), fields());
    newznab.contract = "NewznabSettings".into();
    let mut torznab = Implementation::new("Torznab", "Generic Torznab", Some("torrent"), fields());
    torznab.contract = "TorznabSettings".into();
    vec![newznab, torznab]
}

fn applications() -> Vec<Implementation> {
    let app = |name: &str, port: u16, anime: bool| {
        let mut f = vec![
            FieldDef::new(
                "prowlarrUrl",
                "Prowlarr Server",
                Kind::Text,
                json!("http://localhost:9696"),
            ),
            FieldDef::new(
                "baseUrl",
                &format!("{name} Server"),
                Kind::Text,
                json!(format!("http://localhost:{port}")),
            ),
            FieldDef::new("apiKey", "API Key", Kind::Password, json!("")).privacy(Privacy::ApiKey),
            FieldDef::new(
                "syncCategories",
                "Sync Categories",
                Kind::MultiSelect,
                json!([]),
            )
            .advanced(),
        ];
        if anime {
            f.push(
                FieldDef::new(
                    "animeSyncCategories",
                    "Anime Sync Categories",
                    Kind::MultiSelect,
                    json!([5070]),
                )
                .advanced(),
            );
            f.push(
                FieldDef::new(
                    "syncAnimeStandardFormatSearch",
                    "Sync Anime Standard Format Search",
                    Kind::Bool,
                    json!(true),
                )
                .advanced(),
            );
        }
        f.push(
            FieldDef::new(
                "syncRejectBlocklistedTorrentHashesWhileGrabbing",
                "Sync Reject Blocklisted Torrent Hashes While Grabbing",
                Kind::Bool,
                json!(false),
            )
            .advanced(),
        );
        Implementation::new(name, name, None, f)
    };
    let mut sonarr = app("Sonarr", 8989, true);
    sonarr.fields[3].default = json!([5000, 5010, 5020, 5030, 5040, 5045, 5050, 5090]);
    let mut radarr = app("Radarr", 7878, false);
    radarr.fields[3].default =
        json!([2000, 2010, 2020, 2030, 2040, 2045, 2050, 2060, 2070, 2080, 2090]);
    let mut lidarr = app("Lidarr", 8686, false);
    lidarr.fields[3].default = json!([3000, 3010, 3030, 3040, 3050, 3060]);
    vec![sonarr, radarr, lidarr]
}

/// Top-level properties every provider resource may carry.
const PROVIDER_KEYS: &[&str] = &[
    "id",
    "name",
    "fields",
    "implementationName",
    "implementation",
    "configContract",
    "infoLink",
    "message",
    "tags",
    "presets",
];

/// The top-level properties `app` accepts on a `kind` resource (besides [`PROVIDER_KEYS`]).
pub fn extra_keys(app: ServarrApp, kind: ProviderKind) -> &'static [&'static str] {
    match (kind, app) {
        (ProviderKind::DownloadClient, ServarrApp::Prowlarr) => &[
            "enable",
            "protocol",
            "priority",
            "categories",
            "supportsCategories",
        ],
        (ProviderKind::DownloadClient, _) => &[
            "enable",
            "protocol",
            "priority",
            "removeCompletedDownloads",
            "removeFailedDownloads",
        ],
        (ProviderKind::Indexer, ServarrApp::Prowlarr) => &[
            "indexerUrls",
            "legacyUrls",
            "definitionName",
            "description",
            "language",
            "encoding",
            "enable",
            "redirect",
            "supportsRss",
            "supportsSearch",
            "supportsRedirect",
            "supportsPagination",
            "appProfileId",
            "protocol",
            "privacy",
            "capabilities",
            "priority",
            "downloadClientId",
            "added",
            "status",
            "sortName",
        ],
        (ProviderKind::Indexer, ServarrApp::Sonarr) => &[
            "enableRss",
            "enableAutomaticSearch",
            "enableInteractiveSearch",
            "supportsRss",
            "supportsSearch",
            "protocol",
            "priority",
            "seasonSearchMaximumSingleEpisodeAge",
            "downloadClientId",
        ],
        (ProviderKind::Indexer, _) => &[
            "enableRss",
            "enableAutomaticSearch",
            "enableInteractiveSearch",
            "supportsRss",
            "supportsSearch",
            "protocol",
            "priority",
            "downloadClientId",
        ],
        (ProviderKind::Application, _) => &["syncLevel", "testCommand"],
        (ProviderKind::IndexerProxy, _) => &[
            "link",
            "onHealthIssue",
            "supportsOnHealthIssue",
            "includeHealthWarnings",
            "testCommand",
        ],
    }
}

/// Whether `key` is a known top-level property.
pub fn is_known_key(app: ServarrApp, kind: ProviderKind, key: &str) -> bool {
    PROVIDER_KEYS.contains(&key) || extra_keys(app, kind).contains(&key)
}

/// Keys a field object may carry (clients often echo the whole schema field back).
pub const FIELD_KEYS: &[&str] = &[
    "order",
    "name",
    "label",
    "unit",
    "helpText",
    "helpTextWarning",
    "helpLink",
    "value",
    "type",
    "advanced",
    "selectOptions",
    "selectOptionsProviderAction",
    "section",
    "hidden",
    "privacy",
    "placeholder",
    "isFloat",
];
