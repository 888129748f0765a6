//! Reading what the apps have of a link ([`observe`], reads only) and writing it when it
//! differs ([`apply`]); the apps' own tests and health decide whether it worked.

use super::bazarr::{Bazarr, Compared};
use super::clients::{self, ClientError};
use super::http::{AppApi, CallError};
use super::jellyfin::{self, Jellyfin};
use super::media_server;
use super::plan::{Client, Failure, Plan, Spec};
use super::proxy;
use super::seerr::{self, Seerr, SeerrError};
use super::servarr::{self, Flavor, Found, Provider, Servarr};

/// What the apps have, compared with the plan.
pub(super) enum Observation {
    InSync,
    Missing,
    /// Found, but changed (the words say how), with the object's id when it exists.
    Drifted(String),
}

fn call_failure(app: &str, e: CallError) -> Failure {
    let message = servarr::describe(&e);
    let said = format!("{app}: {message}");
    match servarr::is_auth_failure(&message, &e) {
        true => Failure::refused_password(said),
        false => Failure::new(said),
    }
}

fn client_failure(e: ClientError) -> Failure {
    match e {
        ClientError::Refused(_) => Failure::refused_password(e),
        other => Failure::new(other.to_string()),
    }
}

pub(super) async fn observe(
    client: &hyper_util::client::legacy::Client<crate::gateway::dial::Dialer, axum::body::Body>,
    plan: &Plan,
) -> Result<Observation, Failure> {
    let key = plan.key.as_str();
    match &plan.spec {
        Spec::RootFolder {
            arr, flavor, path, ..
        } => {
            let api = Servarr::new(client, arr, *flavor, key);
            match api.has_root_folder(path).await {
                Ok(true) => Ok(Observation::InSync),
                Ok(false) => Ok(Observation::Missing),
                Err(e) => Err(call_failure("the app", e)),
            }
        }
        Spec::DownloadClient {
            arr,
            flavor,
            client: dc,
            provider,
        } => {
            let side = client_side(client, dc, false).await?;
            let api = Servarr::new(client, arr, *flavor, key);
            let found = api
                .find(provider)
                .await
                .map_err(|e| call_failure("the arr", e))?;
            let health = api
                .health_about(&provider.name)
                .await
                .map_err(|e| call_failure("the arr", e))?;
            Ok(match (found, side, health) {
                (Found::Missing, _, _) => Observation::Missing,
                (Found::Differs(_, why), _, _) => {
                    Observation::Drifted(format!("{}: {why}.", provider.name))
                }
                (_, Some(why), _) => Observation::Drifted(why),
                (_, _, Some(says)) => Observation::Drifted(says),
                (Found::InSync(_), None, None) => Observation::InSync,
            })
        }
        Spec::Application { prowlarr, provider } => {
            let api = Servarr::new(client, prowlarr, Flavor::Prowlarr, key);
            let found = api
                .find(provider)
                .await
                .map_err(|e| call_failure("Prowlarr", e))?;
            let health = api
                .health_about(&provider.name)
                .await
                .map_err(|e| call_failure("Prowlarr", e))?;
            Ok(match (found, health) {
                (Found::Missing, _) => Observation::Missing,
                (Found::Differs(_, why), _) => {
                    Observation::Drifted(format!("{}: {why}.", provider.name))
                }
                (_, Some(says)) => Observation::Drifted(says),
                (Found::InSync(_), None) => Observation::InSync,
            })
        }
        Spec::Subtitles { bazarr, arr } => {
            let api = Bazarr::new(client, bazarr, key);
            let settings = api
                .settings()
                .await
                .map_err(|e| call_failure("Bazarr", e))?;
            let health = api
                .health_about(arr.display())
                .await
                .map_err(|e| call_failure("Bazarr", e))?;
            Ok(match (arr.compare(&settings), health) {
                (Compared::Missing, _) => Observation::Missing,
                (Compared::Differs(why), _) => Observation::Drifted(why),
                (Compared::Same, Some(says)) => Observation::Drifted(says),
                (Compared::Same, None) => Observation::InSync,
            })
        }
        // Seerr keeps no health of its servers; its test runs before every write instead.
        Spec::Requests { seerr, server } => {
            let list = Seerr::new(client, seerr, key)
                .list(server)
                .await
                .map_err(|e| call_failure("Seerr", e))?;
            Ok(match server.find(&list) {
                seerr::Found::Missing => Observation::Missing,
                seerr::Found::Differs(_, why) => Observation::Drifted(why),
                seerr::Found::Same(_) => Observation::InSync,
            })
        }
        Spec::Library { jellyfin, path, .. } => {
            let libraries = Jellyfin::new(client, jellyfin, Some(key))
                .libraries()
                .await
                .map_err(jellyfin_failure)?;
            Ok(match jellyfin::shows(&libraries, path) {
                true => Observation::InSync,
                false => Observation::Missing,
            })
        }
        Spec::IndexerProxy { prowlarr, provider } => {
            let api = Servarr::new(client, prowlarr, Flavor::Prowlarr, key);
            let Some(tag) = proxy::tag_id(&api)
                .await
                .map_err(|e| call_failure("Prowlarr", e))?
            else {
                return Ok(Observation::Missing);
            };
            let wanted = proxy::with_tag(provider, tag);
            Ok(
                match api
                    .find(&wanted)
                    .await
                    .map_err(|e| call_failure("Prowlarr", e))?
                {
                    Found::Missing => Observation::Missing,
                    Found::Differs(_, why) => {
                        Observation::Drifted(format!("{}: {why}.", wanted.name))
                    }
                    Found::InSync(_) => Observation::InSync,
                },
            )
        }
        Spec::MediaServer { seerr, jellyfin } => {
            match media_server::compare(client, seerr, key, jellyfin).await {
                Ok(media_server::Compared::Same) => Ok(Observation::InSync),
                Ok(media_server::Compared::Missing) => Ok(Observation::Missing),
                Ok(media_server::Compared::Differs(why)) => Ok(Observation::Drifted(why)),
                Err(e) => Err(call_failure("Seerr", e)),
            }
        }
    }
}

/// Jellyfin refusing Kubarr's key means the key was deleted there: only a new sign-in helps.
fn jellyfin_failure(e: CallError) -> Failure {
    match &e {
        CallError::Status { status, .. } if status.as_u16() == 401 => Failure::needs_user(
            "Jellyfin no longer accepts Kubarr's API key (was it deleted in Jellyfin's dashboard?); sign Kubarr in to Jellyfin again on its page.",
        ),
        _ => call_failure("Jellyfin", e),
    }
}

/// The client's own settings: `Some(why)` when they differ (with `fix`: made right first).
async fn client_side(
    client: &hyper_util::client::legacy::Client<crate::gateway::dial::Dialer, axum::body::Body>,
    dc: &Client,
    fix: bool,
) -> Result<Option<String>, Failure> {
    let api = AppApi::new(client, &dc.base).reads_by_post();
    let differs = match dc.chart.as_str() {
        "qbittorrent" => clients::qbittorrent_category(
            &api,
            &dc.username,
            &dc.password,
            &dc.category,
            &servarr::torrent_dir(&dc.category),
            fix,
        )
        .await
        .map_err(client_failure)?
        .then(|| {
            format!(
                "qBittorrent's category `{}` was changed or removed.",
                dc.category
            )
        }),
        "deluge" => clients::deluge_setup(&api, &dc.password, "/data/torrents", fix)
            .await
            .map_err(client_failure)?
            .then(|| "Deluge's Label plugin or download folder was changed.".to_owned()),
        _ => None,
    };
    Ok(differs)
}

pub(super) async fn apply(
    client: &hyper_util::client::legacy::Client<crate::gateway::dial::Dialer, axum::body::Body>,
    plan: &Plan,
    _observation: Observation,
) -> Result<(), Failure> {
    let key = plan.key.as_str();
    match &plan.spec {
        Spec::RootFolder {
            arr,
            flavor,
            path,
            display,
        } => {
            let api = Servarr::new(client, arr, *flavor, key);
            if api
                .has_root_folder(path)
                .await
                .map_err(|e| call_failure("the app", e))?
            {
                return Ok(());
            }
            api.add_root_folder(path, display)
                .await
                .map_err(|e| call_failure("the app", e))
        }
        Spec::DownloadClient {
            arr,
            flavor,
            client: dc,
            provider,
        } => {
            client_side(client, dc, true).await?;
            let api = Servarr::new(client, arr, *flavor, key);
            upsert(&api, provider)
                .await
                .map_err(|e| call_failure("the arr", e))?;
            still_healthy(&api, provider, "the arr").await
        }
        Spec::Application { prowlarr, provider } => {
            let api = Servarr::new(client, prowlarr, Flavor::Prowlarr, key);
            upsert(&api, provider)
                .await
                .map_err(|e| call_failure("Prowlarr", e))?;
            still_healthy(&api, provider, "Prowlarr").await
        }
        Spec::Subtitles { bazarr, arr } => {
            let api = Bazarr::new(client, bazarr, key);
            api.connect(arr)
                .await
                .map_err(|e| call_failure("Bazarr", e))?;
            match api.health_about(arr.display()).await {
                Ok(None) => Ok(()),
                Ok(Some(says)) => Err(Failure::new(says)),
                Err(e) => Err(call_failure("Bazarr", e)),
            }
        }
        Spec::Requests { seerr, server } => Seerr::new(client, seerr, key)
            .save(server)
            .await
            .map_err(|e| match e {
                SeerrError::Call(e) => call_failure("Seerr", e),
                SeerrError::NotReady(why) => Failure::new(why),
            }),
        Spec::Library {
            jellyfin,
            path,
            collection_type,
            name,
        } => {
            let api = Jellyfin::new(client, jellyfin, Some(key));
            let libraries = api.libraries().await.map_err(jellyfin_failure)?;
            if jellyfin::shows(&libraries, path) {
                return Ok(());
            }
            let name = jellyfin::free_name(&libraries, name);
            api.add_library(&name, collection_type, path)
                .await
                .map_err(jellyfin_failure)?;
            // Jellyfin's own list decides.
            let libraries = api.libraries().await.map_err(jellyfin_failure)?;
            match jellyfin::shows(&libraries, path) {
                true => Ok(()),
                false => Err(Failure::new(format!(
                    "Jellyfin did not keep the library on {path}."
                ))),
            }
        }
        Spec::IndexerProxy { prowlarr, provider } => {
            let api = Servarr::new(client, prowlarr, Flavor::Prowlarr, key);
            let tag = proxy::ensure_tag(&api)
                .await
                .map_err(|e| call_failure("Prowlarr", e))?;
            upsert(&api, &proxy::with_tag(provider, tag))
                .await
                .map_err(|e| call_failure("Prowlarr", e))
        }
        Spec::MediaServer { seerr, jellyfin } => media_server::apply(client, seerr, key, jellyfin)
            .await
            .map_err(|e| call_failure("Seerr", e)),
    }
}

/// After a write, the app's own health must not complain about the object (else the next pass
/// would find it drifted and write again: that is a failure, with back-off).
async fn still_healthy(api: &Servarr<'_>, provider: &Provider, app: &str) -> Result<(), Failure> {
    match api.health_about(&provider.name).await {
        Ok(None) => Ok(()),
        Ok(Some(says)) => Err(Failure::new(says)),
        Err(e) => Err(call_failure(app, e)),
    }
}

/// Find-before-create: updates the object of that name if there is one, else creates it.
async fn upsert(api: &Servarr<'_>, provider: &Provider) -> Result<(), CallError> {
    let id = match api.find(provider).await? {
        Found::InSync(id) | Found::Differs(id, _) => Some(id),
        Found::Missing => None,
    };
    api.apply(provider, id).await
}
