//! Stack wiring: Kubarr connects the apps it installs to each other and keeps them connected.
//!
//! The links come from the charts (`kubarr.io/wiring`, see [`graph`]): an arr's download
//! clients and root folder, Prowlarr's applications. The leader runs a [`reconcile`] pass when an
//! app's status changes and every few minutes: for each link whose two apps are ready it finds
//! the object Kubarr keeps in the app by its Kubarr-owned name, creates or updates it only when
//! it differs, and lets the app's own test decide that it works. Objects a user created are
//! never touched. Each link's state (`pending`, `ok`, `drifted`, `failed`, `disabled`) is kept in
//! `wiring_links` and published as `wiring` events.
//!
//! - [`graph`]: which links the installed apps call for;
//! - [`reconcile`]: one pass, link by link, with back-off (`plan`: what a link wants;
//!   `observe`: reading and writing it);
//! - [`servarr`], [`clients`] (and `bazarr`, `seerr`, `jellyfin`): the apps' APIs; [`http`]: the
//!   calls themselves; [`account`]: the administrator account a user gives Kubarr for an app
//!   without a seedable key.

pub mod account;
mod bazarr;
pub mod clients;
pub mod graph;
pub mod http;
mod jellyfin;
mod media_server;
mod observe;
mod plan;
mod proxy;
pub mod reconcile;
mod seerr;
pub mod servarr;

use std::collections::BTreeMap;
use std::sync::RwLock;
use std::time::Duration;

use chrono::{DateTime, Utc};
use kubarr_db::entities::wiring_links::Model;
use serde::Serialize;
use tokio::sync::{broadcast, Notify};
use utoipa::ToSchema;

pub use graph::LinkKind;

/// How often the leader re-checks every link when nothing happened.
pub const RECHECK_EVERY: Duration = Duration::from_secs(300);

/// A link's state as the API shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LinkState {
    /// Not set up yet (or waiting for an app to be ready).
    Pending,
    /// Set up, and the app's own test said it works.
    Ok,
    /// Someone or something changed it; Kubarr repairs it.
    Drifted,
    /// Setting it up failed; the message is the app's own.
    Failed,
    /// The user turned it off: Kubarr leaves it alone.
    Disabled,
}

impl LinkState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Ok => "ok",
            Self::Drifted => "drifted",
            Self::Failed => "failed",
            Self::Disabled => "disabled",
        }
    }

    fn of_row(row: &Model) -> Self {
        if !row.enabled {
            return Self::Disabled;
        }
        match row.state.as_str() {
            "ok" => Self::Ok,
            "drifted" => Self::Drifted,
            "failed" => Self::Failed,
            _ => Self::Pending,
        }
    }
}

/// One link, as the API and the `wiring` events show it.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct LinkView {
    /// `<from>:<kind>:<to>`.
    pub id: String,
    pub from: String,
    /// The other app (the app itself for a root folder).
    pub to: String,
    pub kind: LinkKind,
    pub state: LinkState,
    /// The app's own words when the link is not `ok` (secrets removed).
    pub message: Option<String>,
    /// What the link sets up, in words.
    pub detail: Option<String>,
    pub checked_at: Option<DateTime<Utc>>,
    pub enabled: bool,
}

impl LinkView {
    pub fn from_row(row: &Model, detail: Option<String>) -> Option<Self> {
        Some(Self {
            kind: LinkKind::parse(&row.kind)?,
            id: row.id.clone(),
            from: row.from_app.clone(),
            to: row.to_app.clone(),
            state: LinkState::of_row(row),
            message: row.message.clone(),
            detail,
            checked_at: row.checked_at,
            enabled: row.enabled,
        })
    }
}

/// A change the `wiring` events carry.
#[derive(Clone, Debug)]
pub enum WiringEvent {
    Changed(LinkView),
    Removed {
        id: String,
        from: String,
        to: String,
    },
}

/// The wiring's shared state (part of [`AppState`](crate::state::AppState)).
pub struct Wiring {
    events: broadcast::Sender<WiringEvent>,
    /// Wakes the leader's loop for a pass now (an app changed, a user asked for a repair).
    wake: Notify,
    /// Where Kubarr and the other apps reach an app's API (`http://host:port`), replacing the
    /// app Service's cluster DNS name: seeded from `gateway.upstreams` (development), set by
    /// tests for apps started on loopback.
    endpoints: RwLock<BTreeMap<String, String>>,
    /// One pass at a time on this replica.
    pass: tokio::sync::Mutex<()>,
}

impl Wiring {
    pub fn new(upstreams: &BTreeMap<String, String>) -> Self {
        let endpoints = upstreams
            .iter()
            .map(|(app, addr)| (app.clone(), format!("http://{addr}")))
            .collect();
        Self {
            events: broadcast::channel(256).0,
            wake: Notify::new(),
            endpoints: RwLock::new(endpoints),
            pass: tokio::sync::Mutex::new(()),
        }
    }

    pub fn subscribe(&self) -> broadcast::Receiver<WiringEvent> {
        self.events.subscribe()
    }

    pub(crate) fn publish(&self, event: WiringEvent) {
        let _ = self.events.send(event);
    }

    /// Asks the leader for a pass now.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Points Kubarr (and the apps it wires to `app`) at `base_url` for `app`.
    pub fn set_endpoint(&self, app: &str, base_url: &str) {
        self.endpoints
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(app.to_owned(), base_url.trim_end_matches('/').to_owned());
    }

    pub(crate) fn endpoint_override(&self, app: &str) -> Option<String> {
        self.endpoints
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(app)
            .cloned()
    }
}

/// The leader's loop: a pass at start, on every app status change, when woken, when a failed
/// link's back-off ends, and every [`RECHECK_EVERY`].
pub async fn run(state: crate::state::AppState) {
    let mut status = state.apps.subscribe();
    loop {
        let mut next = RECHECK_EVERY;
        match reconcile::pass(&state).await {
            Ok(report) => {
                if let Some(at) = report.next_retry {
                    let until = (at - chrono::Utc::now()).to_std().unwrap_or_default();
                    // A little after the back-off ends, so the link is due when the pass sees it.
                    next = next.min(until + Duration::from_millis(50));
                }
            }
            Err(e) => tracing::warn!(error = %e, "stack wiring pass failed"),
        }
        tokio::select! {
            _ = status.recv() => {
                // Let a burst of changes (an install's pods coming up) settle into one pass.
                tokio::time::sleep(Duration::from_millis(500)).await;
                while status.try_recv().is_ok() {}
            }
            _ = state.wiring.wake.notified() => {}
            _ = tokio::time::sleep(next) => {}
        }
    }
}
