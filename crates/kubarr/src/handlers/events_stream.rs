//! Server-Sent Events: live `app_status` events for the apps the caller may view, and `wiring`
//! events for the links between them. The stream ends
//! with the caller's session (logout, revocation, deactivation, expiry), and follows changes to
//! what they may view.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures::stream::{self, Stream, StreamExt};
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::watch;

use crate::apps::AppStatusEvent;
use crate::auth::live::LiveSession;
use crate::auth::CurrentUser;
use crate::error::AppResult;
use crate::state::AppState;
use crate::wiring::WiringEvent;

/// Live status events. Starts with the current status of every visible installed app, then
/// sends an `app_status` event `{name, state, message}` whenever one changes.
#[utoipa::path(get, path = "/api/events/stream", tag = "apps",
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, description = "text/event-stream of `app_status` events and `wiring` events (a `WiringLink`, or `{id, removed: true}`); ends with the session", content_type = "text/event-stream",
        body = AppStatusEvent),
        (status = 429, description = "too_many_streams: the caller holds the most streams allowed", body = crate::error::ErrorBody)))]
pub async fn event_stream(
    State(state): State<AppState>,
    user: CurrentUser,
) -> AppResult<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    let live = LiveSession::start(&state, &user)?;
    // Subscribe before the snapshot so no change falls between the two.
    let receiver = state.apps.subscribe();
    let wiring = state.wiring.subscribe();
    let snapshot: Vec<AppStatusEvent> = state
        .apps
        .list()
        .await?
        .into_iter()
        .filter(|a| user.permissions.can_view_app(&a.name))
        .map(|a| AppStatusEvent {
            name: a.name,
            state: a.state,
            message: a.message,
        })
        .collect();
    let (permissions_tx, permissions) = watch::channel(user.permissions.clone());
    let ended = live.ended(|_| true, Some(permissions_tx));
    let changes = stream::unfold(receiver, |mut rx| async move {
        loop {
            match rx.recv().await {
                Ok(ev) => return Some((ev, rx)),
                Err(RecvError::Lagged(_)) => continue,
                Err(RecvError::Closed) => return None,
            }
        }
    })
    .filter({
        let permissions = permissions.clone();
        move |ev| std::future::ready(permissions.borrow().can_view_app(&ev.name))
    });
    let statuses = stream::iter(snapshot).chain(changes).map(|ev| {
        Event::default()
            .event("app_status")
            .json_data(&ev)
            .unwrap_or_else(|_| Event::default().comment("skip"))
    });
    let links = stream::unfold(wiring, |mut rx| async move {
        loop {
            match rx.recv().await {
                Ok(ev) => return Some((ev, rx)),
                Err(RecvError::Lagged(_)) => continue,
                Err(RecvError::Closed) => return None,
            }
        }
    })
    .filter_map(move |ev| {
        let p = permissions.borrow().clone();
        std::future::ready(wiring_event(&p, ev))
    });
    let events = stream::select(statuses, links).map(Ok).take_until(ended);
    Ok(Sse::new(events).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}

/// A `wiring` event for a caller with `p`: the changed link as the Stack page shows it, or
/// `{id, removed: true}`; nothing for a link they cannot see.
fn wiring_event(p: &crate::auth::Permissions, ev: WiringEvent) -> Option<Event> {
    use crate::handlers::stack::{can_see, for_user};
    let data = match ev {
        WiringEvent::Changed(link) => {
            if !can_see(p, &link.from, &link.to) {
                return None;
            }
            serde_json::to_value(for_user(p, link)).ok()?
        }
        WiringEvent::Removed { id, from, to } => {
            if !can_see(p, &from, &to) {
                return None;
            }
            serde_json::json!({"id": id, "removed": true})
        }
    };
    Event::default().event("wiring").json_data(data).ok()
}
