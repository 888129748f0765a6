//! Reading the configuration layers and checking every key.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::str::FromStr;

use super::*;

mod deployment;
mod gateway;
use deployment::{app_manager_binding, initial_admin};

/// Environment variables that belong to tools and tests, not to the server.
const IGNORED_ENV: &[&str] = &[
    "config",
    "test_database_url",
    "test_kubeconfig",
    "testbed_dir",
    "testbed_cache",
];

/// Contract names that map onto nested keys.
const ENV_ALIASES: &[(&str, &str)] = &[("database_url", "database.url")];

/// Every key the server understands.
const KNOWN_KEYS: &[&str] = &[
    "listen",
    "listen_address_path",
    "data_dir",
    "database.url",
    "database.max_connections",
    "database.acquire_timeout_secs",
    "database.startup_timeout_secs",
    "secret_key",
    "session.idle_timeout_minutes",
    "session.absolute_lifetime_hours",
    "charts_dir",
    "web_dir",
    "helm_bin",
    "kubernetes.mode",
    "kubernetes.kubeconfig",
    "kubernetes.app_manager_role",
    "kubernetes.service_account",
    "initial_admin.username",
    "initial_admin.email",
    "initial_admin.password",
    "log.level",
    "log.format",
    "http.body_limit_bytes",
    "http.request_timeout_secs",
    "http.header_read_timeout_secs",
    "http.max_connections",
    "auth.bcrypt_cost",
    "media.allowed_roots",
    "trusted_proxies",
    "gateway.listen",
    "gateway.apps_domain",
    "gateway.port_range",
    "gateway.upstreams",
    "gateway.public_scheme",
    "gateway.public_port",
    "gateway.loopback_only",
    "gateway.ingress.controller",
    "gateway.ingress.class_name",
    "gateway.ingress.tls_secret",
    "gateway.ingress.auth_url",
    "gateway.ingress.gateway_service",
    "gateway.ingress.controller_namespace",
];

/// Why the configuration cannot be used: one line per invalid key.
#[derive(Debug, thiserror::Error)]
#[error("invalid configuration:\n{}", .problems.iter().map(|p| format!("  - {p}")).collect::<Vec<_>>().join("\n"))]
pub struct ConfigError {
    pub problems: Vec<String>,
}

/// A raw value and where it came from (for error messages).
#[derive(Clone, Debug)]
struct Raw {
    value: toml::Value,
    origin: String,
}

/// The inputs of a configuration load.
#[derive(Clone, Debug, Default)]
pub struct Sources {
    file: Option<PathBuf>,
    env: Vec<(String, String)>,
}

impl Sources {
    /// No file, no environment: every default.
    pub fn empty() -> Self {
        Self::default()
    }

    /// The process environment, with the file from the argument or `KUBARR_CONFIG`.
    pub fn from_process(file: Option<PathBuf>) -> Self {
        let env: Vec<(String, String)> = std::env::vars().collect();
        let file = file.or_else(|| {
            env.iter()
                .find(|(k, _)| k == "KUBARR_CONFIG")
                .map(|(_, v)| PathBuf::from(v))
        });
        Self { file, env }
    }

    /// Explicit inputs (used by tests).
    pub fn new(file: Option<PathBuf>, env: Vec<(String, String)>) -> Self {
        Self { file, env }
    }

    pub fn load(&self) -> Result<Config, ConfigError> {
        let mut problems = Vec::new();
        let mut raw: BTreeMap<String, Raw> = BTreeMap::new();
        if let Some(path) = &self.file {
            read_file(path, &mut raw, &mut problems);
        }
        read_env(&self.env, &mut raw, &mut problems);
        let mut r = Reader { raw, problems };
        let config = build(&mut r);
        if r.problems.is_empty() {
            Ok(config)
        } else {
            Err(ConfigError {
                problems: r.problems,
            })
        }
    }
}

fn read_file(path: &PathBuf, raw: &mut BTreeMap<String, Raw>, problems: &mut Vec<String>) {
    let origin = format!("file {}", path.display());
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            return problems.push(format!("config file {}: cannot read: {e}", path.display()))
        }
    };
    let table: toml::Table = match text.parse() {
        Ok(t) => t,
        Err(e) => return problems.push(format!("config file {}: {}", path.display(), e.message())),
    };
    flatten("", &toml::Value::Table(table), &mut |key, value| {
        if KNOWN_KEYS.contains(&key.as_str()) {
            raw.insert(
                key,
                Raw {
                    value,
                    origin: origin.clone(),
                },
            );
        } else {
            problems.push(format!("{key}: unknown key (in {origin})"));
        }
    });
}

fn flatten(prefix: &str, value: &toml::Value, out: &mut impl FnMut(String, toml::Value)) {
    match value {
        toml::Value::Table(t) if !KNOWN_KEYS.contains(&prefix) => {
            for (k, v) in t {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&key, v, out);
            }
        }
        other => out(prefix.to_owned(), other.clone()),
    }
}

fn read_env(env: &[(String, String)], raw: &mut BTreeMap<String, Raw>, problems: &mut Vec<String>) {
    // Plain variables first, then `_FILE` ones, so a mounted secret wins over a literal.
    let mut plain = Vec::new();
    let mut files = Vec::new();
    for (name, value) in env {
        if name == "KUBECONFIG" {
            // The standard variable may list several files; the first one is used.
            if let Some(first) = value.split(':').find(|p| !p.is_empty()) {
                plain.push((
                    "kubernetes.kubeconfig".to_owned(),
                    first.to_owned(),
                    name.clone(),
                ));
            }
            continue;
        }
        let Some(rest) = name.strip_prefix("KUBARR_") else {
            continue;
        };
        let (key, is_file) = match rest.strip_suffix("_FILE") {
            Some(k) => (k, true),
            None => (rest, false),
        };
        let key = key.to_lowercase().replace("__", ".");
        let key = ENV_ALIASES
            .iter()
            .find(|(alias, _)| *alias == key)
            .map(|(_, k)| (*k).to_owned())
            .unwrap_or(key);
        if IGNORED_ENV.contains(&key.as_str()) {
            continue;
        }
        if !KNOWN_KEYS.contains(&key.as_str()) {
            // Other tools share the prefix (scripts, test runners): say so, but carry on.
            eprintln!("warning: {name} is not a Kubarr configuration variable; ignored");
            continue;
        }
        if is_file {
            match std::fs::read_to_string(value) {
                Ok(content) => files.push((
                    key,
                    content.trim_end_matches(['\n', '\r']).to_owned(),
                    name.clone(),
                )),
                Err(e) => problems.push(format!("{key}: cannot read {name}={value}: {e}")),
            }
        } else {
            plain.push((key, value.clone(), name.clone()));
        }
    }
    for (key, value, name) in plain.into_iter().chain(files) {
        raw.insert(
            key,
            Raw {
                value: toml::Value::String(value),
                origin: format!("env {name}"),
            },
        );
    }
}

/// Typed access to the raw values, collecting every problem.
struct Reader {
    raw: BTreeMap<String, Raw>,
    problems: Vec<String>,
}

impl Reader {
    fn string(&mut self, key: &str) -> Option<String> {
        let raw = self.raw.get(key)?.clone();
        match raw.value {
            toml::Value::String(s) => Some(s),
            toml::Value::Integer(i) => Some(i.to_string()),
            toml::Value::Float(f) => Some(f.to_string()),
            toml::Value::Boolean(b) => Some(b.to_string()),
            _ => {
                self.problems
                    .push(format!("{key}: expected a string ({})", raw.origin));
                None
            }
        }
    }

    fn parse<T: FromStr>(&mut self, key: &str, default: T, what: &str) -> T {
        match self.string(key) {
            None => default,
            Some(s) => match s.trim().parse() {
                Ok(v) => v,
                Err(_) => {
                    let origin = &self.raw[key].origin;
                    self.problems
                        .push(format!("{key}: `{s}` is not {what} ({origin})"));
                    default
                }
            },
        }
    }

    fn number<T: FromStr + PartialOrd + std::fmt::Display + Copy>(
        &mut self,
        key: &str,
        default: T,
        min: T,
        max: T,
    ) -> T {
        let v = self.parse(key, default, "a whole number");
        if v < min || v > max {
            let origin = &self.raw[key].origin;
            self.problems.push(format!(
                "{key}: {v} is out of range {min}..={max} ({origin})"
            ));
            return default;
        }
        v
    }

    fn choice<T: Copy>(&mut self, key: &str, default: T, choices: &[(&str, T)]) -> T {
        match self.string(key) {
            None => default,
            Some(s) => match choices
                .iter()
                .find(|(name, _)| name.eq_ignore_ascii_case(s.trim()))
            {
                Some((_, v)) => *v,
                None => {
                    let names: Vec<_> = choices.iter().map(|(n, _)| *n).collect();
                    let origin = &self.raw[key].origin;
                    self.problems.push(format!(
                        "{key}: `{s}` must be one of {} ({origin})",
                        names.join(", ")
                    ));
                    default
                }
            },
        }
    }

    fn list(&mut self, key: &str) -> Vec<String> {
        match self.raw.get(key).cloned() {
            None => Vec::new(),
            Some(Raw {
                value: toml::Value::Array(items),
                origin,
            }) => items
                .into_iter()
                .filter_map(|i| match i {
                    toml::Value::String(s) => Some(s),
                    other => {
                        self.problems
                            .push(format!("{key}: `{other}` is not a string ({origin})"));
                        None
                    }
                })
                .collect(),
            Some(_) => self
                .string(key)
                .map(|s| {
                    s.split(',')
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(String::from)
                        .collect()
                })
                .unwrap_or_default(),
        }
    }

    fn problem(&mut self, key: &str, reason: String) {
        let origin = self
            .raw
            .get(key)
            .map(|r| format!(" ({})", r.origin))
            .unwrap_or_default();
        self.problems.push(format!("{key}: {reason}{origin}"));
    }
}

fn build(r: &mut Reader) -> Config {
    let listen: SocketAddr = r.parse(
        "listen",
        SocketAddr::from(([127, 0, 0, 1], 8080)),
        "a host:port address",
    );
    let listen_address_path = r.string("listen_address_path").map(PathBuf::from);
    let data_dir = PathBuf::from(r.string("data_dir").unwrap_or_else(|| "./data".into()));
    let default_db = format!("sqlite://{}/kubarr.db", data_dir.display());
    let db_url = r.string("database.url").unwrap_or(default_db);
    if kubarr_db::Backend::from_url(&db_url).is_none() {
        r.problem(
            "database.url",
            "must start with sqlite:, postgres:// or postgresql://".into(),
        );
    }
    let database = DatabaseConfig {
        url: Secret::new(db_url),
        max_connections: r.number("database.max_connections", 10, 1, 1000),
        acquire_timeout_secs: r.number("database.acquire_timeout_secs", 30, 1, 3600),
        startup_timeout_secs: r.number("database.startup_timeout_secs", 60, 0, 3600),
    };
    let secret_key = r.string("secret_key").map(Secret::new);
    if let Some(key) = &secret_key {
        if key.expose().len() < 32 {
            r.problem("secret_key", "must be at least 32 characters".into());
        }
    }
    let session = SessionConfig {
        idle_timeout_minutes: r.number("session.idle_timeout_minutes", 720, 1, 525_600),
        absolute_lifetime_hours: r.number("session.absolute_lifetime_hours", 168, 1, 8760),
    };
    if session.idle_timeout_minutes > session.absolute_lifetime_hours * 60 {
        r.problem(
            "session.idle_timeout_minutes",
            "must not exceed session.absolute_lifetime_hours".into(),
        );
    }
    let charts_dir = PathBuf::from(
        r.string("charts_dir")
            .unwrap_or_else(|| "./charts/catalog".into()),
    );
    let web_dir = PathBuf::from(r.string("web_dir").unwrap_or_else(|| "./web/dist".into()));
    let helm_bin = r.string("helm_bin").unwrap_or_else(|| "helm".into());
    if helm_bin.trim().is_empty() {
        r.problem("helm_bin", "must not be empty".into());
    }
    let kubernetes = KubernetesConfig {
        mode: r.choice(
            "kubernetes.mode",
            KubeMode::Auto,
            &[
                ("auto", KubeMode::Auto),
                ("kubeconfig", KubeMode::Kubeconfig),
                ("in_cluster", KubeMode::InCluster),
                ("disabled", KubeMode::Disabled),
            ],
        ),
        kubeconfig: r.string("kubernetes.kubeconfig").map(PathBuf::from),
        app_manager: app_manager_binding(r),
    };
    if kubernetes.mode == KubeMode::Kubeconfig && kubernetes.kubeconfig.is_none() {
        r.problem(
            "kubernetes.kubeconfig",
            "is required when kubernetes.mode is kubeconfig".into(),
        );
    }
    let initial_admin = initial_admin(r);
    let level = r.string("log.level").unwrap_or_else(|| "info".into());
    if tracing_subscriber::EnvFilter::try_new(&level).is_err() {
        r.problem("log.level", format!("`{level}` is not a valid log filter"));
    }
    let log = LogConfig {
        level,
        format: r.choice(
            "log.format",
            LogFormat::Text,
            &[("text", LogFormat::Text), ("json", LogFormat::Json)],
        ),
    };
    let http = HttpConfig {
        body_limit_bytes: r.number(
            "http.body_limit_bytes",
            1024 * 1024,
            1024,
            1024 * 1024 * 1024,
        ),
        request_timeout_secs: r.number("http.request_timeout_secs", 30, 1, 3600),
        header_read_timeout_secs: r.number("http.header_read_timeout_secs", 10, 1, 300),
        max_connections: r.number("http.max_connections", 1024, 1, 100_000),
    };
    let auth = AuthConfig {
        bcrypt_cost: r.number("auth.bcrypt_cost", 12, 4, 31),
    };
    let mut roots = r.list("media.allowed_roots");
    if !r.raw.contains_key("media.allowed_roots") {
        roots = vec![DEFAULT_MEDIA_ROOT.to_owned()];
    }
    let allowed_roots = match crate::apps::media::MediaRoots::parse(&roots) {
        Ok(roots) => roots,
        Err(problems) => {
            for p in problems {
                r.problem("media.allowed_roots", p);
            }
            crate::apps::media::MediaRoots::parse(&[]).expect("no roots is valid")
        }
    };
    let media = MediaConfig { allowed_roots };
    let mut trusted_proxies = Vec::new();
    for entry in r.list("trusted_proxies") {
        match entry.parse::<IpNetwork>() {
            Ok(net) => trusted_proxies.push(net),
            Err(e) => r.problem("trusted_proxies", e),
        }
    }
    let gateway = gateway::config(r);
    Config {
        listen,
        listen_address_path,
        data_dir,
        database,
        secret_key,
        session,
        charts_dir,
        web_dir,
        helm_bin,
        kubernetes,
        log,
        http,
        auth,
        media,
        trusted_proxies,
        initial_admin,
        gateway,
    }
}
