//! The startup wizard: open to anyone until completed, then administrators only.

use super::*;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StartupConfiguration {
    #[serde(rename = "UICulture")]
    ui_culture: String,
    #[serde(rename = "MetadataCountryCode")]
    metadata_country_code: String,
    #[serde(rename = "PreferredMetadataLanguage")]
    preferred_metadata_language: String,
}

pub(super) async fn startup_get(
    State(s): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let st = s.lock();
    if let Err(r) = setup_or_admin(&st, &headers, &q) {
        return r;
    }
    Json(st.startup.clone()).into_response()
}

pub(super) async fn startup_post(
    State(s): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    let mut st = s.lock();
    if let Err(r) = setup_or_admin(&st, &headers, &q) {
        return r;
    }
    let c: StartupConfiguration = match strict(&body) {
        Ok(c) => c,
        Err(r) => return r,
    };
    st.startup = json!({
        "UICulture": c.ui_culture,
        "MetadataCountryCode": c.metadata_country_code,
        "PreferredMetadataLanguage": c.preferred_metadata_language,
    });
    StatusCode::NO_CONTENT.into_response()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StartupUser {
    #[serde(rename = "Name")]
    name: String,
    #[serde(rename = "Password")]
    password: String,
}

pub(super) async fn startup_user_get(
    State(s): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let st = s.lock();
    if let Err(r) = setup_or_admin(&st, &headers, &q) {
        return r;
    }
    // The password is never shown.
    Json(json!({"Name": st.users[0].name, "Password": null})).into_response()
}

pub(super) async fn startup_user_post(
    State(s): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    let mut st = s.lock();
    if let Err(r) = setup_or_admin(&st, &headers, &q) {
        return r;
    }
    let u: StartupUser = match strict(&body) {
        Ok(u) => u,
        Err(r) => return r,
    };
    if u.name.trim().is_empty() {
        return bad("Name must not be empty");
    }
    st.users[0].name = u.name.trim().to_string();
    st.users[0].password = u.password;
    StatusCode::NO_CONTENT.into_response()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RemoteAccess {
    #[serde(rename = "EnableRemoteAccess")]
    enable_remote_access: bool,
    #[serde(rename = "EnableAutomaticPortMapping", default)]
    enable_automatic_port_mapping: bool,
}

pub(super) async fn startup_remote(
    State(s): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    let mut st = s.lock();
    if let Err(r) = setup_or_admin(&st, &headers, &q) {
        return r;
    }
    let r: RemoteAccess = match strict(&body) {
        Ok(r) => r,
        Err(r) => return r,
    };
    st.remote_access = json!({
        "EnableRemoteAccess": r.enable_remote_access,
        "EnableAutomaticPortMapping": r.enable_automatic_port_mapping,
    });
    StatusCode::NO_CONTENT.into_response()
}

pub(super) async fn startup_complete(
    State(s): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let mut st = s.lock();
    if let Err(r) = setup_or_admin(&st, &headers, &q) {
        return r;
    }
    st.wizard_completed = true;
    StatusCode::NO_CONTENT.into_response()
}
