//! The links a chart declares to other apps (`kubarr.io/wiring`), which Kubarr's stack wiring
//! sets up through the apps' own APIs.
//!
//! The annotation is a `;`-separated list of `kind=arguments`:
//!
//! ```text
//! kubarr.io/wiring: "media=tv; download-client=deluge,qbittorrent,sabnzbd,transmission"
//! kubarr.io/wiring: "application=lidarr,radarr,sonarr"
//! kubarr.io/wiring: "subtitles=radarr,sonarr"
//! kubarr.io/wiring: "requests=radarr,sonarr; media-server=jellyfin"
//! kubarr.io/wiring: "libraries=lidarr,radarr,sonarr"
//! kubarr.io/wiring: "application=radarr,sonarr; indexer-proxy=flaresolverr"
//! ```
//!
//! - `media=<type>`: the app manages one media type (`tv`, `movies`, `music`, `books`); its root
//!   folder is `/data/media/<type>` and its downloads land in category `<type>`.
//! - `download-client=<apps>`: the app sends downloads to these apps when they are installed.
//! - `application=<apps>`: the app (an indexer manager) syncs its indexers into these apps.
//! - `subtitles=<apps>`: the app (a subtitle manager) fetches subtitles for these apps' media.
//! - `requests=<apps>`: the app (a request manager) sends approved requests to these apps.
//! - `indexer-proxy=<apps>`: the app (an indexer manager) sends tagged indexers through these.
//! - `media-server=<apps>`: the app (a request manager) knows what these media servers have.
//! - `libraries=<apps>`: the app (a media server) shows these apps' library folders. Kubarr
//!   signs in to such an app with an administrator account a user gives it
//!   ([`WiringDecl::takes_account`]).
//!
//! Kinds the server cannot set up are refused when the catalog loads, so a chart never promises
//! a link nothing would make.

use std::collections::BTreeSet;

use crate::app_name::AppName;

/// Media types of the shared media tree (`/data/media/<type>`, `/data/torrents/<type>`).
pub const MEDIA_TYPES: &[&str] = &["tv", "movies", "music", "books"];

/// What one chart declares.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WiringDecl {
    /// The media type the app manages (`media=`).
    pub media: Option<String>,
    /// Apps it sends downloads to (`download-client=`).
    pub download_clients: Vec<String>,
    /// Apps it syncs indexers into (`application=`).
    pub applications: Vec<String>,
    /// Apps it fetches subtitles for (`subtitles=`).
    pub subtitles: Vec<String>,
    /// Apps it sends approved requests to (`requests=`).
    pub requests: Vec<String>,
    /// Proxies it sends indexers through (`indexer-proxy=`).
    pub indexer_proxies: Vec<String>,
    /// Media servers it reads (`media-server=`).
    pub media_servers: Vec<String>,
    /// Apps whose library folders it shows (`libraries=`).
    pub libraries: Vec<String>,
}

impl WiringDecl {
    /// Parses the annotation; the message names what is wrong.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let mut decl = Self::default();
        let mut seen = BTreeSet::new();
        for part in raw.split(';').map(str::trim).filter(|p| !p.is_empty()) {
            let (kind, args) = part
                .split_once('=')
                .ok_or_else(|| format!("kubarr.io/wiring: `{part}` is not kind=arguments"))?;
            let kind = kind.trim();
            if !seen.insert(kind.to_owned()) {
                return Err(format!("kubarr.io/wiring: `{kind}` appears twice"));
            }
            match kind {
                "media" => {
                    let media = args.trim();
                    if !MEDIA_TYPES.contains(&media) {
                        return Err(format!(
                            "kubarr.io/wiring: media `{media}` is not one of {}",
                            MEDIA_TYPES.join(", ")
                        ));
                    }
                    decl.media = Some(media.to_owned());
                }
                "download-client" => decl.download_clients = app_list(kind, args)?,
                "application" => decl.applications = app_list(kind, args)?,
                "subtitles" => decl.subtitles = app_list(kind, args)?,
                "requests" => decl.requests = app_list(kind, args)?,
                "media-server" => decl.media_servers = app_list(kind, args)?,
                "indexer-proxy" => decl.indexer_proxies = app_list(kind, args)?,
                "libraries" => decl.libraries = app_list(kind, args)?,
                other => {
                    return Err(format!(
                        "kubarr.io/wiring: unknown kind `{other}` (media, download-client, application, subtitles, requests, media-server, libraries, indexer-proxy)"
                    ))
                }
            }
        }
        if !decl.download_clients.is_empty() && decl.media.is_none() {
            return Err("kubarr.io/wiring: download-client needs media= (the category)".into());
        }
        Ok(decl)
    }

    pub fn is_empty(&self) -> bool {
        self.media.is_none()
            && self.download_clients.is_empty()
            && self.applications.is_empty()
            && self.subtitles.is_empty()
            && self.requests.is_empty()
            && self.media_servers.is_empty()
            && self.indexer_proxies.is_empty()
            && self.libraries.is_empty()
    }

    /// Whether Kubarr signs in to the app with an account a user gives it (a media server has
    /// no key an installer could seed, and its own setup creates the household's administrator).
    pub fn takes_account(&self) -> bool {
        !self.libraries.is_empty()
    }

    /// The root folder the app files its library in (`/data/media/<type>`).
    pub fn root_folder(&self) -> Option<String> {
        self.media.as_ref().map(|m| format!("/data/media/{m}"))
    }
}

fn app_list(kind: &str, args: &str) -> Result<Vec<String>, String> {
    let mut apps = BTreeSet::new();
    for name in args.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        AppName::parse(name)
            .map_err(|_| format!("kubarr.io/wiring: {kind} `{name}` is not an app name"))?;
        apps.insert(name.to_owned());
    }
    if apps.is_empty() {
        return Err(format!("kubarr.io/wiring: {kind} names no app"));
    }
    Ok(apps.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_arr_and_prowlarr_shapes() {
        let arr = WiringDecl::parse("media=tv; download-client=qbittorrent, deluge").unwrap();
        assert_eq!(arr.media.as_deref(), Some("tv"));
        assert_eq!(arr.download_clients, ["deluge", "qbittorrent"]);
        assert_eq!(arr.root_folder().as_deref(), Some("/data/media/tv"));
        let prowlarr = WiringDecl::parse("application=sonarr,radarr").unwrap();
        assert_eq!(prowlarr.applications, ["radarr", "sonarr"]);
        assert!(prowlarr.root_folder().is_none());
        let bazarr = WiringDecl::parse("subtitles=sonarr, radarr").unwrap();
        assert_eq!(bazarr.subtitles, ["radarr", "sonarr"]);
        assert!(!bazarr.is_empty());
        let seerr = WiringDecl::parse("requests=sonarr,radarr").unwrap();
        assert_eq!(seerr.requests, ["radarr", "sonarr"]);
        assert!(!seerr.is_empty() && seerr.root_folder().is_none());
        let seerr = WiringDecl::parse("requests=sonarr; media-server=jellyfin").unwrap();
        assert_eq!(seerr.media_servers, ["jellyfin"]);
        assert!(!seerr.takes_account());
        let jellyfin = WiringDecl::parse("libraries=sonarr,radarr,lidarr").unwrap();
        assert_eq!(jellyfin.libraries, ["lidarr", "radarr", "sonarr"]);
        assert!(jellyfin.takes_account());
        let prowlarr = WiringDecl::parse("application=sonarr; indexer-proxy=flaresolverr").unwrap();
        assert_eq!(prowlarr.indexer_proxies, ["flaresolverr"]);
        assert!(WiringDecl::parse("  ").unwrap().is_empty());
    }

    #[test]
    fn refuses_what_nothing_would_set_up() {
        for (raw, says) in [
            ("library=movies", "unknown kind `library`"),
            ("media=anime", "media `anime`"),
            ("download-client=qbittorrent", "needs media="),
            ("media=tv; media=movies", "appears twice"),
            ("application=Sonarr!", "not an app name"),
            ("application=", "names no app"),
            ("media", "not kind=arguments"),
        ] {
            let err = WiringDecl::parse(raw).unwrap_err();
            assert!(err.contains(says), "{raw}: {err}");
        }
    }
}
