//! One wiring pass: every link the installed apps call for is brought to its desired state,
//! every stored link they no longer call for is taken down.
//!
//! Per link: skip it while disabled, while an end is not ready, while backing off, or while held
//! after a refused credential (until the settings change or a user repairs); otherwise read what
//! the apps have ([`observe`], reads only), and write only when that differs ([`apply`]), the
//! app's own test deciding whether it worked. A link that was `ok` and is found changed is
//! reported `drifted` before it is repaired.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use chrono::Utc;
use kubarr_db::entities::wiring_links::Model;
use kubarr_db::queries::wiring as rows;
use kubarr_orchestrator::AppName;
use serde_json::json;
use sha2::{Digest, Sha256};

use super::clients::{self, ClientError};
use super::graph::{self, DesiredLink, LinkKind};
use super::http::{scrub, AppApi, CallError};
use super::servarr::{self, Flavor, Found, Provider, Servarr};
use super::{LinkView, WiringEvent};
use crate::apps::credentials::AppCredentials;
use crate::apps::{AppStatus, LiveState};
use crate::audit::{Audit, AuditAction};
use crate::state::AppState;

/// The longest back-off between automatic attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(30 * 60);

/// What a pass did, for logs and tests.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PassReport {
    /// Links found as wanted.
    pub in_sync: usize,
    /// Links created or repaired.
    pub applied: usize,
    pub failed: usize,
    /// Links skipped (disabled, not ready, backing off, held).
    pub skipped: usize,
    pub removed: usize,
}

/// Why a link could not be checked or set up.
struct Failure {
    message: String,
    /// A refused credential: hold until the settings change.
    refused: bool,
}

impl Failure {
    fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            refused: false,
        }
    }
}

/// Everything a link needs from Kubarr, built before any call.
struct Plan {
    spec: Spec,
    /// The API key of the app that holds the object (the link's `from`).
    key: String,
    /// That app's API.
    flavor: Flavor,
    /// Digest of the wanted settings (secrets included): a change means "apply".
    fingerprint: String,
    secrets: Vec<String>,
}

enum Spec {
    DownloadClient {
        arr: String,
        client: Client,
        provider: Provider,
    },
    Application {
        prowlarr: String,
        provider: Provider,
    },
    RootFolder {
        arr: String,
        path: String,
        display: String,
    },
}

/// The download client's side of an arr → client link.
struct Client {
    base: String,
    chart: String,
    username: String,
    password: String,
    category: String,
}

/// One pass over every link (one at a time per replica).
pub async fn pass(state: &AppState) -> anyhow::Result<PassReport> {
    let wiring = &state.wiring;
    let _one = wiring.pass.lock().await;
    let statuses: BTreeMap<String, AppStatus> = state
        .apps
        .list()
        .await?
        .into_iter()
        .map(|s| (s.name.clone(), s))
        .collect();
    let installed: BTreeSet<String> = statuses
        .values()
        .filter(|s| !matches!(s.state, LiveState::NotInstalled | LiveState::Uninstalling))
        .map(|s| s.name.clone())
        .collect();
    let catalog = state.apps.catalog();
    let desired = graph::desired(&catalog, &installed);
    let mut stored: BTreeMap<String, Model> = rows::list(&state.db)
        .await?
        .into_iter()
        .map(|r| (r.id.clone(), r))
        .collect();
    let mut report = PassReport::default();
    for link in &desired {
        let id = link.id();
        let row = match stored.remove(&id) {
            Some(row) => row,
            None => {
                rows::insert_pending(
                    &state.db,
                    &id,
                    &link.from,
                    &link.to,
                    link.kind.as_str(),
                    Utc::now(),
                )
                .await?;
                let row = rows::find(&state.db, &id)
                    .await?
                    .ok_or_else(|| anyhow::anyhow!("link {id} vanished"))?;
                publish(state, &row);
                row
            }
        };
        reconcile_link(state, link, row, &statuses, &mut report).await?;
    }
    // What is left is stored but no longer called for.
    for row in stored.into_values() {
        if !row.enabled {
            // The user's "off" outlives the apps.
            continue;
        }
        if take_down(state, &row, &statuses).await {
            rows::delete(&state.db, &row.id).await?;
            wiring.publish(WiringEvent::Removed {
                id: row.id.clone(),
                from: row.from_app.clone(),
                to: row.to_app.clone(),
            });
            report.removed += 1;
        }
    }
    Ok(report)
}

async fn reconcile_link(
    state: &AppState,
    link: &DesiredLink,
    mut row: Model,
    statuses: &BTreeMap<String, AppStatus>,
    report: &mut PassReport,
) -> anyhow::Result<()> {
    let now = Utc::now();
    if !row.enabled {
        report.skipped += 1;
        return Ok(());
    }
    let catalog = state.apps.catalog();
    let display = |app: &str| {
        catalog
            .get(app)
            .map(|e| e.display_name.clone())
            .unwrap_or_else(|| app.to_owned())
    };
    for app in [&link.from, &link.to] {
        if statuses.get(app).map(|s| s.state) != Some(LiveState::Installed) {
            report.skipped += 1;
            if row.state != "ok" {
                let message = format!("Waiting for {} to be ready.", display(app));
                set(state, &mut row, "pending", Some(message), None).await?;
            }
            return Ok(());
        }
    }
    let plan = match plan(state, link).await {
        Ok(plan) => plan,
        Err(f) => {
            report.failed += 1;
            fail(state, &mut row, f, None).await?;
            return Ok(());
        }
    };
    let unchanged = row.fingerprint.as_deref() == Some(plan.fingerprint.as_str());
    if row.held && unchanged {
        report.skipped += 1;
        return Ok(());
    }
    if !unchanged {
        row.held = false;
        row.retry_at = None;
    }
    if row.retry_at.is_some_and(|t| t > now) {
        report.skipped += 1;
        return Ok(());
    }
    let client = &state.gateway.client;
    let observed = observe(client, &plan).await;
    let outcome = match observed {
        Err(f) => Err(f),
        Ok(Observation::InSync) if unchanged && row.state == "ok" => {
            report.in_sync += 1;
            row.checked_at = Some(now);
            rows::save(&state.db, row).await?;
            return Ok(());
        }
        Ok(observation) => {
            let drift = match &observation {
                Observation::Drifted(why) => Some(why.clone()),
                Observation::Missing => Some(format!(
                    "What Kubarr set up in {} was removed.",
                    display(&link.from)
                )),
                Observation::InSync => None,
            };
            if let (Some(why), "ok") = (drift, row.state.as_str()) {
                let message = scrub(&why, &secrets_of(&plan));
                set(state, &mut row, "drifted", Some(message), None).await?;
            }
            apply(client, &plan, observation).await
        }
    };
    match outcome {
        Ok(()) => {
            report.applied += 1;
            let was = row.state.clone();
            row.failures = 0;
            row.retry_at = None;
            row.held = false;
            row.fingerprint = Some(plan.fingerprint.clone());
            set(state, &mut row, "ok", None, Some(now)).await?;
            if was != "ok" || !unchanged {
                audit_system(state, AuditAction::WiringLinkApplied, &row, &was).await?;
            }
        }
        Err(f) => {
            report.failed += 1;
            let f = Failure {
                message: scrub(&f.message, &secrets_of(&plan)),
                refused: f.refused,
            };
            fail(state, &mut row, f, Some(plan.fingerprint)).await?;
        }
    }
    Ok(())
}

fn secrets_of(plan: &Plan) -> Vec<&str> {
    plan.secrets.iter().map(String::as_str).collect()
}

/// Records a failure: held after a refused credential, else backing off exponentially.
async fn fail(
    state: &AppState,
    row: &mut Model,
    f: Failure,
    fingerprint: Option<String>,
) -> anyhow::Result<()> {
    let now = Utc::now();
    row.failures = row.failures.saturating_add(1);
    row.held = f.refused;
    if fingerprint.is_some() {
        row.fingerprint = fingerprint;
    }
    let shift = u32::try_from(row.failures.clamp(1, 12) - 1).unwrap_or(0);
    let backoff = (Duration::from_secs(15) * 2u32.pow(shift)).min(MAX_BACKOFF);
    row.retry_at = Some(now + chrono::Duration::from_std(backoff).unwrap_or_default());
    let message = if f.refused {
        format!(
            "{} Kubarr will not try again on its own (repeated failed sign-ins get an address banned); fix the password, then choose Repair.",
            f.message
        )
    } else {
        f.message
    };
    set(state, row, "failed", Some(message), Some(now)).await
}

/// Stores a new state and message, publishing the change when they differ from before.
async fn set(
    state: &AppState,
    row: &mut Model,
    new_state: &str,
    message: Option<String>,
    checked_at: Option<chrono::DateTime<Utc>>,
) -> anyhow::Result<()> {
    let changed = row.state != new_state || row.message != message;
    row.state = new_state.to_owned();
    row.message = message;
    if checked_at.is_some() {
        row.checked_at = checked_at;
    }
    row.updated_at = Utc::now();
    *row = rows::save(&state.db, row.clone()).await?;
    if changed {
        publish(state, row);
    }
    Ok(())
}

pub(crate) fn publish(state: &AppState, row: &Model) {
    let detail = graph::detail(&state.apps.catalog(), row);
    if let Some(view) = LinkView::from_row(row, detail) {
        state.wiring.publish(WiringEvent::Changed(view));
    }
}

async fn audit_system(
    state: &AppState,
    action: AuditAction,
    row: &Model,
    was: &str,
) -> anyhow::Result<()> {
    Audit::anonymous(None)
        .record(
            &state.db,
            action,
            "wiring_link",
            row.id.clone(),
            json!({"from": row.from_app, "to": row.to_app, "kind": row.kind, "was": was, "now": row.state}),
        )
        .await?;
    Ok(())
}

/// Where Kubarr and the other apps reach `app`'s API: `http://host:port`.
async fn endpoint(state: &AppState, app: &str) -> Result<String, Failure> {
    if let Some(fixed) = state.wiring.endpoint_override(app) {
        return Ok(fixed);
    }
    let name = AppName::parse(app).map_err(|_| Failure::new(format!("`{app}` is no app name")))?;
    match crate::gateway::serve::upstream_of(state, &name).await {
        Ok(Some(upstream)) => Ok(format!("http://{upstream}")),
        Ok(None) => Err(Failure::new(format!("{app} is not installed"))),
        Err(_) => Err(Failure::new(format!("cannot look up where {app} listens"))),
    }
}

/// The credentials Kubarr generated for `app`.
async fn credentials_of(state: &AppState, app: &str) -> Result<AppCredentials, Failure> {
    let missing = || {
        Failure::new(format!(
            "Kubarr has no credentials for {app} (it was installed before Kubarr generated them); reinstall it onto its data to give it some."
        ))
    };
    let sealed = kubarr_db::queries::app_credentials::find(&state.db, app)
        .await
        .map_err(|_| Failure::new("the database is unavailable"))?
        .ok_or_else(missing)?;
    let clear = state.secret_key.decrypt(&sealed).map_err(|_| missing())?;
    serde_json::from_str(&clear).map_err(|_| missing())
}

fn host_port(base: &str) -> Option<(String, u16)> {
    let authority = base.split("://").nth(1)?.split('/').next()?;
    let (host, port) = authority.rsplit_once(':')?;
    Some((host.trim_matches(['[', ']']).to_owned(), port.parse().ok()?))
}

async fn plan(state: &AppState, link: &DesiredLink) -> Result<Plan, Failure> {
    let catalog = state.apps.catalog();
    let entry = |app: &str| {
        catalog
            .get(app)
            .ok_or_else(|| Failure::new(format!("{app} is not in the catalog")))
    };
    let flavor = |app: &str| {
        Flavor::of(app).ok_or_else(|| Failure::new(format!("Kubarr cannot set up {app} yet")))
    };
    let from = entry(&link.from)?;
    let from_base = endpoint(state, &link.from).await?;
    let mut secrets = Vec::new();
    let spec = match link.kind {
        LinkKind::RootFolder => Spec::RootFolder {
            arr: from_base,
            path: from.wiring.root_folder().unwrap_or_default(),
            display: from.display_name.clone(),
        },
        LinkKind::DownloadClient => {
            let to = entry(&link.to)?;
            let media = from.wiring.media.clone().unwrap_or_default();
            let to_base = endpoint(state, &link.to).await?;
            let (host, port) = host_port(&to_base)
                .ok_or_else(|| Failure::new(format!("cannot tell where {} listens", link.to)))?;
            let creds = credentials_of(state, &link.to).await?;
            secrets.push(creds.password.clone());
            let target = servarr::ClientTarget {
                chart: &link.to,
                display: &to.display_name,
                host: &host,
                port,
                username: &creds.username,
                password: &creds.password,
            };
            let provider = servarr::download_client(flavor(&link.from)?, &target, &media)
                .ok_or_else(|| Failure::new(format!("Kubarr cannot set up {} yet", link.to)))?;
            Spec::DownloadClient {
                arr: from_base,
                client: Client {
                    base: to_base,
                    chart: link.to.clone(),
                    username: creds.username,
                    password: creds.password,
                    category: media,
                },
                provider,
            }
        }
        LinkKind::Application => {
            let to = entry(&link.to)?;
            let arr_base = endpoint(state, &link.to).await?;
            let arr_key = credentials_of(state, &link.to).await?.api_key;
            secrets.push(arr_key.clone());
            let provider = servarr::application(
                flavor(&link.to)?,
                &to.display_name,
                &from_base,
                &arr_base,
                &arr_key,
            );
            Spec::Application {
                prowlarr: from_base,
                provider,
            }
        }
    };
    // The app whose API is called, with its key.
    let key = credentials_of(state, &link.from).await?.api_key;
    secrets.push(key.clone());
    let mut digest = Sha256::new();
    digest.update(link.id());
    match &spec {
        Spec::DownloadClient {
            provider, client, ..
        } => {
            digest.update(provider_digest(provider));
            digest.update(&client.base);
        }
        Spec::Application { provider, .. } => digest.update(provider_digest(provider)),
        Spec::RootFolder { path, .. } => digest.update(path),
    }
    digest.update(&key);
    Ok(Plan {
        flavor: flavor(&link.from)?,
        key,
        spec,
        fingerprint: hex::encode(digest.finalize()),
        secrets,
    })
}

fn provider_digest(p: &Provider) -> String {
    json!([p.name, p.implementation, p.props, p.fields, p.secrets]).to_string()
}

/// What the apps have, compared with the plan.
enum Observation {
    InSync,
    Missing,
    /// Found, but changed (the words say how), with the object's id when it exists.
    Drifted(String),
}

fn call_failure(app: &str, e: CallError) -> Failure {
    let message = servarr::describe(&e);
    Failure {
        refused: servarr::is_auth_failure(&message, &e),
        message: format!("{app}: {message}"),
    }
}

fn client_failure(e: ClientError) -> Failure {
    match e {
        ClientError::Refused(_) => Failure {
            message: e.to_string(),
            refused: true,
        },
        other => Failure::new(other.to_string()),
    }
}

async fn observe(
    client: &hyper_util::client::legacy::Client<crate::gateway::dial::Dialer, axum::body::Body>,
    plan: &Plan,
) -> Result<Observation, Failure> {
    let key = plan.key.as_str();
    match &plan.spec {
        Spec::RootFolder { arr, path, .. } => {
            let api = Servarr::new(client, arr, plan.flavor, key);
            match api.has_root_folder(path).await {
                Ok(true) => Ok(Observation::InSync),
                Ok(false) => Ok(Observation::Missing),
                Err(e) => Err(call_failure("the app", e)),
            }
        }
        Spec::DownloadClient {
            arr,
            client: dc,
            provider,
        } => {
            let side = client_side(client, dc, false).await?;
            let api = Servarr::new(client, arr, plan.flavor, key);
            let found = api
                .find(provider)
                .await
                .map_err(|e| call_failure("the arr", e))?;
            let health = api
                .health_about(&provider.name)
                .await
                .map_err(|e| call_failure("the arr", e))?;
            Ok(match (found, side, health) {
                (Found::Missing, _, _) => Observation::Missing,
                (Found::Differs(_, why), _, _) => {
                    Observation::Drifted(format!("{}: {why}.", provider.name))
                }
                (_, Some(why), _) => Observation::Drifted(why),
                (_, _, Some(says)) => Observation::Drifted(says),
                (Found::InSync(_), None, None) => Observation::InSync,
            })
        }
        Spec::Application { prowlarr, provider } => {
            let api = Servarr::new(client, prowlarr, plan.flavor, key);
            let found = api
                .find(provider)
                .await
                .map_err(|e| call_failure("Prowlarr", e))?;
            let health = api
                .health_about(&provider.name)
                .await
                .map_err(|e| call_failure("Prowlarr", e))?;
            Ok(match (found, health) {
                (Found::Missing, _) => Observation::Missing,
                (Found::Differs(_, why), _) => {
                    Observation::Drifted(format!("{}: {why}.", provider.name))
                }
                (_, Some(says)) => Observation::Drifted(says),
                (Found::InSync(_), None) => Observation::InSync,
            })
        }
    }
}

/// The client's own settings: `Some(why)` when they differ (with `fix`: made right first).
async fn client_side(
    client: &hyper_util::client::legacy::Client<crate::gateway::dial::Dialer, axum::body::Body>,
    dc: &Client,
    fix: bool,
) -> Result<Option<String>, Failure> {
    let api = AppApi::new(client, &dc.base);
    let differs = match dc.chart.as_str() {
        "qbittorrent" => clients::qbittorrent_category(
            &api,
            &dc.username,
            &dc.password,
            &dc.category,
            &servarr::torrent_dir(&dc.category),
            fix,
        )
        .await
        .map_err(client_failure)?
        .then(|| {
            format!(
                "qBittorrent's category `{}` was changed or removed.",
                dc.category
            )
        }),
        "deluge" => clients::deluge_label_plugin(&api, &dc.password, fix)
            .await
            .map_err(client_failure)?
            .then(|| "Deluge's Label plugin is off.".to_owned()),
        _ => None,
    };
    Ok(differs)
}

async fn apply(
    client: &hyper_util::client::legacy::Client<crate::gateway::dial::Dialer, axum::body::Body>,
    plan: &Plan,
    _observation: Observation,
) -> Result<(), Failure> {
    let key = plan.key.as_str();
    match &plan.spec {
        Spec::RootFolder { arr, path, display } => {
            let api = Servarr::new(client, arr, plan.flavor, key);
            if api
                .has_root_folder(path)
                .await
                .map_err(|e| call_failure("the app", e))?
            {
                return Ok(());
            }
            api.add_root_folder(path, display)
                .await
                .map_err(|e| call_failure("the app", e))
        }
        Spec::DownloadClient {
            arr,
            client: dc,
            provider,
        } => {
            client_side(client, dc, true).await?;
            let api = Servarr::new(client, arr, plan.flavor, key);
            upsert(&api, provider)
                .await
                .map_err(|e| call_failure("the arr", e))
        }
        Spec::Application { prowlarr, provider } => {
            let api = Servarr::new(client, prowlarr, plan.flavor, key);
            upsert(&api, provider)
                .await
                .map_err(|e| call_failure("Prowlarr", e))
        }
    }
}

/// Find-before-create: updates the object of that name if there is one, else creates it.
async fn upsert(api: &Servarr<'_>, provider: &Provider) -> Result<(), CallError> {
    let id = match api.find(provider).await? {
        Found::InSync(id) | Found::Differs(id, _) => Some(id),
        Found::Missing => None,
    };
    api.apply(provider, id).await
}

/// Takes a link down in the app that holds it; `true` once nothing is left to do.
async fn take_down(state: &AppState, row: &Model, statuses: &BTreeMap<String, AppStatus>) -> bool {
    let holder_ready = statuses.get(&row.from_app).map(|s| s.state) == Some(LiveState::Installed);
    let collection = match LinkKind::parse(&row.kind) {
        Some(LinkKind::DownloadClient) => "downloadclient",
        Some(LinkKind::Application) => "applications",
        // A root folder is the user's library: it stays.
        _ => return true,
    };
    if !holder_ready {
        // The holder is gone (or going): its objects go with it.
        return !statuses.contains_key(&row.from_app)
            || statuses.get(&row.from_app).map(|s| s.state) == Some(LiveState::Uninstalling);
    }
    let catalog = state.apps.catalog();
    let Some(flavor) = Flavor::of(&row.from_app) else {
        return true;
    };
    let display = catalog
        .get(&row.to_app)
        .map(|e| e.display_name.clone())
        .unwrap_or_else(|| row.to_app.clone());
    let (Ok(base), Ok(creds)) = (
        endpoint(state, &row.from_app).await,
        credentials_of(state, &row.from_app).await,
    ) else {
        return false;
    };
    let api = Servarr::new(&state.gateway.client, &base, flavor, &creds.api_key);
    match api.remove(collection, &servarr::owned_name(&display)).await {
        Ok(_) => {
            let _ = audit_system(state, AuditAction::WiringLinkRemoved, row, &row.state).await;
            true
        }
        Err(e) => {
            tracing::warn!(link = %row.id, error = %servarr::describe(&e), "taking a link down failed; retrying next pass");
            false
        }
    }
}
