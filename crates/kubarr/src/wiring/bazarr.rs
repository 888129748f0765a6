//! Bazarr's side of a subtitles link: its connection to Sonarr or Radarr, one per arr, kept in
//! Bazarr's settings (`/api/system/settings`, read as JSON, written as a form of
//! `settings-<section>-<key>` fields) and judged by Bazarr's own health.

use axum::http::Method;
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::http::{AppApi, CallError};
use crate::gateway::dial::Dialer;

/// Bazarr's connection to one arr, as Kubarr wants it.
pub(super) struct ArrConnection {
    /// Bazarr's settings section and switch for it: `sonarr` / `radarr`.
    section: &'static str,
    display: String,
    host: String,
    port: u16,
    api_key: String,
}

/// What Bazarr has, compared with the connection.
pub(super) enum Compared {
    Same,
    /// Never set up (switched off and without a key).
    Missing,
    Differs(String),
}

impl ArrConnection {
    /// The connection to `chart` (`None` for an app Bazarr has no settings for).
    pub fn new(
        chart: &str,
        display: &str,
        host: String,
        port: u16,
        api_key: String,
    ) -> Option<Self> {
        let section = match chart {
            "sonarr" => "sonarr",
            "radarr" => "radarr",
            _ => return None,
        };
        Some(Self {
            section,
            display: display.to_owned(),
            host,
            port,
            api_key,
        })
    }

    /// How Bazarr names the arr in its health list.
    pub fn display(&self) -> &str {
        &self.display
    }

    pub fn digest(&self) -> String {
        let mut d = Sha256::new();
        for part in [
            self.section,
            &self.host,
            &self.port.to_string(),
            &self.api_key,
        ] {
            d.update(part);
            d.update([0]);
        }
        hex::encode(d.finalize())
    }

    /// Bazarr's settings (keys masked) against the connection. The key itself never reads
    /// back: a wrong one shows in Bazarr's health instead.
    pub fn compare(&self, settings: &Value) -> Compared {
        let section = &settings[self.section];
        let switched_on = settings["general"][format!("use_{}", self.section)] == Value::Bool(true);
        let has_key = section["apikey"].as_str().is_some_and(|k| !k.is_empty());
        if !switched_on && !has_key {
            return Compared::Missing;
        }
        let name = &self.display;
        if !switched_on {
            return Compared::Differs(format!("Bazarr's use of {name} was switched off."));
        }
        if !has_key {
            return Compared::Differs(format!("Bazarr has no API key for {name}."));
        }
        let ip = section["ip"].as_str().unwrap_or_default();
        let port = section["port"].as_u64();
        if ip != self.host || port != Some(u64::from(self.port)) {
            return Compared::Differs(format!(
                "Bazarr's address of {name} was changed to {ip}:{}.",
                port.map(|p| p.to_string()).unwrap_or_default()
            ));
        }
        let base = section["base_url"]
            .as_str()
            .unwrap_or("/")
            .trim_matches('/');
        if !base.is_empty() || section["ssl"] == Value::Bool(true) {
            return Compared::Differs(format!(
                "Bazarr's URL base or SSL setting of {name} was changed."
            ));
        }
        Compared::Same
    }

    /// The form that sets the connection up (the key included).
    fn form(&self) -> String {
        let s = self.section;
        let mut form = form_urlencoded::Serializer::new(String::new());
        form.append_pair(&format!("settings-general-use_{s}"), "true")
            .append_pair(&format!("settings-{s}-ip"), &self.host)
            .append_pair(&format!("settings-{s}-port"), &self.port.to_string())
            .append_pair(&format!("settings-{s}-base_url"), "/")
            .append_pair(&format!("settings-{s}-ssl"), "false")
            .append_pair(&format!("settings-{s}-apikey"), &self.api_key);
        form.finish()
    }

    /// The form that switches the connection off (when the arr goes).
    fn off_form(&self) -> String {
        form_urlencoded::Serializer::new(String::new())
            .append_pair(&format!("settings-general-use_{}", self.section), "false")
            .finish()
    }
}

/// Bazarr's API at `base`, with its key.
pub(super) struct Bazarr<'a> {
    api: AppApi<'a>,
}

impl<'a> Bazarr<'a> {
    pub fn new(
        client: &'a hyper_util::client::legacy::Client<Dialer, axum::body::Body>,
        base: &str,
        key: &str,
    ) -> Self {
        Self {
            api: AppApi::with_api_key(client, base, key),
        }
    }

    pub async fn settings(&self) -> Result<Value, CallError> {
        self.api.get("/api/system/settings").await
    }

    async fn post_form(&self, form: String) -> Result<(), CallError> {
        self.api
            .raw(
                Method::POST,
                "/api/system/settings",
                "application/x-www-form-urlencoded",
                form.into_bytes(),
                &[],
            )
            .await
            .map(|_| ())
    }

    pub async fn connect(&self, arr: &ArrConnection) -> Result<(), CallError> {
        self.post_form(arr.form()).await
    }

    pub async fn disconnect(&self, arr: &ArrConnection) -> Result<(), CallError> {
        self.post_form(arr.off_form()).await
    }

    /// What Bazarr's health says about `display` (`Sonarr`, `Radarr`), if anything.
    pub async fn health_about(&self, display: &str) -> Result<Option<String>, CallError> {
        let health = self.api.get("/api/system/health").await?;
        Ok(health["data"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|issue| issue["object"].as_str() == Some(display))
            .map(|issue| {
                issue["issue"]
                    .as_str()
                    .unwrap_or("Bazarr reports a problem")
                    .to_owned()
            }))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn sonarr() -> ArrConnection {
        ArrConnection::new(
            "sonarr",
            "Sonarr",
            "sonarr.sonarr.svc".into(),
            8989,
            "k".repeat(32),
        )
        .unwrap()
    }

    fn settings(on: bool, ip: &str, port: u16, key: &str) -> Value {
        json!({"general": {"use_sonarr": on}, "sonarr": {"ip": ip, "port": port, "base_url": "/", "ssl": false, "apikey": key}})
    }

    #[test]
    fn compares_what_bazarr_reads_back() {
        let c = sonarr();
        assert!(matches!(
            c.compare(&settings(false, "127.0.0.1", 8989, "")),
            Compared::Missing
        ));
        assert!(matches!(
            c.compare(&settings(true, "sonarr.sonarr.svc", 8989, "********")),
            Compared::Same
        ));
        for (s, says) in [
            (
                settings(false, "sonarr.sonarr.svc", 8989, "********"),
                "switched off",
            ),
            (settings(true, "sonarr.sonarr.svc", 8989, ""), "no API key"),
            (
                settings(true, "10.0.0.9", 8989, "********"),
                "changed to 10.0.0.9:8989",
            ),
            (
                settings(true, "sonarr.sonarr.svc", 9000, "********"),
                "changed to",
            ),
        ] {
            match c.compare(&s) {
                Compared::Differs(why) => assert!(why.contains(says), "{why}"),
                _ => panic!("{s} should differ"),
            }
        }
        assert!(ArrConnection::new("lidarr", "Lidarr", "h".into(), 1, "k".into()).is_none());
    }

    #[test]
    fn the_form_carries_every_setting_and_off_only_the_switch() {
        let form = sonarr().form();
        for field in [
            "settings-general-use_sonarr=true",
            "settings-sonarr-ip=sonarr.sonarr.svc",
            "settings-sonarr-port=8989",
            "settings-sonarr-base_url=%2F",
            "settings-sonarr-ssl=false",
            "settings-sonarr-apikey=kkkk",
        ] {
            assert!(form.contains(field), "{form} lacks {field}");
        }
        assert_eq!(sonarr().off_form(), "settings-general-use_sonarr=false");
    }
}
