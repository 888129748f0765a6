//! The Jellyfin media server settings: saving signs in at Jellyfin for real.

use super::*;

pub(super) fn jellyfin_json(j: &Map<String, Value>) -> Value {
    let mut out = j.clone();
    if out.contains_key("adminPass") {
        out.insert("adminPass".into(), json!(MASK));
    }
    Value::Object(out)
}

pub(super) async fn jellyfin_get(State(s): State<Shared>) -> Response {
    match &s.lock().jellyfin {
        Some(j) => Json(jellyfin_json(j)).into_response(),
        None => Json(json!({})).into_response(),
    }
}

struct JellyfinLogin {
    server_id: String,
    name: String,
    libraries: Vec<Value>,
}

/// Signs in at Jellyfin as the admin and reads its libraries, the way Seerr does on save.
async fn jellyfin_login(hostname: &str, user: &str, pass: &str) -> Result<JellyfinLogin, String> {
    let base = loopback_url(hostname).map_err(|e| e.to_string())?;
    let url = |p: &str| {
        let mut u = base.clone();
        let prefix = u.path().trim_end_matches('/').to_string();
        u.set_path(&format!("{prefix}{p}"));
        u
    };
    let client = outbound::client();
    let auth =
        r#"MediaBrowser Client="Seerr", Device="Seerr", DeviceId="seerr-double", Version="2.7.3""#;
    let r = client
        .post(url("/Users/AuthenticateByName"))
        .header("Authorization", auth)
        .json(&json!({"Username": user, "Pw": pass}))
        .send()
        .await
        .map_err(|e| format!("Unable to connect to Jellyfin: {}", describe(&e)))?;
    if r.status() == StatusCode::UNAUTHORIZED {
        return Err("Jellyfin refused the admin credentials".into());
    }
    if !r.status().is_success() {
        return Err(format!("Jellyfin answered {}", r.status()));
    }
    let v: Value = r.json().await.map_err(|e| describe(&e).to_string())?;
    if v["User"]["Policy"]["IsAdministrator"] != json!(true) {
        return Err("the Jellyfin user is not an administrator".into());
    }
    let token = v["AccessToken"].as_str().unwrap_or_default().to_string();
    let info: Value = client
        .get(url("/System/Info/Public"))
        .send()
        .await
        .map_err(|e| describe(&e).to_string())?
        .json()
        .await
        .map_err(|e| describe(&e).to_string())?;
    let libs: Value = client
        .get(url("/Library/VirtualFolders"))
        .header("X-Emby-Token", token)
        .send()
        .await
        .map_err(|e| describe(&e).to_string())?
        .json()
        .await
        .map_err(|e| describe(&e).to_string())?;
    let libraries = libs
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .filter(|l| matches!(l["CollectionType"].as_str(), Some("movies" | "tvshows")))
        .map(|l| json!({"id": l["ItemId"], "name": l["Name"], "enabled": false, "type": if l["CollectionType"] == "movies" { "movie" } else { "show" }}))
        .collect();
    Ok(JellyfinLogin {
        server_id: info["Id"].as_str().unwrap_or_default().to_string(),
        name: info["ServerName"].as_str().unwrap_or_default().to_string(),
        libraries,
    })
}

pub(super) async fn jellyfin_post(State(s): State<Shared>, body: Bytes) -> Response {
    let o = match object(
        &body,
        &[
            "name",
            "hostname",
            "externalHostname",
            "jellyfinForgotPasswordUrl",
            "adminUser",
            "adminPass",
            "libraries",
            "serverID",
        ],
    ) {
        Ok(o) => o,
        Err(r) => return r,
    };
    let existing = s.lock().jellyfin.clone();
    let text = |k: &str| {
        o.get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let hostname = text("hostname");
    let user = text("adminUser");
    let mut pass = text("adminPass");
    if pass == MASK {
        pass = existing
            .as_ref()
            .and_then(|e| e.get("adminPass").and_then(Value::as_str))
            .unwrap_or_default()
            .to_string();
    }
    if hostname.is_empty() || user.is_empty() {
        return error(
            StatusCode::BAD_REQUEST,
            "hostname and adminUser are required",
        );
    }
    let login = match jellyfin_login(&hostname, &user, &pass).await {
        Ok(l) => l,
        Err(e) => return error(StatusCode::BAD_REQUEST, e),
    };
    let mut stored = Map::new();
    stored.insert("name".into(), json!(login.name));
    stored.insert("hostname".into(), json!(hostname));
    for k in ["externalHostname", "jellyfinForgotPasswordUrl"] {
        stored.insert(k.into(), json!(text(k)));
    }
    stored.insert("adminUser".into(), json!(user));
    stored.insert("adminPass".into(), json!(pass));
    stored.insert("libraries".into(), json!(login.libraries));
    stored.insert("serverID".into(), json!(login.server_id));
    let mut st = s.lock();
    st.main.insert("mediaServerType".into(), json!(2));
    st.jellyfin = Some(stored.clone());
    Json(jellyfin_json(&stored)).into_response()
}

/// `GET /settings/jellyfin/library?sync=true` re-reads the libraries; `?enable=id,id` enables.
pub(super) async fn jellyfin_library(
    State(s): State<Shared>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let Some(j) = s.lock().jellyfin.clone() else {
        return error(StatusCode::BAD_REQUEST, "Jellyfin is not configured");
    };
    let mut libraries = j.get("libraries").cloned().unwrap_or(json!([]));
    if q.get("sync").is_some_and(|v| v == "true") {
        let text = |k: &str| {
            j.get(k)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        match jellyfin_login(&text("hostname"), &text("adminUser"), &text("adminPass")).await {
            Ok(l) => libraries = json!(l.libraries),
            Err(e) => return error(StatusCode::INTERNAL_SERVER_ERROR, e),
        }
    }
    if let Some(enable) = q.get("enable") {
        let ids: Vec<&str> = enable.split(',').filter(|x| !x.is_empty()).collect();
        if let Some(arr) = libraries.as_array_mut() {
            let known: Vec<String> = arr
                .iter()
                .filter_map(|l| l["id"].as_str().map(str::to_string))
                .collect();
            if let Some(bad) = ids.iter().find(|id| !known.iter().any(|k| k == *id)) {
                return error(
                    StatusCode::BAD_REQUEST,
                    format!("unknown library id '{bad}'"),
                );
            }
            for l in arr {
                let id = l["id"].as_str().unwrap_or_default().to_string();
                l["enabled"] = json!(ids.contains(&id.as_str()));
            }
        }
    }
    let mut st = s.lock();
    if let Some(j) = st.jellyfin.as_mut() {
        j.insert("libraries".into(), libraries.clone());
    }
    Json(libraries).into_response()
}
