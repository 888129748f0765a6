//! Sign-in, users and API keys.

use super::*;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AuthenticateByName {
    #[serde(rename = "Username")]
    username: String,
    #[serde(rename = "Pw")]
    pw: String,
}

pub(super) async fn authenticate(
    State(s): State<Shared>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let auth = headers
        .get("authorization")
        .or_else(|| headers.get("x-emby-authorization"))
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    // Jellyfin needs to know the client: Client, Device, DeviceId and Version.
    for k in ["Client", "Device", "DeviceId", "Version"] {
        if auth_param(&auth, k).is_none_or(|v| v.is_empty()) {
            return bad(format!(
                "the Authorization header must name the client: {k} is missing"
            ));
        }
    }
    let a: AuthenticateByName = match strict(&body) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let mut st = s.lock();
    let Some(u) = st
        .users
        .iter()
        .find(|u| u.name.eq_ignore_ascii_case(&a.username) && u.password == a.pw)
        .cloned()
    else {
        return (StatusCode::UNAUTHORIZED, "Error processing request.").into_response();
    };
    let token = hex_id();
    st.sessions.insert(token.clone(), u.id.clone());
    Json(json!({
        "User": user_json(&st, &u),
        "SessionInfo": {"UserId": u.id, "UserName": u.name, "Client": auth_param(&auth, "Client")},
        "AccessToken": token,
        "ServerId": st.server_id,
    }))
    .into_response()
}

pub(super) async fn users(
    State(s): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let st = s.lock();
    if let Err(r) = admin(&st, &headers, &q) {
        return r;
    }
    Json(Value::Array(
        st.users.iter().map(|u| user_json(&st, u)).collect(),
    ))
    .into_response()
}

pub(super) async fn me(
    State(s): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let st = s.lock();
    let Some(t) = token(&headers, &q) else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    match st
        .sessions
        .get(&t)
        .and_then(|id| st.users.iter().find(|u| &u.id == id))
    {
        Some(u) => Json(user_json(&st, u)).into_response(),
        None => StatusCode::UNAUTHORIZED.into_response(),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewUser {
    #[serde(rename = "Name")]
    name: String,
    #[serde(rename = "Password", default)]
    password: Option<String>,
}

pub(super) async fn new_user(
    State(s): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    let mut st = s.lock();
    if let Err(r) = admin(&st, &headers, &q) {
        return r;
    }
    let n: NewUser = match strict(&body) {
        Ok(n) => n,
        Err(r) => return r,
    };
    let name = n.name.trim().to_string();
    if name.is_empty() {
        return bad("Name must not be empty");
    }
    if st.users.iter().any(|u| u.name.eq_ignore_ascii_case(&name)) {
        return bad(format!("A user with the name '{name}' already exists."));
    }
    let u = JellyfinUser {
        id: hex_id(),
        name,
        password: n.password.unwrap_or_default(),
        is_admin: false,
    };
    let out = user_json(&st, &u);
    st.users.push(u);
    Json(out).into_response()
}

pub(super) async fn keys(
    State(s): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let st = s.lock();
    if let Err(r) = admin(&st, &headers, &q) {
        return r;
    }
    let items: Vec<Value> = st
        .api_keys
        .iter()
        .enumerate()
        .map(|(i, k)| json!({"Id": i + 1, "AccessToken": k.token, "AppName": k.app_name, "IsActive": true, "DateCreated": "2025-01-01T00:00:00Z"}))
        .collect();
    Json(json!({"Items": items, "TotalRecordCount": st.api_keys.len(), "StartIndex": 0}))
        .into_response()
}

pub(super) async fn create_key(
    State(s): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let mut st = s.lock();
    if let Err(r) = admin(&st, &headers, &q) {
        return r;
    }
    let Some(app) = q.get("app").filter(|a| !a.trim().is_empty()) else {
        return bad("the query parameter 'app' is required");
    };
    st.api_keys.push(ApiKey {
        token: hex_id(),
        app_name: app.trim().to_string(),
    });
    StatusCode::NO_CONTENT.into_response()
}

pub(super) async fn delete_key(
    State(s): State<Shared>,
    axum::extract::Path(key): axum::extract::Path<String>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let mut st = s.lock();
    if let Err(r) = admin(&st, &headers, &q) {
        return r;
    }
    let before = st.api_keys.len();
    st.api_keys.retain(|k| k.token != key);
    if st.api_keys.len() == before {
        return StatusCode::NOT_FOUND.into_response();
    }
    StatusCode::NO_CONTENT.into_response()
}
