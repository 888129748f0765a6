//! The app catalog, parsed from the charts directory (`<dir>/<app>/Chart.yaml`, `values.yaml`,
//! `values.schema.json` and the icon file). A broken chart is reported and left out; it never
//! stops the others from loading. Everything is read from disk: the catalog works offline.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;

use crate::app_name::AppName;
use crate::cluster::PodSecurity;
use crate::credentials::{self, CredentialKey, GatewayAuth};
use crate::values::ValuesSchema;
use crate::wiring::WiringDecl;

/// Categories the UI groups apps by.
pub const CATEGORIES: &[&str] = &[
    "media-server",
    "media-manager",
    "indexer",
    "download-client",
    "request",
    "subtitles",
];

/// One installable app.
#[derive(Clone, Debug)]
pub struct CatalogEntry {
    pub name: AppName,
    pub display_name: String,
    pub description: String,
    pub category: String,
    /// Chart version (what `helm` installs).
    pub version: String,
    /// Version of the app itself.
    pub app_version: String,
    pub web_port: Option<u16>,
    /// Apps this one talks to (network policy peers), from `kubarr.io/peers`.
    pub peers: Vec<String>,
    pub chart_dir: PathBuf,
    pub icon: Option<Icon>,
    /// The chart's `values.yaml` as JSON.
    pub default_values: serde_json::Value,
    pub schema: Option<Arc<ValuesSchema>>,
    /// The Pod Security level its namespace enforces: `baseline` unless the chart's
    /// `kubarr.io/pod-security` annotation asks for more (shown in the catalog).
    pub pod_security: PodSecurity,
    /// Why the app is retired (`kubarr.io/retired`): it stays installable, the catalog says so.
    pub retired: Option<String>,
    /// Credentials Kubarr generates for the app (`kubarr.io/credentials`).
    pub credentials: Vec<CredentialKey>,
    /// How the app is signed in to through the gateway (`kubarr.io/gateway-auth`).
    pub gateway_auth: Option<GatewayAuth>,
    /// The links it declares to other apps (`kubarr.io/wiring`).
    pub wiring: WiringDecl,
}

#[derive(Clone, Debug)]
pub struct Icon {
    pub path: PathBuf,
    pub content_type: &'static str,
}

/// Every loadable app, by name.
#[derive(Clone, Debug, Default)]
pub struct Catalog {
    entries: BTreeMap<String, CatalogEntry>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ChartYaml {
    name: String,
    version: String,
    #[serde(default)]
    app_version: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    icon: Option<String>,
    #[serde(default, rename = "type")]
    chart_type: Option<String>,
    #[serde(default)]
    annotations: BTreeMap<String, String>,
}

impl Catalog {
    /// Loads every chart under `dir`. Returns the catalog and one message per chart left out.
    pub fn load(dir: &Path) -> (Self, Vec<String>) {
        let mut entries = BTreeMap::new();
        let mut problems = Vec::new();
        let read = match std::fs::read_dir(dir) {
            Ok(r) => r,
            Err(e) => {
                problems.push(format!(
                    "cannot read charts directory {}: {e}",
                    dir.display()
                ));
                return (Self { entries }, problems);
            }
        };
        let mut dirs: Vec<PathBuf> = read
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.join("Chart.yaml").is_file())
            .collect();
        dirs.sort();
        for chart_dir in dirs {
            match load_chart(&chart_dir) {
                Ok(entry) => {
                    entries.insert(entry.name.to_string(), entry);
                }
                Err(e) => problems.push(format!("chart {} left out: {e}", chart_dir.display())),
            }
        }
        (Self { entries }, problems)
    }

    pub fn get(&self, name: &str) -> Option<&CatalogEntry> {
        self.entries.get(name)
    }

    pub fn entries(&self) -> impl Iterator<Item = &CatalogEntry> {
        self.entries.values()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

fn load_chart(dir: &Path) -> Result<CatalogEntry, String> {
    let chart_text =
        std::fs::read_to_string(dir.join("Chart.yaml")).map_err(|e| format!("Chart.yaml: {e}"))?;
    let chart: ChartYaml =
        serde_yaml::from_str(&chart_text).map_err(|e| format!("Chart.yaml: {e}"))?;
    if chart.chart_type.as_deref() == Some("library") {
        return Err("library charts are not installable".into());
    }
    let name = AppName::parse(&chart.name).map_err(|e| e.to_string())?;
    let dir_name = dir.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    if dir_name != chart.name {
        return Err(format!(
            "directory name `{dir_name}` differs from chart name `{}`",
            chart.name
        ));
    }
    let annotation = |key: &str| {
        chart
            .annotations
            .get(key)
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
    };
    let category =
        annotation("kubarr.io/category").ok_or("annotation kubarr.io/category is missing")?;
    if !CATEGORIES.contains(&category.as_str()) {
        return Err(format!("unknown category `{category}`"));
    }
    let web_port = match annotation("kubarr.io/web-port") {
        Some(p) => Some(
            p.parse::<u16>()
                .map_err(|_| format!("kubarr.io/web-port `{p}` is not a port"))?,
        ),
        None => None,
    };
    let peers = annotation("kubarr.io/peers")
        .map(|p| {
            p.split(',')
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default();
    let default_values = match std::fs::read_to_string(dir.join("values.yaml")) {
        Ok(text) => {
            let v: serde_json::Value =
                serde_yaml::from_str(&text).map_err(|e| format!("values.yaml: {e}"))?;
            if v.is_null() {
                serde_json::json!({})
            } else {
                v
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => serde_json::json!({}),
        Err(e) => return Err(format!("values.yaml: {e}")),
    };
    let schema = match std::fs::read_to_string(dir.join("values.schema.json")) {
        Ok(text) => {
            let raw: serde_json::Value =
                serde_json::from_str(&text).map_err(|e| format!("values.schema.json: {e}"))?;
            Some(Arc::new(
                ValuesSchema::compile(raw).map_err(|e| format!("values.schema.json: {e}"))?,
            ))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(format!("values.schema.json: {e}")),
    };
    let pod_security = match annotation("kubarr.io/pod-security") {
        None => PodSecurity::Baseline,
        Some(level) => PodSecurity::parse(&level).ok_or_else(|| {
            format!("kubarr.io/pod-security `{level}` is not baseline, restricted or privileged")
        })?,
    };
    let credentials = match annotation("kubarr.io/credentials") {
        Some(keys) => credentials::parse_keys(&keys)?,
        None => Vec::new(),
    };
    let gateway_auth = match annotation("kubarr.io/gateway-auth") {
        None => None,
        Some(a) => Some(
            GatewayAuth::parse(&a)
                .ok_or_else(|| format!("kubarr.io/gateway-auth `{a}` is not external or basic"))?,
        ),
    };
    if gateway_auth == Some(GatewayAuth::Basic)
        && !(credentials.contains(&CredentialKey::Username)
            && credentials.contains(&CredentialKey::Password))
    {
        return Err("kubarr.io/gateway-auth basic needs username and password credentials".into());
    }
    let wiring = match annotation("kubarr.io/wiring") {
        Some(raw) => WiringDecl::parse(&raw)?,
        None => WiringDecl::default(),
    };
    let icon = chart.icon.as_deref().and_then(|i| icon_in(dir, i));
    Ok(CatalogEntry {
        wiring,
        retired: annotation("kubarr.io/retired"),
        credentials,
        gateway_auth,
        display_name: annotation("kubarr.io/display-name").unwrap_or_else(|| chart.name.clone()),
        description: chart.description.unwrap_or_default(),
        category,
        version: chart.version,
        app_version: chart.app_version.unwrap_or_default(),
        web_port,
        peers,
        chart_dir: dir.to_path_buf(),
        icon,
        default_values,
        schema,
        pod_security,
        name,
    })
}

/// Resolves `icon: file://icon.svg` to a file inside the chart directory. Remote icons are
/// ignored (the catalog works offline) and paths may not leave the chart directory.
fn icon_in(dir: &Path, icon: &str) -> Option<Icon> {
    let rel = icon.strip_prefix("file://")?;
    let rel = Path::new(rel);
    if rel.is_absolute()
        || rel
            .components()
            .any(|c| !matches!(c, std::path::Component::Normal(_)))
    {
        return None;
    }
    let path = dir.join(rel);
    let content_type = match path.extension().and_then(|e| e.to_str()) {
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("webp") => "image/webp",
        _ => return None,
    };
    path.is_file().then_some(Icon { path, content_type })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn charts_dir() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../charts/catalog")
    }

    #[test]
    fn loads_the_shipped_catalog() {
        let (catalog, problems) = Catalog::load(&charts_dir());
        assert!(problems.is_empty(), "{problems:?}");
        let names: Vec<_> = catalog.entries().map(|e| e.name.to_string()).collect();
        let shipped = [
            "audiobookshelf",
            "bazarr",
            "deluge",
            "flaresolverr",
            "jackett",
            "jellyfin",
            "jellyseerr",
            "lidarr",
            "navidrome",
            "plex",
            "prowlarr",
            "qbittorrent",
            "radarr",
            "readarr",
            "sabnzbd",
            "seerr",
            "sonarr",
            "tautulli",
            "transmission",
        ];
        assert_eq!(names, shipped);
        let sonarr = catalog.get("sonarr").unwrap();
        assert_eq!(sonarr.display_name, "Sonarr");
        assert_eq!(sonarr.category, "media-manager");
        assert_eq!(sonarr.web_port, Some(8989));
        assert!(sonarr.peers.contains(&"prowlarr".to_owned()));
        assert_eq!(sonarr.icon.as_ref().unwrap().content_type, "image/svg+xml");
        assert!(sonarr.schema.is_some());
        assert_eq!(sonarr.default_values["service"]["port"], 8989);
        // Credentials: the Servarr apps get an API key and trust the gateway; the download
        // clients the gateway signs in to get an account.
        assert_eq!(sonarr.credentials, vec![CredentialKey::ApiKey]);
        assert_eq!(sonarr.gateway_auth, Some(GatewayAuth::External));
        let transmission = catalog.get("transmission").unwrap();
        assert_eq!(transmission.gateway_auth, Some(GatewayAuth::Basic));
        assert!(transmission.credentials.contains(&CredentialKey::Password));
        assert!(catalog.get("jellyfin").unwrap().credentials.is_empty());
        // Known before the first start: seeded config files, and Seerr's API_KEY.
        assert_eq!(
            transmission.credentials,
            vec![
                CredentialKey::Username,
                CredentialKey::Password,
                CredentialKey::PasswordSsha1
            ]
        );
        assert_eq!(
            catalog.get("deluge").unwrap().credentials,
            vec![
                CredentialKey::Username,
                CredentialKey::Password,
                CredentialKey::DelugeWebSalt,
                CredentialKey::DelugeWebSha1
            ]
        );
        assert_eq!(
            catalog.get("sabnzbd").unwrap().credentials,
            vec![
                CredentialKey::ApiKey,
                CredentialKey::Username,
                CredentialKey::Password,
                CredentialKey::NzbKey
            ]
        );
        for app in ["bazarr", "jackett", "seerr"] {
            assert_eq!(
                catalog.get(app).unwrap().credentials,
                vec![CredentialKey::ApiKey],
                "{app}"
            );
        }
        // Seerr took over from Jellyseerr, which stays installable for the installs it has.
        let seerr = catalog.get("seerr").unwrap();
        assert_eq!(seerr.category, "request");
        assert_eq!(seerr.web_port, Some(5055));
        assert!(seerr.retired.is_none());
        let jellyseerr = catalog.get("jellyseerr").unwrap();
        assert!(jellyseerr
            .retired
            .as_deref()
            .is_some_and(|why| why.contains("Seerr")));
        assert_eq!(jellyseerr.peers, seerr.peers);
        // The helpers are peers of the apps they serve.
        assert!(catalog
            .get("flaresolverr")
            .unwrap()
            .peers
            .contains(&"prowlarr".to_owned()));
        assert_eq!(catalog.get("tautulli").unwrap().peers, vec!["plex"]);
        assert!(catalog
            .get("readarr")
            .unwrap()
            .retired
            .as_deref()
            .is_some_and(|why| why.contains("archived")));
        assert!(sonarr.retired.is_none());
        // Every shipped app runs at the baseline Pod Security level.
        assert!(catalog
            .entries()
            .all(|e| e.pod_security == PodSecurity::Baseline));
    }

    #[test]
    fn broken_charts_are_left_out_and_reported() {
        let dir = tempfile::tempdir().unwrap();
        let good = dir.path().join("good");
        std::fs::create_dir_all(&good).unwrap();
        std::fs::write(
            good.join("Chart.yaml"),
            "apiVersion: v2\nname: good\nversion: 1.0.0\nappVersion: '2'\nicon: file://../../etc/passwd\nannotations:\n  kubarr.io/category: indexer\n",
        )
        .unwrap();
        for (name, chart) in [
            ("badyaml", "name: [unclosed"),
            ("nocat", "apiVersion: v2\nname: nocat\nversion: 1.0.0\n"),
            ("mismatch", "apiVersion: v2\nname: other\nversion: 1.0.0\nannotations:\n  kubarr.io/category: indexer\n"),
            ("lib", "apiVersion: v2\nname: lib\ntype: library\nversion: 1.0.0\n"),
        ] {
            let d = dir.path().join(name);
            std::fs::create_dir_all(&d).unwrap();
            std::fs::write(d.join("Chart.yaml"), chart).unwrap();
        }
        let d = dir.path().join("badschema");
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(d.join("Chart.yaml"), "apiVersion: v2\nname: badschema\nversion: 1.0.0\nannotations:\n  kubarr.io/category: indexer\n").unwrap();
        std::fs::write(d.join("values.schema.json"), "{not json").unwrap();
        let (catalog, problems) = Catalog::load(dir.path());
        assert_eq!(catalog.len(), 1);
        let good = catalog.get("good").unwrap();
        assert!(good.icon.is_none(), "icon outside the chart dir is ignored");
        assert_eq!(problems.len(), 5, "{problems:?}");
    }
}
