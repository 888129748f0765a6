//! The links the installed apps call for, derived from their charts' `kubarr.io/wiring`
//! declarations. A pure function of the catalog and the installed set, so every combination is
//! a table test.

use std::collections::BTreeSet;

use kubarr_orchestrator::catalog::Catalog;
use serde::Serialize;
use utoipa::ToSchema;

/// What a link sets up.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum LinkKind {
    /// An arr sends downloads to a download client (category per media type).
    DownloadClient,
    /// An arr files its library under `/data/media/<type>` (`to` is the arr itself).
    RootFolder,
    /// Prowlarr syncs its indexers into an arr.
    Application,
    /// Bazarr fetches subtitles for what an arr manages.
    Subtitles,
    /// Seerr sends approved requests to an arr, filed in its library folder.
    Requests,
    /// Seerr knows a media server's libraries and signs people in with it.
    MediaServer,
    /// Jellyfin shows an arr's library folder as a library.
    Library,
    /// Prowlarr sends indexers tagged `flaresolverr` through FlareSolverr.
    IndexerProxy,
}

impl LinkKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::DownloadClient => "download-client",
            Self::RootFolder => "root-folder",
            Self::Application => "application",
            Self::Subtitles => "subtitles",
            Self::Requests => "requests",
            Self::MediaServer => "media-server",
            Self::Library => "library",
            Self::IndexerProxy => "indexer-proxy",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::DownloadClient,
            Self::RootFolder,
            Self::Application,
            Self::Subtitles,
            Self::Requests,
            Self::MediaServer,
            Self::Library,
            Self::IndexerProxy,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// One link the installed apps call for.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct DesiredLink {
    pub from: String,
    pub to: String,
    pub kind: LinkKind,
}

impl DesiredLink {
    /// `<from>:<kind>:<to>`, the link's stable id.
    pub fn id(&self) -> String {
        link_id(&self.from, self.kind, &self.to)
    }
}

pub fn link_id(from: &str, kind: LinkKind, to: &str) -> String {
    format!("{from}:{}:{to}", kind.as_str())
}

/// The links among `installed` apps: root folders first (Seerr's server test needs the arr's
/// library folder to exist), then media-server libraries (Seerr reads them), then by id. An installed app missing from the catalog
/// (its chart was removed) declares nothing.
pub fn desired(catalog: &Catalog, installed: &BTreeSet<String>) -> Vec<DesiredLink> {
    let mut links = Vec::new();
    for app in installed {
        let Some(entry) = catalog.get(app) else {
            continue;
        };
        let decl = &entry.wiring;
        if decl.root_folder().is_some() {
            links.push(DesiredLink {
                from: app.clone(),
                to: app.clone(),
                kind: LinkKind::RootFolder,
            });
        }
        for (targets, kind) in [
            (&decl.download_clients, LinkKind::DownloadClient),
            (&decl.applications, LinkKind::Application),
            (&decl.subtitles, LinkKind::Subtitles),
            (&decl.requests, LinkKind::Requests),
            (&decl.media_servers, LinkKind::MediaServer),
            (&decl.libraries, LinkKind::Library),
            (&decl.indexer_proxies, LinkKind::IndexerProxy),
        ] {
            for to in targets
                .iter()
                .filter(|t| installed.contains(*t) && *t != app)
            {
                links.push(DesiredLink {
                    from: app.clone(),
                    to: to.clone(),
                    kind,
                });
            }
        }
    }
    let rank = |kind: LinkKind| match kind {
        LinkKind::RootFolder => 0,
        LinkKind::Library => 1,
        _ => 2,
    };
    links.sort_by_key(|l| (rank(l.kind), l.id()));
    links
}

/// What a stored link sets up, in words (`None` for a kind this server does not know).
pub fn detail(catalog: &Catalog, row: &kubarr_db::entities::wiring_links::Model) -> Option<String> {
    let from = catalog.get(&row.from_app);
    let media = from
        .and_then(|e| e.wiring.media.clone())
        .unwrap_or_default();
    let name = |app: &str| {
        catalog
            .get(app)
            .map(|e| e.display_name.clone())
            .unwrap_or_else(|| app.to_owned())
    };
    Some(match LinkKind::parse(&row.kind)? {
        LinkKind::RootFolder => format!("Library folder /data/media/{media}"),
        LinkKind::DownloadClient => match row.to_app.as_str() {
            "transmission" => format!(
                "{} sends downloads to {}, saved in /data/torrents/{media}",
                name(&row.from_app),
                name(&row.to_app)
            ),
            "deluge" => format!(
                "{} sends downloads to {} with label {media}",
                name(&row.from_app),
                name(&row.to_app)
            ),
            _ => format!(
                "{} sends downloads to {} in category {media}, saved in /data/torrents/{media}",
                name(&row.from_app),
                name(&row.to_app)
            ),
        },
        LinkKind::Application => format!(
            "{} keeps {}'s indexers in sync",
            name(&row.from_app),
            name(&row.to_app)
        ),
        LinkKind::Subtitles => {
            let what = match catalog
                .get(&row.to_app)
                .and_then(|e| e.wiring.media.as_deref())
            {
                Some("tv") => "series",
                Some("movies") => "films",
                _ => "library",
            };
            format!(
                "{} fetches subtitles for {}'s {what}",
                name(&row.from_app),
                name(&row.to_app)
            )
        }
        LinkKind::Requests => {
            let folder = catalog
                .get(&row.to_app)
                .and_then(|e| e.wiring.root_folder())
                .unwrap_or_default();
            format!(
                "{} sends approved requests to {}, filed in {folder}",
                name(&row.from_app),
                name(&row.to_app)
            )
        }
        LinkKind::IndexerProxy => format!(
            "{} sends indexers tagged {} through {}",
            name(&row.from_app),
            super::proxy::TAG,
            name(&row.to_app)
        ),
        LinkKind::MediaServer => format!(
            "{} reads {}'s libraries",
            name(&row.from_app),
            name(&row.to_app)
        ),
        LinkKind::Library => {
            let folder = catalog
                .get(&row.to_app)
                .and_then(|e| e.wiring.root_folder())
                .unwrap_or_default();
            format!(
                "{} shows {}'s library {folder}",
                name(&row.from_app),
                name(&row.to_app)
            )
        }
    })
}
