//! Root folders, remote path mappings, tags, profiles and the health check derived from state
//! (download clients asked for real, folders looked up on this machine).

use std::path::PathBuf;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Map, Value};

use super::provider::{Failure, Provider};
use super::{clients, invalid, prowlarr, RemotePathMapping, ServarrApp, ServarrState, Shared};

/// Where an app path is on this machine (through `fs_root`).
pub(super) fn local_path(st: &ServarrState, path: &str) -> PathBuf {
    match &st.config.fs_root {
        Some(root) => root.join(path.trim_start_matches('/')),
        None => PathBuf::from(path),
    }
}

fn not_found() -> Response {
    (StatusCode::NOT_FOUND, Json(json!({"message": "NotFound"}))).into_response()
}

fn object(body: &Bytes, allowed: &[&str]) -> Result<Map<String, Value>, Response> {
    let v: Value = serde_json::from_slice(body).map_err(|e| {
        invalid(vec![Failure::new(
            "",
            format!("the body is not valid JSON: {e}"),
        )])
    })?;
    let Value::Object(o) = v else {
        return Err(invalid(vec![Failure::new(
            "",
            "the body must be a JSON object",
        )]));
    };
    let unknown: Vec<Failure> = o
        .keys()
        .filter(|k| !allowed.contains(&k.as_str()))
        .map(|k| {
            Failure::new(
                k,
                format!("unknown property '{k}' (the real app would ignore it silently)"),
            )
        })
        .collect();
    if unknown.is_empty() {
        Ok(o)
    } else {
        Err(invalid(unknown))
    }
}

fn text(o: &Map<String, Value>, k: &str) -> String {
    o.get(k)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .trim()
        .to_string()
}

// ---- root folders -------------------------------------------------------------------------

fn root_folder_json(st: &ServarrState, id: i64, stored: &Map<String, Value>) -> Value {
    let path = text(stored, "path");
    let mut out = stored.clone();
    out.insert("id".into(), json!(id));
    out.insert("accessible".into(), json!(local_path(st, &path).is_dir()));
    out.insert("freeSpace".into(), Value::Null);
    out.insert("unmappedFolders".into(), json!([]));
    Value::Object(out)
}

pub(super) async fn list_root_folders(State(s): State<Shared>) -> Json<Value> {
    let st = s.lock();
    Json(Value::Array(
        st.root_folders
            .iter()
            .map(|(id, r)| root_folder_json(&st, *id, r))
            .collect(),
    ))
}

pub(super) async fn get_root_folder(State(s): State<Shared>, Path(id): Path<i64>) -> Response {
    let st = s.lock();
    match st.root_folders.get(&id) {
        Some(r) => Json(root_folder_json(&st, id, r)).into_response(),
        None => not_found(),
    }
}

pub(super) async fn create_root_folder(State(s): State<Shared>, body: Bytes) -> Response {
    let lidarr = s.lock().app == ServarrApp::Lidarr;
    let mut allowed = vec!["path", "id", "accessible", "freeSpace", "unmappedFolders"];
    if lidarr {
        allowed.extend([
            "name",
            "defaultMetadataProfileId",
            "defaultQualityProfileId",
            "defaultMonitorOption",
            "defaultNewItemMonitorOption",
            "defaultTags",
            "totalSpace",
        ]);
    }
    let mut o = match object(&body, &allowed) {
        Ok(o) => o,
        Err(r) => return r,
    };
    for k in [
        "id",
        "accessible",
        "freeSpace",
        "unmappedFolders",
        "totalSpace",
    ] {
        o.remove(k);
    }
    let path = text(&o, "path").trim_end_matches('/').to_string();
    let mut st = s.lock();
    let mut failures = Vec::new();
    if !path.starts_with('/') {
        failures.push(Failure::new("Path", "Invalid Path").with_value(json!(path)));
    } else if !local_path(&st, &path).is_dir() {
        failures.push(Failure::new("Path", "Folder does not exist").with_value(json!(path)));
    }
    if st.root_folders.values().any(|r| text(r, "path") == path) {
        failures.push(
            Failure::new("Path", "Path is already configured as a root folder")
                .with_value(json!(path)),
        );
    }
    if lidarr {
        let name = text(&o, "name");
        if name.is_empty() {
            failures.push(Failure::new("Name", "'Name' must not be empty."));
        } else if st
            .root_folders
            .values()
            .any(|r| text(r, "name").eq_ignore_ascii_case(&name))
        {
            failures.push(Failure::new("Name", "Should be unique").with_value(json!(name)));
        }
    }
    if !failures.is_empty() {
        return invalid(failures);
    }
    o.insert("path".into(), json!(path));
    let id = st.next_id();
    st.root_folders.insert(id, o);
    let out = root_folder_json(&st, id, &st.root_folders[&id]);
    (StatusCode::CREATED, Json(out)).into_response()
}

pub(super) async fn delete_root_folder(State(s): State<Shared>, Path(id): Path<i64>) -> Response {
    match s.lock().root_folders.remove(&id) {
        Some(_) => Json(json!({})).into_response(),
        None => not_found(),
    }
}

// ---- remote path mappings -----------------------------------------------------------------

fn mapping_json(id: i64, m: &RemotePathMapping) -> Value {
    json!({"id": id, "host": m.host, "remotePath": m.remote_path, "localPath": m.local_path})
}

fn parse_mapping(
    st: &ServarrState,
    body: &Bytes,
    except: Option<i64>,
) -> Result<RemotePathMapping, Response> {
    let o = object(body, &["id", "host", "remotePath", "localPath"])?;
    let m = RemotePathMapping {
        host: text(&o, "host"),
        remote_path: text(&o, "remotePath"),
        local_path: text(&o, "localPath"),
    };
    let mut failures = Vec::new();
    if m.host.is_empty() {
        failures.push(Failure::new("Host", "'Host' must not be empty."));
    }
    if m.remote_path.is_empty() {
        failures.push(Failure::new(
            "RemotePath",
            "'Remote Path' must not be empty.",
        ));
    }
    if !m.local_path.starts_with('/') || !local_path(st, &m.local_path).is_dir() {
        failures.push(
            Failure::new("LocalPath", "Folder does not exist").with_value(json!(m.local_path)),
        );
    }
    if st.remote_path_mappings.iter().any(|(id, x)| {
        Some(*id) != except
            && x.host.eq_ignore_ascii_case(&m.host)
            && x.remote_path == m.remote_path
    }) {
        failures.push(Failure::new("RemotePath", "RemotePath already configured."));
    }
    if failures.is_empty() {
        Ok(m)
    } else {
        Err(invalid(failures))
    }
}

pub(super) async fn list_mappings(State(s): State<Shared>) -> Json<Value> {
    let st = s.lock();
    Json(Value::Array(
        st.remote_path_mappings
            .iter()
            .map(|(id, m)| mapping_json(*id, m))
            .collect(),
    ))
}

pub(super) async fn get_mapping(State(s): State<Shared>, Path(id): Path<i64>) -> Response {
    match s.lock().remote_path_mappings.get(&id) {
        Some(m) => Json(mapping_json(id, m)).into_response(),
        None => not_found(),
    }
}

pub(super) async fn create_mapping(State(s): State<Shared>, body: Bytes) -> Response {
    let mut st = s.lock();
    let m = match parse_mapping(&st, &body, None) {
        Ok(m) => m,
        Err(r) => return r,
    };
    let id = st.next_id();
    let out = mapping_json(id, &m);
    st.remote_path_mappings.insert(id, m);
    (StatusCode::CREATED, Json(out)).into_response()
}

pub(super) async fn update_mapping(
    State(s): State<Shared>,
    Path(id): Path<i64>,
    body: Bytes,
) -> Response {
    let mut st = s.lock();
    if !st.remote_path_mappings.contains_key(&id) {
        return not_found();
    }
    let m = match parse_mapping(&st, &body, Some(id)) {
        Ok(m) => m,
        Err(r) => return r,
    };
    let out = mapping_json(id, &m);
    st.remote_path_mappings.insert(id, m);
    (StatusCode::ACCEPTED, Json(out)).into_response()
}

pub(super) async fn delete_mapping(State(s): State<Shared>, Path(id): Path<i64>) -> Response {
    match s.lock().remote_path_mappings.remove(&id) {
        Some(_) => Json(json!({})).into_response(),
        None => not_found(),
    }
}

// ---- tags and profiles --------------------------------------------------------------------

fn parse_tag(st: &ServarrState, body: &Bytes, except: Option<i64>) -> Result<String, Response> {
    let o = object(body, &["id", "label"])?;
    let label = text(&o, "label").to_lowercase();
    if label.is_empty() || !label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err(invalid(vec![Failure::new(
            "Label",
            "Allowed characters a-z, 0-9 and -",
        )
        .with_value(json!(label))]));
    }
    if st
        .tags
        .iter()
        .any(|(id, l)| Some(*id) != except && *l == label)
    {
        return Err(invalid(vec![
            Failure::new("Label", "Should be unique").with_value(json!(label))
        ]));
    }
    Ok(label)
}

pub(super) async fn list_tags(State(s): State<Shared>) -> Json<Value> {
    let st = s.lock();
    Json(Value::Array(
        st.tags
            .iter()
            .map(|(id, l)| json!({"id": id, "label": l}))
            .collect(),
    ))
}

pub(super) async fn get_tag(State(s): State<Shared>, Path(id): Path<i64>) -> Response {
    match s.lock().tags.get(&id) {
        Some(l) => Json(json!({"id": id, "label": l})).into_response(),
        None => not_found(),
    }
}

pub(super) async fn create_tag(State(s): State<Shared>, body: Bytes) -> Response {
    let mut st = s.lock();
    let label = match parse_tag(&st, &body, None) {
        Ok(l) => l,
        Err(r) => return r,
    };
    let id = st.next_id();
    st.tags.insert(id, label.clone());
    (StatusCode::CREATED, Json(json!({"id": id, "label": label}))).into_response()
}

pub(super) async fn update_tag(
    State(s): State<Shared>,
    Path(id): Path<i64>,
    body: Bytes,
) -> Response {
    let mut st = s.lock();
    if !st.tags.contains_key(&id) {
        return not_found();
    }
    let label = match parse_tag(&st, &body, Some(id)) {
        Ok(l) => l,
        Err(r) => return r,
    };
    st.tags.insert(id, label.clone());
    (
        StatusCode::ACCEPTED,
        Json(json!({"id": id, "label": label})),
    )
        .into_response()
}

pub(super) async fn delete_tag(State(s): State<Shared>, Path(id): Path<i64>) -> Response {
    match s.lock().tags.remove(&id) {
        Some(_) => Json(json!({})).into_response(),
        None => not_found(),
    }
}

pub(super) async fn quality_profiles() -> Json<Value> {
    Json(json!([
        {"id": 1, "name": "Any", "upgradeAllowed": false, "cutoff": 1, "items": []},
        {"id": 4, "name": "HD-1080p", "upgradeAllowed": true, "cutoff": 7, "items": []},
    ]))
}

pub(super) async fn metadata_profiles() -> Json<Value> {
    Json(json!([{"id": 1, "name": "Standard"}, {"id": 2, "name": "None"}]))
}

pub(super) async fn language_profiles() -> Json<Value> {
    Json(json!([{"id": 1, "name": "Deprecated"}]))
}

// ---- health -------------------------------------------------------------------------------

fn item(app: ServarrApp, source: &str, kind: &str, message: String) -> Value {
    let anchor = source.to_lowercase();
    json!({
        "source": source,
        "type": kind,
        "message": message,
        "wikiUrl": format!("https://wiki.servarr.com/{}/system#{anchor}", app.name().to_lowercase()),
    })
}

/// Applies the first remote path mapping for `host` whose remote path prefixes `path`.
fn map_path(st: &ServarrState, host: &str, path: &str) -> String {
    for m in st.remote_path_mappings.values() {
        let remote = m.remote_path.trim_end_matches('/');
        if m.host.eq_ignore_ascii_case(host)
            && (path == remote || path.starts_with(&format!("{remote}/")))
        {
            return format!(
                "{}{}",
                m.local_path.trim_end_matches('/'),
                &path[remote.len()..]
            );
        }
    }
    path.to_string()
}

/// `GET /health`: computed on every call, from state and live calls to the download clients
/// (the real apps check on a schedule).
pub(super) async fn health(State(s): State<Shared>) -> Json<Value> {
    let (app, clients, indexers, roots) = {
        let st = s.lock();
        let clients: Vec<Provider> = st
            .download_clients
            .all()
            .filter(|p| p.prop_flag("enable", true))
            .cloned()
            .collect();
        let indexers: Vec<Provider> = st.indexers.all().cloned().collect();
        let roots: Vec<String> = st.root_folders.values().map(|r| text(r, "path")).collect();
        (st.app, clients, indexers, roots)
    };
    let mut out = Vec::new();
    if app == ServarrApp::Prowlarr {
        out.extend(prowlarr::health_items(&s).await);
    } else {
        if clients.is_empty() {
            out.push(item(
                app,
                "DownloadClientCheck",
                "warning",
                "No download client is available".into(),
            ));
        }
        for p in &clients {
            match clients::probe(app, p, clients::Mode::Status).await {
                Err(f) => {
                    let why = f
                        .first()
                        .map(|f| f.error_message.clone())
                        .unwrap_or_default();
                    out.push(item(
                        app,
                        "DownloadClientCheck",
                        "error",
                        format!("Unable to communicate with {}. {why}", p.name),
                    ));
                }
                Ok(path) if !path.is_empty() => {
                    let st = s.lock();
                    let mapped = map_path(&st, &p.text("host"), &path);
                    if !local_path(&st, &mapped).is_dir() {
                        out.push(item(
                            app,
                            "RemotePathMappingCheck",
                            "error",
                            format!(
                                "Download client {} places downloads in {path} but {} cannot see this directory. \
                                 You may need to adjust the download client's folders or add a remote path mapping.",
                                p.name,
                                app.name()
                            ),
                        ));
                    }
                }
                Ok(_) => {}
            }
        }
        let missing: Vec<&String> = {
            let st = s.lock();
            roots
                .iter()
                .filter(|r| !local_path(&st, r).is_dir())
                .collect()
        };
        if !missing.is_empty() {
            let list: Vec<&str> = missing.iter().map(|s| s.as_str()).collect();
            let label = if list.len() == 1 {
                "Missing root folder"
            } else {
                "Missing root folders"
            };
            out.push(item(
                app,
                "RootFolderCheck",
                "error",
                format!("{label}: {}", list.join(", ")),
            ));
        }
        if !indexers
            .iter()
            .any(|i| i.prop_flag("enableAutomaticSearch", true))
        {
            out.push(item(
                app,
                "IndexerSearchCheck",
                "warning",
                format!(
                    "No indexers available with Automatic Search enabled, {} will not provide any automatic search results",
                    app.name()
                ),
            ));
        }
    }
    for (i, v) in out.iter_mut().enumerate() {
        v["id"] = json!(i + 1);
    }
    Json(Value::Array(out))
}
