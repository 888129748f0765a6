//! The download-client connection tests, made for real against the configured client the way the
//! arr apps make them (login, version, category), and the client's output folder for the health
//! check. Only loopback targets are dialled.

use reqwest::{StatusCode, Url};
use serde_json::{json, Value};

use super::provider::{Failure, Provider};
use super::ServarrApp;
use crate::outbound::{self, base_url, describe};

type TestResult<T> = Result<T, Vec<Failure>>;

fn fail<T>(property: &str, message: impl Into<String>) -> TestResult<T> {
    Err(vec![Failure::new(property, message)])
}

fn connection(p: &Provider) -> TestResult<Url> {
    let port = p.number("port").unwrap_or(0).clamp(0, 65535) as u16;
    base_url(&p.text("host"), port, p.flag("useSsl"), &p.text("urlBase"))
        .map_err(|e| vec![Failure::new("Host", e.to_string())])
}

fn join(base: &Url, path: &str) -> Url {
    let mut u = base.clone();
    let prefix = u.path().trim_end_matches('/').to_string();
    u.set_path(&format!("{prefix}{path}"));
    u
}

/// What a call to the client is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The `/test` endpoint (and create/update): like the apps, creates a missing category.
    Test,
    /// The health check: reads only.
    Status,
}

/// Connects to a download client the way the app does; on success returns the folder the
/// client puts this app's downloads in (as the client reports it).
pub async fn probe(app: ServarrApp, p: &Provider, mode: Mode) -> TestResult<String> {
    let category_field = app.media_fields().category;
    let category = p.text(category_field);
    let c = Category {
        field: category_field,
        name: &category,
        mode,
    };
    match p.implementation.implementation.as_str() {
        "QBittorrent" => qbittorrent(p, c).await,
        "Transmission" => transmission(app, p, &category).await,
        "Deluge" => deluge(p, c).await,
        "Nzbget" => nzbget(p, c).await,
        other => fail("Implementation", format!("no connection test for {other}")),
    }
}

#[derive(Debug, Clone, Copy)]
struct Category<'a> {
    field: &'a str,
    name: &'a str,
    mode: Mode,
}

async fn qbittorrent(p: &Provider, c: Category<'_>) -> TestResult<String> {
    let (category_field, category) = (c.field, c.name);
    let base = connection(p)?;
    let client = outbound::cookie_client();
    let r = client
        .post(join(&base, "/api/v2/auth/login"))
        .form(&[
            ("username", p.text("username")),
            ("password", p.text("password")),
        ])
        .send()
        .await
        .map_err(|e| {
            vec![Failure::new(
                "Host",
                format!("Unable to connect to qBittorrent: {}", describe(&e)),
            )]
        })?;
    match r.status() {
        StatusCode::OK => {}
        StatusCode::FORBIDDEN => {
            return fail(
                "Host",
                "qBittorrent refuses this address (banned after failed logins?)",
            );
        }
        s => return fail("Host", format!("qBittorrent answered {s} to the login")),
    }
    if r.text().await.unwrap_or_default().trim() != "Ok." {
        return fail("Username", "Authentication failure");
    }
    let get = |path: &str| {
        let client = client.clone();
        let url = join(&base, path);
        async move {
            let r = client.get(url).send().await.map_err(|e| {
                vec![Failure::new(
                    "Host",
                    format!("qBittorrent: {}", describe(&e)),
                )]
            })?;
            if !r.status().is_success() {
                return fail("Host", format!("qBittorrent answered {}", r.status()));
            }
            r.text().await.map_err(|e| {
                vec![Failure::new(
                    "Host",
                    format!("qBittorrent: {}", describe(&e)),
                )]
            })
        }
    };
    let api = get("/api/v2/app/webapiVersion").await?;
    let major: u32 = api
        .split('.')
        .next()
        .and_then(|m| m.parse().ok())
        .unwrap_or(0);
    if major < 2 {
        return fail("Host", format!("qBittorrent Web API {api} is too old"));
    }
    let categories = |text: String| serde_json::from_str::<Value>(&text).unwrap_or(Value::Null);
    let mut cats = categories(get("/api/v2/torrents/categories").await?);
    if c.mode == Mode::Test && !category.is_empty() && cats.get(category).is_none() {
        // Like the arr apps: a missing category is created during the test.
        let r = client
            .post(join(&base, "/api/v2/torrents/createCategory"))
            .form(&[("category", category), ("savePath", "")])
            .send()
            .await
            .map_err(|e| {
                vec![Failure::new(
                    category_field,
                    format!("qBittorrent: {}", describe(&e)),
                )]
            })?;
        if !r.status().is_success() {
            return fail(category_field, "Configuration of label failed");
        }
        cats = categories(get("/api/v2/torrents/categories").await?);
        if cats.get(category).is_none() {
            return fail(category_field, "Configuration of label failed");
        }
    }
    let save = cats
        .get(category)
        .and_then(|c| c["savePath"].as_str())
        .filter(|s| !s.is_empty())
        .map(str::to_string);
    match save {
        Some(s) => Ok(s),
        None => {
            let prefs = categories(get("/api/v2/app/preferences").await?);
            let root = prefs["save_path"]
                .as_str()
                .unwrap_or_default()
                .trim_end_matches('/')
                .to_string();
            Ok(root)
        }
    }
}

async fn transmission(app: ServarrApp, p: &Provider, category: &str) -> TestResult<String> {
    let base = connection(p)?;
    let url_base = p.text("urlBase");
    let rpc = if url_base.is_empty() {
        join(&base, "/transmission/rpc")
    } else {
        join(&base, "/rpc")
    };
    let client = outbound::client();
    let body = json!({"method": "session-get", "arguments": {}});
    let send = |session: Option<String>| {
        let mut rb = client
            .post(rpc.clone())
            .basic_auth(p.text("username"), Some(p.text("password")))
            .json(&body);
        if let Some(s) = session {
            rb = rb.header("X-Transmission-Session-Id", s);
        }
        rb.send()
    };
    let conn_err = |e: reqwest::Error| {
        vec![Failure::new(
            "Host",
            format!("Unable to connect to Transmission: {}", describe(&e)),
        )]
    };
    let first = send(None).await.map_err(conn_err)?;
    let r = match first.status() {
        StatusCode::CONFLICT => {
            let session = first
                .headers()
                .get("X-Transmission-Session-Id")
                .and_then(|v| v.to_str().ok())
                .map(str::to_string);
            send(session).await.map_err(conn_err)?
        }
        _ => first,
    };
    match r.status() {
        StatusCode::OK => {}
        StatusCode::UNAUTHORIZED => return fail("Username", "Authentication failure"),
        s => return fail("Host", format!("Transmission answered {s}")),
    }
    let v: Value = r
        .json()
        .await
        .map_err(|e| vec![Failure::new("Host", describe(&e).to_string())])?;
    if v["result"] != "success" {
        return fail("Host", format!("Transmission: {}", v["result"]));
    }
    let rpc_version = v["arguments"]["rpc-version"].as_i64().unwrap_or(0);
    if rpc_version < 14 {
        return fail("Host", "Transmission version not supported");
    }
    let directory = p.text(app.media_fields().directory);
    if !directory.is_empty() {
        return Ok(directory);
    }
    let root = v["arguments"]["download-dir"]
        .as_str()
        .unwrap_or_default()
        .trim_end_matches('/')
        .to_string();
    Ok(if category.is_empty() {
        root
    } else {
        format!("{root}/{category}")
    })
}

async fn deluge(p: &Provider, c: Category<'_>) -> TestResult<String> {
    let (category_field, category) = (c.field, c.name);
    let base = connection(p)?;
    let url = join(&base, "/json");
    let client = outbound::cookie_client();
    let call = |method: &'static str, params: Value| {
        let client = client.clone();
        let url = url.clone();
        async move {
            let r = client
                .post(url)
                .json(&json!({"method": method, "params": params, "id": 1}))
                .send()
                .await
                .map_err(|e| {
                    vec![Failure::new(
                        "Host",
                        format!("Unable to connect to Deluge: {}", describe(&e)),
                    )]
                })?;
            if !r.status().is_success() {
                return fail("Host", format!("Deluge answered {}", r.status()));
            }
            let v: Value = r
                .json()
                .await
                .map_err(|e| vec![Failure::new("Host", describe(&e).to_string())])?;
            if !v["error"].is_null() {
                return fail(
                    "Host",
                    format!("Deluge {method}: {}", v["error"]["message"]),
                );
            }
            Ok(v["result"].clone())
        }
    };
    if call("auth.login", json!([p.text("password")])).await? != json!(true) {
        return fail("Password", "Authentication failure");
    }
    if call("web.connected", json!([])).await? != json!(true) {
        let hosts = call("web.get_hosts", json!([])).await?;
        let Some(id) = hosts[0][0].as_str().map(str::to_string) else {
            return fail(
                "Host",
                "Failed to connect to Deluge daemon: no daemon configured",
            );
        };
        call("web.connect", json!([id])).await?;
        let mut connected = false;
        for _ in 0..50 {
            if call("web.connected", json!([])).await? == json!(true) {
                connected = true;
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        if !connected {
            return fail("Host", "Failed to connect to Deluge daemon");
        }
    }
    if c.mode == Mode::Test && !category.is_empty() {
        let plugins = call("core.get_enabled_plugins", json!([])).await?;
        if !plugins
            .as_array()
            .is_some_and(|a| a.iter().any(|x| x == "Label"))
        {
            return fail(category_field, "Label plugin not activated");
        }
        let labels = call("label.get_labels", json!([])).await?;
        if !labels
            .as_array()
            .is_some_and(|a| a.iter().any(|x| x == category))
        {
            call("label.add", json!([category])).await?;
        }
    }
    let config = call(
        "core.get_config_values",
        json!([["download_location", "move_completed", "move_completed_path"]]),
    )
    .await?;
    let path = if config["move_completed"] == json!(true) {
        config["move_completed_path"].as_str()
    } else {
        config["download_location"].as_str()
    };
    Ok(path.unwrap_or_default().trim_end_matches('/').to_string())
}

async fn nzbget(p: &Provider, c: Category<'_>) -> TestResult<String> {
    let (category_field, category) = (c.field, c.name);
    let base = connection(p)?;
    let url = join(&base, "/jsonrpc");
    let client = outbound::client();
    let call = |method: &'static str| {
        let client = client.clone();
        let url = url.clone();
        async move {
            let r = client
                .post(url)
                .basic_auth(p.text("username"), Some(p.text("password")))
                .json(&json!({"method": method, "params": [], "id": 1}))
                .send()
                .await
                .map_err(|e| {
                    vec![Failure::new(
                        "Host",
                        format!("Unable to connect to NZBGet: {}", describe(&e)),
                    )]
                })?;
            match r.status() {
                StatusCode::OK => {}
                StatusCode::UNAUTHORIZED => return fail("Username", "Authentication failure"),
                s => return fail("Host", format!("NZBGet answered {s}")),
            }
            let v: Value = r
                .json()
                .await
                .map_err(|e| vec![Failure::new("Host", describe(&e).to_string())])?;
            Ok(v["result"].clone())
        }
    };
    let version = call("version").await?;
    let major: u32 = version
        .as_str()
        .and_then(|v| v.split(['.', '-']).next())
        .and_then(|m| m.parse().ok())
        .unwrap_or(0);
    if major < 12 {
        return fail("Host", format!("NZBGet version {version} is not supported"));
    }
    let config = call("config").await?;
    let opt = |name: &str| {
        config
            .as_array()
            .and_then(|a| {
                a.iter().find(|o| {
                    o["Name"]
                        .as_str()
                        .is_some_and(|n| n.eq_ignore_ascii_case(name))
                })
            })
            .and_then(|o| o["Value"].as_str())
            .map(str::to_string)
    };
    let dest = opt("DestDir")
        .unwrap_or_default()
        .trim_end_matches('/')
        .to_string();
    if category.is_empty() {
        return Ok(dest);
    }
    let index = (1..=100).find(|i| {
        opt(&format!("Category{i}.Name")).is_some_and(|n| n.eq_ignore_ascii_case(category))
    });
    let Some(i) = index else {
        if c.mode == Mode::Status {
            return Ok(dest);
        }
        return fail(category_field, "Category does not exist");
    };
    let cat_dest = opt(&format!("Category{i}.DestDir")).unwrap_or_default();
    if !cat_dest.is_empty() {
        return Ok(cat_dest.trim_end_matches('/').to_string());
    }
    Ok(if opt("AppendCategoryDir").as_deref() == Some("no") {
        dest
    } else {
        format!("{dest}/{category}")
    })
}
