//! The download clients' side of an arr → client link, through their own APIs: qBittorrent gets
//! a category per media type saving under `/data/torrents/<type>`, Deluge gets its Label plugin
//! (the arrs file downloads by label) and `/data/torrents` as its download folder. Transmission
//! needs nothing (the arr names a directory).
//!
//! Kubarr signs in once per pass at most, and a refused password stops the link (see
//! [`ClientError::Refused`]) instead of retrying into qBittorrent's ban.

use std::time::Duration;

use axum::http::{header, HeaderName, Method};
use serde_json::{json, Value};

use super::http::{AppApi, CallError};

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The client refused the credentials Kubarr has for it.
    #[error("{0} refused Kubarr's password")]
    Refused(&'static str),
    #[error("{0}")]
    Call(#[from] CallError),
    #[error("{0}")]
    Other(String),
}

/// Whether qBittorrent has `category` saving to `save_path` differs from that (`Ok(true)`: it
/// differs); with `fix`, makes it so.
pub async fn qbittorrent_category(
    api: &AppApi<'_>,
    username: &str,
    password: &str,
    category: &str,
    save_path: &str,
    fix: bool,
) -> Result<bool, ClientError> {
    let form = |pairs: &[(&str, &str)]| {
        let mut s = form_urlencoded::Serializer::new(String::new());
        for (k, v) in pairs {
            s.append_pair(k, v);
        }
        s.finish().into_bytes()
    };
    let login = api
        .raw(
            Method::POST,
            "/api/v2/auth/login",
            "application/x-www-form-urlencoded",
            form(&[("username", username), ("password", password)]),
            &[],
        )
        .await;
    let login = match login {
        Ok(a) => a,
        Err(CallError::Status { status, .. }) if status.as_u16() == 403 => {
            return Err(ClientError::Other(
                "qBittorrent has banned Kubarr's address after failed sign-ins; it lifts the ban after its ban time".into(),
            ))
        }
        Err(e) => return Err(e.into()),
    };
    if login.body.as_str().map(str::trim) != Some("Ok.") {
        return Err(ClientError::Refused("qBittorrent"));
    }
    let sid = login
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| c.split(';').next().filter(|kv| kv.starts_with("SID=")))
        .map(str::to_owned)
        .ok_or_else(|| ClientError::Other("qBittorrent sent no session cookie".into()))?;
    let cookie = [(header::COOKIE, sid)];
    let categories = api
        .raw(
            Method::GET,
            "/api/v2/torrents/categories",
            "",
            Vec::new(),
            &cookie,
        )
        .await?
        .body;
    let existing = categories.get(category);
    let endpoint = match existing {
        None => "/api/v2/torrents/createCategory",
        Some(c) if c["savePath"].as_str() == Some(save_path) => return Ok(false),
        Some(_) => "/api/v2/torrents/editCategory",
    };
    if !fix {
        return Ok(true);
    }
    api.raw(
        Method::POST,
        endpoint,
        "application/x-www-form-urlencoded",
        form(&[("category", category), ("savePath", save_path)]),
        &cookie,
    )
    .await?;
    Ok(true)
}

/// Whether Deluge (through its web UI's JSON-RPC) lacks a daemon connection, the Label plugin, or
/// `downloads` as its download folder (`Ok(true)`); with `fix`, makes it so.
pub async fn deluge_setup(
    api: &AppApi<'_>,
    password: &str,
    downloads: &str,
    fix: bool,
) -> Result<bool, ClientError> {
    let mut cookie: Option<String> = None;
    let mut id = 0;
    let mut call = async |method: &str, params: Value| -> Result<Value, ClientError> {
        id += 1;
        let extra: Vec<(HeaderName, String)> =
            cookie.iter().map(|c| (header::COOKIE, c.clone())).collect();
        let body = json!({"method": method, "params": params, "id": id});
        let answer = api
            .raw(
                Method::POST,
                "/json",
                "application/json",
                body.to_string().into_bytes(),
                &extra,
            )
            .await?;
        if let Some(c) = answer
            .headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|c| {
                c.split(';')
                    .next()
                    .filter(|kv| kv.starts_with("_session_id="))
            })
        {
            cookie = Some(c.to_owned());
        }
        if !answer.body["error"].is_null() {
            let message = answer.body["error"]["message"]
                .as_str()
                .unwrap_or("an error")
                .to_owned();
            return Err(ClientError::Other(format!("Deluge: {message}")));
        }
        Ok(answer.body["result"].clone())
    };
    if call("auth.login", json!([password])).await? != json!(true) {
        return Err(ClientError::Refused("Deluge"));
    }
    let mut changed = false;
    if call("web.connected", json!([])).await? != json!(true) {
        if !fix {
            return Ok(true);
        }
        let hosts = call("web.get_hosts", json!([])).await?;
        let host = hosts[0][0]
            .as_str()
            .ok_or_else(|| ClientError::Other("Deluge's web UI knows no daemon".into()))?
            .to_owned();
        call("web.connect", json!([host])).await?;
        changed = true;
    }
    let enabled = |plugins: &Value| {
        plugins
            .as_array()
            .is_some_and(|p| p.iter().any(|x| x == "Label"))
    };
    if !enabled(&call("core.get_enabled_plugins", json!([])).await?) {
        if !fix {
            return Ok(true);
        }
        call("core.enable_plugin", json!(["Label"])).await?;
        changed = true;
        // The daemon loads the plugin in the background.
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        while !enabled(&call("core.get_enabled_plugins", json!([])).await?) {
            if tokio::time::Instant::now() > deadline {
                return Err(ClientError::Other(
                    "Deluge did not turn its Label plugin on".into(),
                ));
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
    // The arrs look for finished downloads where Deluge puts them: under the shared tree.
    let location = call("core.get_config_value", json!(["download_location"])).await?;
    if location.as_str() != Some(downloads) {
        if !fix {
            return Ok(true);
        }
        call(
            "core.set_config",
            json!([{ "download_location": downloads }]),
        )
        .await?;
        changed = true;
    }
    Ok(changed)
}
