//! Sonarr and Radarr servers: checked against the arr for real.

use super::*;

pub(super) fn server_json(m: &Map<String, Value>) -> Value {
    let mut out = m.clone();
    out.insert("apiKey".into(), json!(MASK));
    Value::Object(out)
}

/// What the arr offers, asked for real: `{profiles, rootFolders, tags}` (and language profiles
/// for Sonarr), as Seerr's test returns it.
pub(super) async fn arr_test(kind: ArrKind, o: &Map<String, Value>) -> Result<Value, String> {
    let text = |k: &str| {
        o.get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let port = o
        .get("port")
        .and_then(Value::as_u64)
        .unwrap_or(0)
        .min(65535) as u16;
    let use_ssl = o.get("useSsl").and_then(Value::as_bool).unwrap_or(false);
    let base = outbound::base_url(&text("hostname"), port, use_ssl, &text("baseUrl"))
        .map_err(|e| e.to_string())?;
    let client = outbound::client();
    let get = |p: &str| {
        let mut u = base.clone();
        let prefix = u.path().trim_end_matches('/').to_string();
        u.set_path(&format!("{prefix}/api/v3{p}"));
        let rb = client.get(u).header("X-Api-Key", text("apiKey"));
        async move {
            let r = rb
                .send()
                .await
                .map_err(|e| format!("Failed to connect: {}", describe(&e)))?;
            if r.status() == StatusCode::UNAUTHORIZED {
                return Err("the API key was refused".to_string());
            }
            if !r.status().is_success() {
                return Err(format!("it answered {}", r.status()));
            }
            r.json::<Value>()
                .await
                .map_err(|e| describe(&e).to_string())
        }
    };
    let status = get("/system/status").await?;
    let want = match kind {
        ArrKind::Sonarr => "Sonarr",
        ArrKind::Radarr => "Radarr",
    };
    if status["appName"] != json!(want) {
        return Err(format!("that server is not {want}"));
    }
    let profiles = get("/qualityprofile").await?;
    let roots = get("/rootfolder").await?;
    let tags = get("/tag").await?;
    let mut out = json!({
        "profiles": profiles,
        "rootFolders": roots.as_array().cloned().unwrap_or_default().iter().map(|r| json!({"id": r["id"], "path": r["path"]})).collect::<Vec<_>>(),
        "tags": tags,
        "urlBase": status["urlBase"],
    });
    if kind == ArrKind::Sonarr {
        out["languageProfiles"] = get("/languageprofile").await.unwrap_or(json!([]));
    }
    Ok(out)
}

pub(super) fn arr_kind(arr: &str) -> Result<ArrKind, Response> {
    ArrKind::from_path(arr).ok_or_else(|| error(StatusCode::NOT_FOUND, "Not Found"))
}

pub(super) async fn servers_list(State(s): State<Shared>, Path(arr): Path<String>) -> Response {
    let kind = match arr_kind(&arr) {
        Ok(k) => k,
        Err(r) => return r,
    };
    let mut st = s.lock();
    Json(Value::Array(
        st.servers(kind).iter().map(server_json).collect(),
    ))
    .into_response()
}

pub(super) async fn server_test(Path(arr): Path<String>, body: Bytes) -> Response {
    let kind = match arr_kind(&arr) {
        Ok(k) => k,
        Err(r) => return r,
    };
    let o = match object(&body, &["hostname", "port", "apiKey", "useSsl", "baseUrl"]) {
        Ok(o) => o,
        Err(r) => return r,
    };
    match arr_test(kind, &o).await {
        Ok(v) => Json(v).into_response(),
        Err(e) => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("Failed to connect to {arr}: {e}"),
        ),
    }
}

/// Validates a server entry: known keys, required keys, a unique name, and (stricter than Seerr)
/// an arr that answers with the chosen profile and root folder.
pub(super) async fn validate_server(
    s: &Shared,
    kind: ArrKind,
    mut o: Map<String, Value>,
    id: Option<i64>,
) -> Result<Map<String, Value>, Response> {
    if let Some(k) = kind.required().iter().find(|k| !o.contains_key(**k)) {
        return Err(error(StatusCode::BAD_REQUEST, format!("'{k}' is required")));
    }
    let name = o["name"].as_str().unwrap_or_default().trim().to_string();
    {
        let mut st = s.lock();
        let servers = st.servers(kind);
        if servers.iter().any(|x| {
            x["id"].as_i64() != id
                && x["name"]
                    .as_str()
                    .is_some_and(|n| n.eq_ignore_ascii_case(&name))
        }) {
            return Err(error(
                StatusCode::BAD_REQUEST,
                format!("a server named '{name}' exists"),
            ));
        }
        if o["apiKey"].as_str() == Some(MASK) {
            match id.and_then(|id| servers.iter().find(|x| x["id"].as_i64() == Some(id))) {
                Some(old) => {
                    let key = old["apiKey"].clone();
                    o.insert("apiKey".into(), key);
                }
                None => {
                    return Err(error(
                        StatusCode::BAD_REQUEST,
                        "send the API key itself, not the mask",
                    ))
                }
            }
        }
    }
    let offered = arr_test(kind, &o).await.map_err(|e| {
        error(
            StatusCode::BAD_REQUEST,
            format!("Failed to connect to the server: {e}"),
        )
    })?;
    let profile = o["activeProfileId"].as_i64();
    if !offered["profiles"]
        .as_array()
        .is_some_and(|p| p.iter().any(|p| p["id"].as_i64() == profile))
    {
        return Err(error(
            StatusCode::BAD_REQUEST,
            format!("the server has no quality profile {profile:?}"),
        ));
    }
    let dir = o["activeDirectory"]
        .as_str()
        .unwrap_or_default()
        .trim_end_matches('/')
        .to_string();
    if !offered["rootFolders"].as_array().is_some_and(|r| {
        r.iter()
            .any(|r| r["path"].as_str().map(|p| p.trim_end_matches('/')) == Some(dir.as_str()))
    }) {
        return Err(error(
            StatusCode::BAD_REQUEST,
            format!("the server has no root folder '{dir}'"),
        ));
    }
    Ok(o)
}

pub(super) async fn server_create(
    State(s): State<Shared>,
    Path(arr): Path<String>,
    body: Bytes,
) -> Response {
    let kind = match arr_kind(&arr) {
        Ok(k) => k,
        Err(r) => return r,
    };
    let mut o = match object(&body, kind.keys()) {
        Ok(o) => o,
        Err(r) => return r,
    };
    o.remove("id");
    let mut o = match validate_server(&s, kind, o, None).await {
        Ok(o) => o,
        Err(r) => return r,
    };
    let mut st = s.lock();
    let id = st.next_id;
    st.next_id += 1;
    o.insert("id".into(), json!(id));
    let out = server_json(&o);
    st.servers(kind).push(o);
    (StatusCode::CREATED, Json(out)).into_response()
}

pub(super) async fn server_update(
    State(s): State<Shared>,
    Path((arr, id)): Path<(String, i64)>,
    body: Bytes,
) -> Response {
    let kind = match arr_kind(&arr) {
        Ok(k) => k,
        Err(r) => return r,
    };
    if !s
        .lock()
        .servers(kind)
        .iter()
        .any(|x| x["id"].as_i64() == Some(id))
    {
        return error(StatusCode::NOT_FOUND, "Not Found");
    }
    let mut o = match object(&body, kind.keys()) {
        Ok(o) => o,
        Err(r) => return r,
    };
    o.remove("id");
    let mut o = match validate_server(&s, kind, o, Some(id)).await {
        Ok(o) => o,
        Err(r) => return r,
    };
    o.insert("id".into(), json!(id));
    let mut st = s.lock();
    let servers = st.servers(kind);
    if let Some(x) = servers.iter_mut().find(|x| x["id"].as_i64() == Some(id)) {
        *x = o.clone();
    }
    Json(server_json(&o)).into_response()
}

pub(super) async fn server_delete(
    State(s): State<Shared>,
    Path((arr, id)): Path<(String, i64)>,
) -> Response {
    let kind = match arr_kind(&arr) {
        Ok(k) => k,
        Err(r) => return r,
    };
    let mut st = s.lock();
    let servers = st.servers(kind);
    let Some(pos) = servers.iter().position(|x| x["id"].as_i64() == Some(id)) else {
        return error(StatusCode::NOT_FOUND, "Not Found");
    };
    let removed = servers.remove(pos);
    Json(server_json(&removed)).into_response()
}
