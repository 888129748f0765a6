//! What one link needs before any call: the object Kubarr wants in the app (from the chart's
//! declaration, the credentials Kubarr generated and the apps' addresses), and a digest of it.

use kubarr_orchestrator::AppName;
use serde_json::json;
use sha2::{Digest, Sha256};

use super::bazarr;
use super::graph::{DesiredLink, LinkKind};
use super::jellyfin;
use super::media_server::SeerrJellyfin;
use super::seerr;
use super::servarr::{self, Flavor, Provider};
use crate::apps::credentials::AppCredentials;
use crate::state::AppState;

/// Why a link could not be checked or set up.
pub(super) struct Failure {
    pub message: String,
    /// Held until the settings change or a user acts (a refused credential, a missing
    /// account); the message says what to do.
    pub refused: bool,
}

impl Failure {
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            refused: false,
        }
    }

    /// Held until a user acts, as the message says.
    pub fn needs_user(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            refused: true,
        }
    }

    /// A refused password: held, since repeated failed sign-ins get an address banned.
    pub fn refused_password(message: impl std::fmt::Display) -> Self {
        Self::needs_user(format!(
            "{message} Kubarr will not try again on its own (repeated failed sign-ins get an address banned); fix the password, then choose Repair."
        ))
    }
}

/// Everything a link needs from Kubarr, built before any call.
pub(super) struct Plan {
    pub spec: Spec,
    /// The API key of the app that holds the object (the link's `from`).
    pub key: String,
    /// Digest of the wanted settings (secrets included): a change means "apply".
    pub fingerprint: String,
    pub secrets: Vec<String>,
}

/// The object one link wants, in the app that holds it (at the address in its first field).
pub(super) enum Spec {
    DownloadClient {
        arr: String,
        flavor: Flavor,
        client: Client,
        provider: Provider,
    },
    Application {
        prowlarr: String,
        provider: Provider,
    },
    RootFolder {
        arr: String,
        flavor: Flavor,
        path: String,
        display: String,
    },
    Subtitles {
        bazarr: String,
        arr: bazarr::ArrConnection,
    },
    Requests {
        seerr: String,
        server: seerr::ArrServer,
    },
    /// A library in the media server on an arr's folder.
    Library {
        jellyfin: String,
        path: String,
        collection_type: &'static str,
        name: &'static str,
    },
    MediaServer {
        seerr: String,
        jellyfin: SeerrJellyfin,
    },
    /// Prowlarr's proxy, without its tag (Prowlarr numbers tags: found or made per pass).
    IndexerProxy {
        prowlarr: String,
        provider: Provider,
    },
}

/// The download client's side of an arr → client link.
pub(super) struct Client {
    pub base: String,
    pub chart: String,
    pub username: String,
    pub password: String,
    pub category: String,
}

/// Where Kubarr and the other apps reach `app`'s API: `http://host:port`.
pub(super) async fn endpoint(state: &AppState, app: &str) -> Result<String, Failure> {
    if let Some(fixed) = state.wiring.endpoint_override(app) {
        return Ok(fixed);
    }
    let name = AppName::parse(app).map_err(|_| Failure::new(format!("`{app}` is no app name")))?;
    match crate::gateway::serve::upstream_of(state, &name).await {
        Ok(Some(upstream)) => Ok(format!("http://{upstream}")),
        Ok(None) => Err(Failure::new(format!("{app} is not installed"))),
        Err(_) => Err(Failure::new(format!("cannot look up where {app} listens"))),
    }
}

/// The credentials Kubarr generated for `app` (or, for an app that takes an account, the one a
/// user gave it).
pub(super) async fn credentials_of(state: &AppState, app: &str) -> Result<AppCredentials, Failure> {
    let missing = || {
        let catalog = state.apps.catalog();
        match catalog.get(app).filter(|e| e.wiring.takes_account()) {
            // Held: nothing changes until a user gives the account (which retries the link).
            Some(e) => Failure::needs_user(format!(
                "Kubarr needs a {name} administrator: finish {name}'s own setup, then sign Kubarr in to {name} on its page.",
                name = e.display_name
            )),
            None => Failure::new(format!(
                "Kubarr has no credentials for {app} (it was installed before Kubarr generated them); reinstall it onto its data to give it some."
            )),
        }
    };
    let sealed = kubarr_db::queries::app_credentials::find(&state.db, app)
        .await
        .map_err(|_| Failure::new("the database is unavailable"))?
        .ok_or_else(missing)?;
    let clear = state.secret_key.decrypt(&sealed).map_err(|_| missing())?;
    serde_json::from_str(&clear).map_err(|_| missing())
}

fn host_port(base: &str) -> Option<(String, u16)> {
    let authority = base.split("://").nth(1)?.split('/').next()?;
    let (host, port) = authority.rsplit_once(':')?;
    Some((host.trim_matches(['[', ']']).to_owned(), port.parse().ok()?))
}

pub(super) async fn plan(state: &AppState, link: &DesiredLink) -> Result<Plan, Failure> {
    let catalog = state.apps.catalog();
    let entry = |app: &str| {
        catalog
            .get(app)
            .ok_or_else(|| Failure::new(format!("{app} is not in the catalog")))
    };
    let flavor = |app: &str| {
        Flavor::of(app).ok_or_else(|| Failure::new(format!("Kubarr cannot set up {app} yet")))
    };
    let from = entry(&link.from)?;
    let from_base = endpoint(state, &link.from).await?;
    let mut secrets = Vec::new();
    let spec = match link.kind {
        LinkKind::RootFolder => Spec::RootFolder {
            arr: from_base,
            flavor: flavor(&link.from)?,
            path: from.wiring.root_folder().unwrap_or_default(),
            display: from.display_name.clone(),
        },
        LinkKind::DownloadClient => {
            let to = entry(&link.to)?;
            let media = from.wiring.media.clone().unwrap_or_default();
            let to_base = endpoint(state, &link.to).await?;
            let (host, port) = host_port(&to_base)
                .ok_or_else(|| Failure::new(format!("cannot tell where {} listens", link.to)))?;
            let creds = credentials_of(state, &link.to).await?;
            secrets.push(creds.password.clone());
            let target = servarr::ClientTarget {
                chart: &link.to,
                display: &to.display_name,
                host: &host,
                port,
                username: &creds.username,
                password: &creds.password,
            };
            let provider = servarr::download_client(flavor(&link.from)?, &target, &media)
                .ok_or_else(|| Failure::new(format!("Kubarr cannot set up {} yet", link.to)))?;
            Spec::DownloadClient {
                arr: from_base,
                flavor: flavor(&link.from)?,
                client: Client {
                    base: to_base,
                    chart: link.to.clone(),
                    username: creds.username,
                    password: creds.password,
                    category: media,
                },
                provider,
            }
        }
        LinkKind::Application => {
            let to = entry(&link.to)?;
            let arr_base = endpoint(state, &link.to).await?;
            let arr_key = credentials_of(state, &link.to).await?.api_key;
            secrets.push(arr_key.clone());
            let provider = servarr::application(
                flavor(&link.to)?,
                &to.display_name,
                &from_base,
                &arr_base,
                &arr_key,
            );
            Spec::Application {
                prowlarr: from_base,
                provider,
            }
        }
        LinkKind::Subtitles => {
            let to = entry(&link.to)?;
            let arr_base = endpoint(state, &link.to).await?;
            let (host, port) = host_port(&arr_base)
                .ok_or_else(|| Failure::new(format!("cannot tell where {} listens", link.to)))?;
            let arr_key = credentials_of(state, &link.to).await?.api_key;
            secrets.push(arr_key.clone());
            let arr = bazarr::ArrConnection::new(&link.to, &to.display_name, host, port, arr_key)
                .ok_or_else(|| Failure::new(format!("Bazarr cannot use {} yet", link.to)))?;
            Spec::Subtitles {
                bazarr: from_base,
                arr,
            }
        }
        LinkKind::Requests => {
            let to = entry(&link.to)?;
            let arr_base = endpoint(state, &link.to).await?;
            let address = host_port(&arr_base)
                .ok_or_else(|| Failure::new(format!("cannot tell where {} listens", link.to)))?;
            let arr_key = credentials_of(state, &link.to).await?.api_key;
            secrets.push(arr_key.clone());
            let directory = to
                .wiring
                .root_folder()
                .ok_or_else(|| Failure::new(format!("{} declares no library folder", link.to)))?;
            let server =
                seerr::ArrServer::new(&link.to, &to.display_name, address, arr_key, directory)
                    .ok_or_else(|| Failure::new(format!("Seerr cannot use {} yet", link.to)))?;
            Spec::Requests {
                seerr: from_base,
                server,
            }
        }
        LinkKind::Library => {
            let to = entry(&link.to)?;
            let media = to.wiring.media.clone().unwrap_or_default();
            let (collection_type, name) = jellyfin::library_for(&media).ok_or_else(|| {
                Failure::new(format!("{} has no media type a library can show", link.to))
            })?;
            Spec::Library {
                jellyfin: from_base,
                path: to.wiring.root_folder().unwrap_or_default(),
                collection_type,
                name,
            }
        }
        LinkKind::IndexerProxy => {
            let to = entry(&link.to)?;
            let base = endpoint(state, &link.to).await?;
            Spec::IndexerProxy {
                prowlarr: from_base,
                provider: super::proxy::flaresolverr(&to.display_name, &base),
            }
        }
        LinkKind::MediaServer => {
            let account = credentials_of(state, &link.to).await?;
            secrets.push(account.api_key.clone());
            secrets.push(account.password.clone());
            Spec::MediaServer {
                seerr: from_base,
                jellyfin: SeerrJellyfin {
                    hostname: endpoint(state, &link.to).await?,
                    jellyfin_key: account.api_key,
                    admin_user: account.username,
                    admin_pass: account.password,
                },
            }
        }
    };
    // The app whose API is called, with its key.
    let key = credentials_of(state, &link.from).await?.api_key;
    secrets.push(key.clone());
    let mut digest = Sha256::new();
    digest.update(link.id());
    match &spec {
        Spec::DownloadClient {
            provider, client, ..
        } => {
            digest.update(provider_digest(provider));
            digest.update(&client.base);
        }
        Spec::Application { provider, .. } => digest.update(provider_digest(provider)),
        Spec::RootFolder { path, .. } => digest.update(path),
        Spec::Subtitles { arr, .. } => digest.update(arr.digest()),
        Spec::Requests { server, .. } => digest.update(server.digest()),
        Spec::Library { path, .. } => digest.update(path),
        Spec::MediaServer { jellyfin, .. } => digest.update(jellyfin.digest()),
        Spec::IndexerProxy { provider, .. } => digest.update(provider_digest(provider)),
    }
    digest.update(&key);
    Ok(Plan {
        key,
        spec,
        fingerprint: hex::encode(digest.finalize()),
        secrets,
    })
}

fn provider_digest(p: &Provider) -> String {
    json!([p.name, p.implementation, p.props, p.fields, p.secrets]).to_string()
}
