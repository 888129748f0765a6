//! One wiring pass: every link the installed apps call for is brought to its desired state,
//! every stored link they no longer call for is taken down.
//!
//! Per link: skip it while disabled, while an end is not ready, while backing off, or while held
//! after a refused credential (until the settings change or a user repairs); otherwise read what
//! the apps have (`observe`, reads only), and write only when that differs (`apply`), the
//! app's own test deciding whether it worked. A link that was `ok` and is found changed is
//! reported `drifted` before it is repaired.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use chrono::{DateTime, Utc};
use kubarr_db::entities::wiring_links::Model;
use kubarr_db::queries::wiring as rows;
use serde_json::json;

use super::bazarr::{ArrConnection, Bazarr};
use super::graph::{self, DesiredLink, LinkKind};
use super::http::scrub;
use super::observe::{apply, observe, Observation};
use super::plan::{credentials_of, endpoint, plan, Failure, Plan};
use super::seerr::{ArrServer, Seerr};
use super::servarr::{self, Flavor, Servarr};
use super::{LinkView, WiringEvent};
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
    /// The earliest time a link backing off may be tried again: the leader's loop wakes then
    /// rather than at its next periodic recheck.
    pub next_retry: Option<DateTime<Utc>>,
}

impl PassReport {
    fn retry_at(&mut self, at: DateTime<Utc>) {
        self.next_retry = Some(self.next_retry.map_or(at, |t| t.min(at)));
    }
}
/// One pass over every link (one at a time per replica).
pub async fn pass(state: &AppState) -> anyhow::Result<PassReport> {
    // Each app's lists and health are read once per pass, however many links share them.
    super::http::PassReads::scope(one_pass(state)).await
}

async fn one_pass(state: &AppState) -> anyhow::Result<PassReport> {
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
        // Still waiting for what a user must give: no call, no new failure.
        Err(f) if f.refused && row.held => {
            report.skipped += 1;
            return Ok(());
        }
        Err(f) => {
            report.failed += 1;
            fail(state, &mut row, f, None, report).await?;
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
    if let Some(at) = row.retry_at.filter(|t| *t > now) {
        report.skipped += 1;
        report.retry_at(at);
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
            // What was read so far may change now.
            super::http::PassReads::forget_all();
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
            fail(state, &mut row, f, Some(plan.fingerprint), report).await?;
        }
    }
    Ok(())
}

fn secrets_of(plan: &Plan) -> Vec<&str> {
    plan.secrets.iter().map(String::as_str).collect()
}

/// Lets a link be tried at the next pass: no hold, no back-off (a repair, a link turned on, an
/// account given).
pub fn release(row: &mut Model) {
    row.held = false;
    row.retry_at = None;
    row.failures = 0;
}

/// Records a failure: held after a refused credential, else backing off exponentially.
async fn fail(
    state: &AppState,
    row: &mut Model,
    f: Failure,
    fingerprint: Option<String>,
    report: &mut PassReport,
) -> anyhow::Result<()> {
    let now = Utc::now();
    row.failures = row.failures.saturating_add(1);
    row.held = f.refused;
    if fingerprint.is_some() {
        row.fingerprint = fingerprint;
    }
    let shift = u32::try_from(row.failures.clamp(1, 12) - 1).unwrap_or(0);
    let backoff = (Duration::from_secs(15) * 2u32.pow(shift)).min(MAX_BACKOFF);
    let retry_at = now + chrono::Duration::from_std(backoff).unwrap_or_default();
    row.retry_at = Some(retry_at);
    if !f.refused {
        report.retry_at(retry_at);
    }
    set(state, row, "failed", Some(f.message), Some(now)).await
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

/// How a link is taken down in the app that holds it.
enum Removal {
    /// Delete the owned entry from an arr's collection.
    Entry(&'static str),
    /// Bazarr keeps one connection per arr: its switch goes off (the address and key stay, so a
    /// reinstall onto the same data finds them).
    SubtitlesSwitch,
    /// Seerr's server entry for the arr is deleted.
    RequestsServer,
}

/// Takes a link down in the app that holds it; `true` once nothing is left to do.
async fn take_down(state: &AppState, row: &Model, statuses: &BTreeMap<String, AppStatus>) -> bool {
    let holder_ready = statuses.get(&row.from_app).map(|s| s.state) == Some(LiveState::Installed);
    let removal = match LinkKind::parse(&row.kind) {
        Some(LinkKind::DownloadClient) => Removal::Entry("downloadclient"),
        Some(LinkKind::Application) => Removal::Entry("applications"),
        Some(LinkKind::IndexerProxy) => Removal::Entry("indexerProxy"),
        Some(LinkKind::Subtitles) => Removal::SubtitlesSwitch,
        Some(LinkKind::Requests) => Removal::RequestsServer,
        // A root folder or a media server's library is the user's library, and Seerr cannot
        // run without a media server: they stay.
        Some(LinkKind::RootFolder | LinkKind::Library | LinkKind::MediaServer) | None => {
            return true
        }
    };
    if !holder_ready {
        // The holder is gone (or going): its objects go with it.
        return !statuses.contains_key(&row.from_app)
            || statuses.get(&row.from_app).map(|s| s.state) == Some(LiveState::Uninstalling);
    }
    let display = state
        .apps
        .catalog()
        .get(&row.to_app)
        .map(|e| e.display_name.clone())
        .unwrap_or_else(|| row.to_app.clone());
    let (Ok(base), Ok(creds)) = (
        endpoint(state, &row.from_app).await,
        credentials_of(state, &row.from_app).await,
    ) else {
        return false;
    };
    let client = &state.gateway.client;
    let outcome = match removal {
        Removal::Entry(collection) => {
            let Some(flavor) = Flavor::of(&row.from_app) else {
                return true;
            };
            Servarr::new(client, &base, flavor, &creds.api_key)
                .remove(collection, &servarr::owned_name(&display))
                .await
                .map(|_| ())
        }
        Removal::SubtitlesSwitch => {
            let Some(arr) =
                ArrConnection::new(&row.to_app, &display, String::new(), 0, String::new())
            else {
                return true;
            };
            Bazarr::new(client, &base, &creds.api_key)
                .disconnect(&arr)
                .await
        }
        Removal::RequestsServer => {
            let Some(server) = ArrServer::named(&row.to_app, &display) else {
                return true;
            };
            Seerr::new(client, &base, &creds.api_key)
                .remove(&server)
                .await
        }
    };
    match outcome {
        Ok(()) => {
            let _ = audit_system(state, AuditAction::WiringLinkRemoved, row, &row.state).await;
            true
        }
        Err(e) => {
            tracing::warn!(link = %row.id, error = %servarr::describe(&e), "taking a link down failed; retrying next pass");
            false
        }
    }
}
