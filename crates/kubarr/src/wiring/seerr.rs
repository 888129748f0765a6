//! Seerr's side of a requests link: one Sonarr or Radarr server in Seerr's settings
//! (`/api/v1/settings/<arr>`), under the name Kubarr owns, filing approved requests in the arr's
//! library folder. Seerr's own server test (which asks the arr for its profiles and root
//! folders) runs before every write, so a server is saved only once the arr answered Seerr.

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::http::{AppApi, CallError};
use super::servarr::owned_name;
use crate::gateway::dial::Dialer;

const API: &str = "/api/v1/settings";

/// The server entry Kubarr wants in Seerr for one arr.
pub(super) struct ArrServer {
    /// Seerr's settings collection: `sonarr` / `radarr`.
    kind: &'static str,
    display: String,
    name: String,
    host: String,
    port: u16,
    api_key: String,
    /// The arr's root folder that requests are filed in.
    directory: String,
}

/// What Seerr has under the owned name.
pub(super) enum Found {
    Missing,
    Same(i64),
    Differs(i64, String),
}

/// Why a server could not be written.
#[derive(Debug, thiserror::Error)]
pub(super) enum SeerrError {
    #[error(transparent)]
    Call(#[from] CallError),
    /// Seerr reached the arr, but the arr lacks what the entry needs.
    #[error("{0}")]
    NotReady(String),
}

impl ArrServer {
    /// The entry for `chart` (`None` for an app Seerr cannot send requests to).
    pub fn new(
        chart: &str,
        display: &str,
        (host, port): (String, u16),
        api_key: String,
        directory: String,
    ) -> Option<Self> {
        let kind = match chart {
            "sonarr" => "sonarr",
            "radarr" => "radarr",
            _ => return None,
        };
        Some(Self {
            kind,
            display: display.to_owned(),
            name: owned_name(display),
            host,
            port,
            api_key,
            directory,
        })
    }

    /// An entry that only names the server (for taking it down).
    pub fn named(chart: &str, display: &str) -> Option<Self> {
        Self::new(
            chart,
            display,
            (String::new(), 0),
            String::new(),
            String::new(),
        )
    }

    pub fn digest(&self) -> String {
        let mut d = Sha256::new();
        for part in [
            self.kind,
            &self.name,
            &self.host,
            &self.port.to_string(),
            &self.api_key,
            &self.directory,
        ] {
            d.update(part);
            d.update([0]);
        }
        hex::encode(d.finalize())
    }

    fn is_owned(&self, entry: &Value) -> bool {
        entry["name"]
            .as_str()
            .is_some_and(|n| n.eq_ignore_ascii_case(&self.name))
    }

    /// The entry under the owned name in Seerr's list.
    fn owned<'v>(&self, list: &'v Value) -> Option<&'v Value> {
        list.as_array()?.iter().find(|e| self.is_owned(e))
    }

    /// Finds the owned entry in Seerr's list and compares what can be read back (the key is
    /// masked; a profile the user picked in Seerr is theirs to choose).
    pub fn find(&self, list: &Value) -> Found {
        let Some(entry) = self.owned(list) else {
            return Found::Missing;
        };
        let id = entry["id"].as_i64().unwrap_or_default();
        let name = &self.name;
        let host = entry["hostname"].as_str().unwrap_or_default();
        let port = entry["port"].as_u64();
        if host != self.host || port != Some(u64::from(self.port)) {
            let port = port.map(|p| p.to_string()).unwrap_or_default();
            return Found::Differs(
                id,
                format!("{name}: its address was changed to {host}:{port}."),
            );
        }
        if entry["useSsl"] == Value::Bool(true)
            || !entry["baseUrl"]
                .as_str()
                .unwrap_or_default()
                .trim_matches('/')
                .is_empty()
        {
            return Found::Differs(id, format!("{name}: its SSL or URL base was changed."));
        }
        let dir = entry["activeDirectory"].as_str().unwrap_or_default();
        if dir.trim_end_matches('/') != self.directory {
            return Found::Differs(
                id,
                format!(
                    "{name}: requests go to {dir} instead of {}.",
                    self.directory
                ),
            );
        }
        Found::Same(id)
    }

    /// What Seerr's test is given: where the arr is and its key.
    fn connection(&self) -> Value {
        json!({
            "hostname": self.host,
            "port": self.port,
            "apiKey": self.api_key,
            "useSsl": false,
            "baseUrl": "",
        })
    }

    /// The full entry, with the quality profile chosen from what the arr offered.
    fn body(&self, profile: &Value, is_default: bool) -> Value {
        let mut body = self.connection();
        let extra = json!({
            "name": self.name,
            "activeProfileId": profile["id"],
            "activeProfileName": profile["name"],
            "activeDirectory": self.directory,
            "is4k": false,
            "isDefault": is_default,
            "syncEnabled": true,
            "preventSearch": false,
            "tags": [],
        });
        body.as_object_mut()
            .unwrap()
            .extend(extra.as_object().cloned().unwrap_or_default());
        match self.kind {
            "sonarr" => {
                body["enableSeasonFolders"] = json!(true);
                body["seriesType"] = json!("standard");
                body["animeTags"] = json!([]);
            }
            _ => body["minimumAvailability"] = json!("released"),
        }
        body
    }
}

/// Seerr's API at `base`, with its key.
pub(super) struct Seerr<'a> {
    api: AppApi<'a>,
}

impl<'a> Seerr<'a> {
    pub fn new(
        client: &'a hyper_util::client::legacy::Client<Dialer, axum::body::Body>,
        base: &str,
        key: &str,
    ) -> Self {
        Self {
            api: AppApi::with_api_key(client, base, key),
        }
    }

    pub async fn list(&self, server: &ArrServer) -> Result<Value, CallError> {
        self.api.get(&format!("{API}/{}", server.kind)).await
    }

    /// Tests the server from Seerr, then creates the owned entry or updates it in place.
    pub async fn save(&self, server: &ArrServer) -> Result<(), SeerrError> {
        let offered = self
            .api
            .post(&format!("{API}/{}/test", server.kind), &server.connection())
            .await?;
        let has_directory = offered["rootFolders"].as_array().is_some_and(|folders| {
            folders.iter().any(|f| {
                f["path"].as_str().map(|p| p.trim_end_matches('/')) == Some(&server.directory)
            })
        });
        if !has_directory {
            return Err(SeerrError::NotReady(format!(
                "{} has no root folder {} yet.",
                server.display, server.directory
            )));
        }
        let list = self.list(server).await?;
        let existing = server.owned(&list);
        let profiles = offered["profiles"].as_array().cloned().unwrap_or_default();
        // Keep the profile a user picked in Seerr while the arr still has it.
        let kept = existing.and_then(|e| {
            profiles
                .iter()
                .find(|p| p["id"] == e["activeProfileId"])
                .cloned()
        });
        let Some(profile) = kept.or_else(|| profiles.first().cloned()) else {
            return Err(SeerrError::NotReady(format!(
                "{} has no quality profile.",
                server.display
            )));
        };
        // One default server per kind: ours only when no other is.
        let other_default = list.as_array().into_iter().flatten().any(|e| {
            e["isDefault"] == Value::Bool(true)
                && e["is4k"] != Value::Bool(true)
                && !server.is_owned(e)
        });
        let is_default = match existing {
            Some(e) => e["isDefault"] == Value::Bool(true),
            None => !other_default,
        };
        let body = server.body(&profile, is_default);
        match existing.and_then(|e| e["id"].as_i64()) {
            Some(id) => {
                self.api
                    .put(&format!("{API}/{}/{id}", server.kind), &body)
                    .await?
            }
            None => {
                self.api
                    .post(&format!("{API}/{}", server.kind), &body)
                    .await?
            }
        };
        Ok(())
    }

    /// Removes the owned entry, if there is one.
    pub async fn remove(&self, server: &ArrServer) -> Result<(), CallError> {
        match server.find(&self.list(server).await?) {
            Found::Missing => Ok(()),
            Found::Same(id) | Found::Differs(id, _) => {
                self.api
                    .delete(&format!("{API}/{}/{id}", server.kind))
                    .await
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sonarr() -> ArrServer {
        ArrServer::new(
            "sonarr",
            "Sonarr",
            ("sonarr.sonarr.svc".into(), 8989),
            "k".repeat(32),
            "/data/media/tv".into(),
        )
        .unwrap()
    }

    #[test]
    fn finds_the_owned_entry_and_says_what_changed() {
        let s = sonarr();
        let entry = |host: &str, dir: &str| {
            json!([
                {"id": 1, "name": "Sonarr", "hostname": "mine", "port": 1, "activeDirectory": "/x"},
                {"id": 7, "name": "sonarr (kubarr)", "hostname": host, "port": 8989,
                 "useSsl": false, "baseUrl": "", "activeDirectory": dir, "apiKey": "********"},
            ])
        };
        assert!(matches!(s.find(&json!([])), Found::Missing));
        assert!(matches!(
            s.find(&entry("sonarr.sonarr.svc", "/data/media/tv/")),
            Found::Same(7)
        ));
        let Found::Differs(7, why) = s.find(&entry("elsewhere", "/data/media/tv")) else {
            panic!("a moved server is drift");
        };
        assert!(why.contains("elsewhere:8989"), "{why}");
        let Found::Differs(_, why) = s.find(&entry("sonarr.sonarr.svc", "/data/media/anime"))
        else {
            panic!("another folder is drift");
        };
        assert!(why.contains("/data/media/anime"), "{why}");
        // A user's own server of the same app is never ours.
        assert!(matches!(
            s.find(
                &json!([{"id": 1, "name": "Sonarr", "hostname": "sonarr.sonarr.svc", "port": 8989}])
            ),
            Found::Missing
        ));
    }

    #[test]
    fn the_entry_names_every_setting_seerr_requires() {
        let body = sonarr().body(&json!({"id": 4, "name": "HD-1080p"}), true);
        for key in [
            "name",
            "hostname",
            "port",
            "apiKey",
            "useSsl",
            "activeProfileId",
            "activeProfileName",
            "activeDirectory",
            "is4k",
            "enableSeasonFolders",
            "isDefault",
        ] {
            assert!(body.get(key).is_some(), "{key} missing from {body}");
        }
        assert_eq!(body["activeProfileId"], 4);
        assert_eq!(body["name"], "Sonarr (Kubarr)");
        let radarr = ArrServer::new(
            "radarr",
            "Radarr",
            ("radarr.radarr.svc".into(), 7878),
            "k".repeat(32),
            "/data/media/movies".into(),
        )
        .unwrap();
        let body = radarr.body(&json!({"id": 1, "name": "Any"}), false);
        assert_eq!(body["minimumAvailability"], "released");
        assert!(body.get("enableSeasonFolders").is_none());
        assert!(ArrServer::named("lidarr", "Lidarr").is_none());
    }
}
