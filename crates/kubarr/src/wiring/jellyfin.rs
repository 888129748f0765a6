//! Jellyfin's API as Kubarr uses it: signing in once as the administrator a user named (to make
//! Kubarr's own API key), and the libraries on the shared media tree.
//!
//! Jellyfin has no key an installer could seed, and its first-run wizard creates the household's
//! administrator, so Kubarr never runs the wizard (that would lock the household out): it works
//! with an account it is given.

use axum::http::{header, Method};
use serde_json::{json, Value};

use super::http::{AppApi, CallError};
use crate::gateway::dial::Dialer;

/// The name Kubarr's API key carries in Jellyfin's dashboard (API keys).
pub const KEY_APP_NAME: &str = "Kubarr";

/// How Kubarr introduces itself: Jellyfin requires the client, device and version on sign-in.
fn client_authorization(token: Option<&str>) -> String {
    let mut value = format!(
        r#"MediaBrowser Client="Kubarr", Device="Kubarr", DeviceId="kubarr-wiring", Version="{}""#,
        env!("CARGO_PKG_VERSION")
    );
    if let Some(token) = token {
        value.push_str(&format!(r#", Token="{token}""#));
    }
    value
}

/// Who signed in.
pub struct SignedIn {
    pub token: String,
    pub is_admin: bool,
}

/// One library, as Jellyfin lists it.
pub struct Library {
    pub name: String,
    pub collection_type: String,
    /// Jellyfin's id of the library (what Seerr knows it by).
    pub item_id: String,
    pub locations: Vec<String>,
}

/// The collection type and the library name Kubarr gives a media type's folder.
pub fn library_for(media: &str) -> Option<(&'static str, &'static str)> {
    Some(match media {
        "tv" => ("tvshows", "Shows"),
        "movies" => ("movies", "Movies"),
        "music" => ("music", "Music"),
        "books" => ("books", "Books"),
        _ => return None,
    })
}

/// Jellyfin's API at `base`, signed in with a token or not at all.
pub struct Jellyfin<'a> {
    api: AppApi<'a>,
}

impl<'a> Jellyfin<'a> {
    pub fn new(
        client: &'a hyper_util::client::legacy::Client<Dialer, axum::body::Body>,
        base: &str,
        token: Option<&str>,
    ) -> Self {
        Self {
            api: AppApi::new(client, base)
                .with_header(header::AUTHORIZATION, &client_authorization(token)),
        }
    }

    /// Signs in by name (401 from Jellyfin: a wrong name or password).
    pub async fn sign_in(&self, username: &str, password: &str) -> Result<SignedIn, CallError> {
        let body = json!({"Username": username, "Pw": password});
        let answer = self.api.post("/Users/AuthenticateByName", &body).await?;
        Ok(SignedIn {
            token: answer["AccessToken"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
            is_admin: answer["User"]["Policy"]["IsAdministrator"] == Value::Bool(true),
        })
    }

    async fn key_tokens(&self) -> Result<Vec<String>, CallError> {
        let keys = self.api.get("/Auth/Keys").await?;
        Ok(keys["Items"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|k| k["AppName"].as_str() == Some(KEY_APP_NAME))
            .filter_map(|k| k["AccessToken"].as_str().map(str::to_owned))
            .collect())
    }

    /// Makes a new API key for Kubarr (Jellyfin answers 204 without it, so it is the one that
    /// was not there before).
    pub async fn create_key(&self) -> Result<Option<String>, CallError> {
        let before = self.key_tokens().await?;
        self.api
            .raw(
                Method::POST,
                &format!("/Auth/Keys?app={KEY_APP_NAME}"),
                "",
                Vec::new(),
                &[],
            )
            .await?;
        Ok(self
            .key_tokens()
            .await?
            .into_iter()
            .find(|k| !before.contains(k)))
    }

    pub async fn delete_key(&self, key: &str) -> Result<(), CallError> {
        // Jellyfin's keys are hex; anything else is not one of its keys.
        if key.is_empty() || !key.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Ok(());
        }
        let path = format!("/Auth/Keys/{key}");
        self.api.delete(&path).await
    }

    pub async fn libraries(&self) -> Result<Vec<Library>, CallError> {
        let list = self.api.get("/Library/VirtualFolders").await?;
        Ok(list
            .as_array()
            .into_iter()
            .flatten()
            .map(|l| Library {
                name: l["Name"].as_str().unwrap_or_default().to_owned(),
                collection_type: l["CollectionType"].as_str().unwrap_or_default().to_owned(),
                item_id: l["ItemId"].as_str().unwrap_or_default().to_owned(),
                locations: l["Locations"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|p| p.as_str().map(|p| p.trim_end_matches('/').to_owned()))
                    .collect(),
            })
            .collect())
    }

    /// Adds a library on one folder and lets Jellyfin scan it.
    pub async fn add_library(
        &self,
        name: &str,
        collection_type: &str,
        path: &str,
    ) -> Result<(), CallError> {
        let query = form_urlencoded::Serializer::new(String::new())
            .append_pair("name", name)
            .append_pair("collectionType", collection_type)
            .append_pair("paths", path)
            .append_pair("refreshLibrary", "true")
            .finish();
        self.api
            .raw(
                Method::POST,
                &format!("/Library/VirtualFolders?{query}"),
                "",
                Vec::new(),
                &[],
            )
            .await
            .map(|_| ())
    }
}

/// Whether some library already shows `path` (a user's own counts: Kubarr adds none beside it).
pub fn shows(libraries: &[Library], path: &str) -> bool {
    let path = path.trim_end_matches('/');
    libraries
        .iter()
        .any(|l| l.locations.iter().any(|p| p == path))
}

/// The name for a new library: the plain one, or the Kubarr-owned one when a user's library
/// has the plain name already.
pub fn free_name(libraries: &[Library], plain: &str) -> String {
    if libraries.iter().any(|l| l.name.eq_ignore_ascii_case(plain)) {
        super::servarr::owned_name(plain)
    } else {
        plain.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn library(name: &str, path: &str) -> Library {
        Library {
            name: name.into(),
            collection_type: "tvshows".into(),
            item_id: "1".into(),
            locations: vec![path.into()],
        }
    }

    #[test]
    fn a_folder_shown_by_any_library_needs_no_other() {
        let mine = [library("My shows", "/data/media/tv")];
        assert!(shows(&mine, "/data/media/tv/"));
        assert!(!shows(&mine, "/data/media/movies"));
        assert_eq!(free_name(&mine, "Movies"), "Movies");
        let taken = [library("movies", "/srv/films")];
        assert_eq!(free_name(&taken, "Movies"), "Movies (Kubarr)");
    }

    #[test]
    fn the_client_names_itself_and_carries_the_token() {
        let anonymous = client_authorization(None);
        for part in ["Client=\"Kubarr\"", "Device=", "DeviceId=", "Version="] {
            assert!(anonymous.contains(part), "{anonymous}");
        }
        assert!(!anonymous.contains("Token="));
        assert!(client_authorization(Some("t0k")).ends_with(r#", Token="t0k""#));
        assert_eq!(library_for("tv"), Some(("tvshows", "Shows")));
        assert_eq!(library_for("podcasts"), None);
    }
}
