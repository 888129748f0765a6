//! Libraries (virtual folders): collection types from Jellyfin's list, paths that exist.

use super::*;

pub(super) const COLLECTION_TYPES: &[&str] = &[
    "movies",
    "tvshows",
    "music",
    "musicvideos",
    "homevideos",
    "boxsets",
    "books",
    "mixed",
];

pub(super) fn library_json(l: &Library) -> Value {
    json!({
        "Name": l.name,
        "Locations": l.locations,
        "CollectionType": l.collection_type,
        "ItemId": l.item_id,
        "RefreshStatus": "Idle",
        "LibraryOptions": {"PathInfos": l.locations.iter().map(|p| json!({"Path": p})).collect::<Vec<_>>()},
    })
}

pub(super) fn path_exists(st: &JellyfinState, path: &str) -> bool {
    let local = match &st.fs_root {
        Some(root) => root.join(path.trim_start_matches('/')),
        None => PathBuf::from(path),
    };
    path.starts_with('/') && local.is_dir()
}

pub(super) async fn libraries(
    State(s): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let st = s.lock();
    if let Err(r) = setup_or_admin(&st, &headers, &q) {
        return r;
    }
    Json(Value::Array(
        st.libraries.iter().map(library_json).collect(),
    ))
    .into_response()
}

/// `POST /Library/VirtualFolders?name=&collectionType=&paths=&refreshLibrary=` (query only; an
/// optional body carries `LibraryOptions`).
pub(super) async fn add_library(
    State(s): State<Shared>,
    headers: HeaderMap,
    uri: axum::http::Uri,
    body: Bytes,
) -> Response {
    let pairs: Vec<(String, String)> = uri
        .query()
        .and_then(|q| serde_urlencoded::from_str(q).ok())
        .unwrap_or_default();
    let q: HashMap<String, String> = pairs.iter().cloned().collect();
    let mut st = s.lock();
    if let Err(r) = setup_or_admin(&st, &headers, &q) {
        return r;
    }
    for (k, _) in &pairs {
        if !matches!(
            k.as_str(),
            "name" | "collectionType" | "paths" | "refreshLibrary" | "api_key" | "ApiKey"
        ) {
            return bad(format!("unknown query parameter '{k}'"));
        }
    }
    if !body.is_empty() {
        match serde_json::from_slice::<Value>(&body) {
            Ok(Value::Object(o)) if o.keys().all(|k| k == "LibraryOptions") => {}
            _ => return bad("the body may only hold LibraryOptions"),
        }
    }
    let name = q
        .get("name")
        .map(|n| n.trim().to_string())
        .unwrap_or_default();
    if name.is_empty() {
        return bad("name is required");
    }
    let ct = q.get("collectionType").cloned().unwrap_or_default();
    if !COLLECTION_TYPES.contains(&ct.as_str()) {
        return bad(format!(
            "collectionType must be one of {}",
            COLLECTION_TYPES.join(", ")
        ));
    }
    if st
        .libraries
        .iter()
        .any(|l| l.name.eq_ignore_ascii_case(&name))
    {
        return bad(format!(
            "A media library with the name {name} already exists."
        ));
    }
    let paths: Vec<String> = pairs
        .iter()
        .filter(|(k, _)| k == "paths")
        .flat_map(|(_, v)| v.split(',').map(|p| p.trim().to_string()))
        .filter(|p| !p.is_empty())
        .collect();
    for p in &paths {
        if !path_exists(&st, p) {
            return bad(format!("The path {p} does not exist."));
        }
    }
    st.libraries.push(Library {
        name,
        collection_type: ct,
        locations: paths,
        item_id: hex_id(),
    });
    StatusCode::NO_CONTENT.into_response()
}

pub(super) async fn remove_library(
    State(s): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let mut st = s.lock();
    if let Err(r) = admin(&st, &headers, &q) {
        return r;
    }
    let name = q.get("name").cloned().unwrap_or_default();
    let before = st.libraries.len();
    st.libraries.retain(|l| !l.name.eq_ignore_ascii_case(&name));
    if st.libraries.len() == before {
        return StatusCode::NOT_FOUND.into_response();
    }
    StatusCode::NO_CONTENT.into_response()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AddPath {
    #[serde(rename = "Name")]
    name: String,
    #[serde(rename = "Path", default)]
    path: Option<String>,
    #[serde(rename = "PathInfo", default)]
    path_info: Option<PathInfo>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PathInfo {
    #[serde(rename = "Path")]
    path: String,
}

pub(super) async fn add_path(
    State(s): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    let mut st = s.lock();
    if let Err(r) = admin(&st, &headers, &q) {
        return r;
    }
    let a: AddPath = match strict(&body) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let Some(path) = a.path.or(a.path_info.map(|p| p.path)) else {
        return bad("Path or PathInfo is required");
    };
    if !path_exists(&st, &path) {
        return bad(format!("The path {path} does not exist."));
    }
    let Some(l) = st
        .libraries
        .iter_mut()
        .find(|l| l.name.eq_ignore_ascii_case(&a.name))
    else {
        return StatusCode::NOT_FOUND.into_response();
    };
    if !l.locations.contains(&path) {
        l.locations.push(path);
    }
    StatusCode::NO_CONTENT.into_response()
}
