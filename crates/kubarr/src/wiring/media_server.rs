//! Seerr's media server: Jellyfin, signed in with the administrator account a user gave Kubarr
//! (Seerr signs in itself when it saves), with every movie and show library of Jellyfin known to
//! Seerr. Libraries a user switched off in Seerr stay off; new ones are switched on.
//!
//! Seerr's own first sign-in (which makes its owner) stays the household's to do: Kubarr does
//! not finish Seerr's setup.

use std::collections::BTreeSet;

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::http::{AppApi, CallError};
use super::jellyfin::Jellyfin;
use crate::gateway::dial::Dialer;

type HttpClient = hyper_util::client::legacy::Client<Dialer, axum::body::Body>;

/// What Seerr should have of Jellyfin.
pub(super) struct SeerrJellyfin {
    /// Where Seerr reaches Jellyfin (`http://host:port`).
    pub hostname: String,
    /// Kubarr's own key in Jellyfin, to read its libraries.
    pub jellyfin_key: String,
    pub admin_user: String,
    pub admin_pass: String,
}

pub(super) enum Compared {
    Same,
    Missing,
    Differs(String),
}

impl SeerrJellyfin {
    pub fn digest(&self) -> String {
        let mut d = Sha256::new();
        for part in [
            &self.hostname,
            &self.jellyfin_key,
            &self.admin_user,
            &self.admin_pass,
        ] {
            d.update(part);
            d.update([0]);
        }
        hex::encode(d.finalize())
    }
}

fn seerr_api<'a>(client: &'a HttpClient, base: &str, key: &str) -> AppApi<'a> {
    AppApi::with_api_key(client, base, key)
}

/// The ids and names of Jellyfin's movie and show libraries (the ones Seerr uses).
async fn requestable_libraries(
    client: &HttpClient,
    want: &SeerrJellyfin,
) -> Result<Vec<(String, String)>, CallError> {
    let jellyfin = Jellyfin::new(client, &want.hostname, Some(&want.jellyfin_key));
    Ok(jellyfin
        .libraries()
        .await?
        .into_iter()
        .filter(|l| matches!(l.collection_type.as_str(), "movies" | "tvshows"))
        .map(|l| (l.item_id, l.name))
        .collect())
}

fn known_ids(settings: &Value) -> BTreeSet<String> {
    settings["libraries"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|l| l["id"].as_str().map(str::to_owned))
        .collect()
}

/// Reads Seerr's media-server settings and Jellyfin's libraries (reads only).
pub(super) async fn compare(
    client: &HttpClient,
    seerr: &str,
    key: &str,
    want: &SeerrJellyfin,
) -> Result<Compared, CallError> {
    let settings = seerr_api(client, seerr, key)
        .get("/api/v1/settings/jellyfin")
        .await?;
    let hostname = settings["hostname"].as_str().unwrap_or_default();
    if hostname.is_empty() {
        return Ok(Compared::Missing);
    }
    if hostname.trim_end_matches('/') != want.hostname {
        return Ok(Compared::Differs(format!(
            "Seerr's media server was changed to {hostname}."
        )));
    }
    let user = settings["adminUser"].as_str().unwrap_or_default();
    if user != want.admin_user {
        return Ok(Compared::Differs(format!(
            "Seerr signs in to Jellyfin as {user}, not as {}.",
            want.admin_user
        )));
    }
    let known = known_ids(&settings);
    if let Some((_, name)) = requestable_libraries(client, want)
        .await?
        .into_iter()
        .find(|(id, _)| !known.contains(id))
    {
        return Ok(Compared::Differs(format!(
            "Seerr does not know Jellyfin's library {name} yet."
        )));
    }
    Ok(Compared::Same)
}

/// Saves Jellyfin in Seerr (Seerr signs in to check it), then has Seerr re-read the libraries
/// and switches on every one that is new to it.
pub(super) async fn apply(
    client: &HttpClient,
    seerr: &str,
    key: &str,
    want: &SeerrJellyfin,
) -> Result<(), CallError> {
    let api = seerr_api(client, seerr, key);
    let before = api.get("/api/v1/settings/jellyfin").await?;
    let known = known_ids(&before);
    let was_on: BTreeSet<String> = before["libraries"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|l| l["enabled"] == Value::Bool(true))
        .filter_map(|l| l["id"].as_str().map(str::to_owned))
        .collect();
    let body = json!({
        "hostname": want.hostname,
        "adminUser": want.admin_user,
        "adminPass": want.admin_pass,
    });
    api.post("/api/v1/settings/jellyfin", &body).await?;
    let synced = api
        .get("/api/v1/settings/jellyfin/library?sync=true")
        .await?;
    let on: Vec<String> = synced
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|l| l["id"].as_str())
        .filter(|id| was_on.contains(*id) || !known.contains(*id))
        .map(str::to_owned)
        .collect();
    if !on.is_empty() {
        let enable = form_urlencoded::Serializer::new(String::new())
            .append_pair("enable", &on.join(","))
            .finish();
        api.get(&format!("/api/v1/settings/jellyfin/library?{enable}"))
            .await?;
    }
    Ok(())
}
