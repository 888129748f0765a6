//! The stack wiring as the Stack page shows it, and the user's two actions on a link: repair it
//! now, or turn it off and on.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::Utc;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use kubarr_db::entities::wiring_links::Model;

use crate::audit::AuditAction;
use crate::auth::{perm, AppsWith, CurrentUser, Permission, Permissions};
use crate::error::{AppError, AppResult, ErrorCode};
use crate::extract::{JsonBody, Path};
use crate::state::AppState;
use crate::wiring::{graph, LinkView};

/// An installed app, as a node of the graph.
#[derive(Serialize, ToSchema)]
pub struct WiringApp {
    pub name: String,
    pub display_name: String,
    pub category: String,
}

/// One link, with what the caller may do with it.
#[derive(Serialize, ToSchema)]
pub struct WiringLink {
    #[serde(flatten)]
    pub link: LinkView,
    /// The caller holds `apps.upgrade` for both apps (repair, turn off and on).
    pub can_manage: bool,
}

/// The graph: installed apps the caller can view, and the links among them.
#[derive(Serialize, ToSchema)]
pub struct WiringGraph {
    pub apps: Vec<WiringApp>,
    pub links: Vec<WiringLink>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetWiringLinkRequest {
    /// `false`: Kubarr stops setting the link up and repairing it (what it made stays).
    pub enabled: bool,
}

pub fn for_user(p: &Permissions, link: LinkView) -> WiringLink {
    WiringLink {
        can_manage: can_manage(p, &link.from, &link.to),
        link,
    }
}

fn can_manage(p: &Permissions, from: &str, to: &str) -> bool {
    p.has_for_app(Permission::AppsUpgrade, from) && p.has_for_app(Permission::AppsUpgrade, to)
}

/// Whether the caller may see the link: both its apps.
pub fn can_see(p: &Permissions, from: &str, to: &str) -> bool {
    p.can_view_app(from) && p.can_view_app(to)
}

/// The links Kubarr keeps between the installed apps, and their states.
#[utoipa::path(get, path = "/api/stack/wiring", tag = "stack",
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = WiringGraph)))]
pub async fn get_wiring(
    State(state): State<AppState>,
    user: CurrentUser,
    _visible: AppsWith<perm::AppsView>,
) -> AppResult<Json<WiringGraph>> {
    let catalog = state.apps.catalog();
    let statuses = state.apps.list().await?;
    let installed: std::collections::BTreeSet<String> =
        statuses.iter().map(|s| s.name.clone()).collect();
    let apps = statuses
        .iter()
        .filter(|s| user.permissions.can_view_app(&s.name))
        .map(|s| {
            let entry = catalog.get(&s.name);
            WiringApp {
                name: s.name.clone(),
                display_name: entry
                    .map(|e| e.display_name.clone())
                    .unwrap_or_else(|| s.name.clone()),
                category: entry.map(|e| e.category.clone()).unwrap_or_default(),
            }
        })
        .collect();
    let wanted: std::collections::BTreeSet<String> = graph::desired(&catalog, &installed)
        .iter()
        .map(|l| l.id())
        .collect();
    let links = kubarr_db::queries::wiring::list(&state.db)
        .await?
        .iter()
        .filter(|r| wanted.contains(&r.id) && can_see(&user.permissions, &r.from_app, &r.to_app))
        .filter_map(|r| LinkView::from_row(r, graph::detail(&catalog, r)))
        .map(|l| for_user(&user.permissions, l))
        .collect();
    Ok(Json(WiringGraph { apps, links }))
}

/// Repair a link now: its back-off and any hold after a refused password are cleared and the
/// leader runs a pass.
#[utoipa::path(post, path = "/api/stack/wiring/{id}/repair", tag = "stack",
    params(("id" = String, Path, description = "`<from>:<kind>:<to>`")),
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 202, body = WiringLink),
        (status = 404, description = "link_not_found", body = crate::error::ErrorBody)))]
pub async fn repair_wiring_link(
    State(state): State<AppState>,
    user: CurrentUser,
    _some: AppsWith<perm::AppsUpgrade>,
    Path(id): Path<String>,
) -> AppResult<(StatusCode, Json<WiringLink>)> {
    let mut row = managed_link(&state, &user, &id).await?;
    if !row.enabled {
        return Err(AppError::new(
            StatusCode::CONFLICT,
            ErrorCode::LinkDisabled,
            "this link is turned off; turn it on to have Kubarr set it up again",
        ));
    }
    crate::wiring::reconcile::release(&mut row);
    row.state = "pending".into();
    row.message = Some("Repair requested.".into());
    row.updated_at = Utc::now();
    let row = save_audited(
        &state,
        &user,
        row,
        AuditAction::WiringLinkRepaired,
        json!({}),
    )
    .await?;
    state.wiring.wake();
    Ok((StatusCode::ACCEPTED, Json(view(&state, &user, &row)?)))
}

/// Turn a link off (Kubarr leaves it alone, also after reinstalls) or on again.
#[utoipa::path(put, path = "/api/stack/wiring/{id}", tag = "stack",
    params(("id" = String, Path, description = "`<from>:<kind>:<to>`")),
    request_body = SetWiringLinkRequest,
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = WiringLink),
        (status = 404, description = "link_not_found", body = crate::error::ErrorBody)))]
pub async fn set_wiring_link(
    State(state): State<AppState>,
    user: CurrentUser,
    _some: AppsWith<perm::AppsUpgrade>,
    Path(id): Path<String>,
    JsonBody(req): JsonBody<SetWiringLinkRequest>,
) -> AppResult<Json<WiringLink>> {
    let mut row = managed_link(&state, &user, &id).await?;
    if row.enabled == req.enabled {
        return Ok(Json(view(&state, &user, &row)?));
    }
    row.enabled = req.enabled;
    if req.enabled {
        row.state = "pending".into();
        row.message = None;
        crate::wiring::reconcile::release(&mut row);
    }
    row.updated_at = Utc::now();
    let details = json!({"enabled": req.enabled});
    let row = save_audited(&state, &user, row, AuditAction::WiringLinkChanged, details).await?;
    if req.enabled {
        state.wiring.wake();
    }
    Ok(Json(view(&state, &user, &row)?))
}

/// The link, if the caller sees it and may manage it (404 when they cannot see it).
async fn managed_link(state: &AppState, user: &CurrentUser, id: &str) -> AppResult<Model> {
    let not_found = || AppError::not_found(ErrorCode::LinkNotFound, "no such link");
    let row = kubarr_db::queries::wiring::find(&state.db, id)
        .await?
        .filter(|r| can_see(&user.permissions, &r.from_app, &r.to_app))
        .ok_or_else(not_found)?;
    if !can_manage(&user.permissions, &row.from_app, &row.to_app) {
        return Err(AppError::new(
            StatusCode::FORBIDDEN,
            ErrorCode::Forbidden,
            "changing a link needs apps.upgrade for both of its apps",
        ));
    }
    Ok(row)
}

async fn save_audited(
    state: &AppState,
    user: &CurrentUser,
    row: Model,
    action: AuditAction,
    mut details: serde_json::Value,
) -> AppResult<Model> {
    use sea_orm::TransactionTrait;
    details["from"] = json!(row.from_app);
    details["to"] = json!(row.to_app);
    details["kind"] = json!(row.kind);
    let txn = state.db.begin().await?;
    let row = kubarr_db::queries::wiring::save(&txn, row).await?;
    user.audit()
        .record(&txn, action, "wiring_link", row.id.clone(), details)
        .await?;
    txn.commit().await?;
    crate::wiring::reconcile::publish(state, &row);
    Ok(row)
}

fn view(state: &AppState, user: &CurrentUser, row: &Model) -> AppResult<WiringLink> {
    let link =
        LinkView::from_row(row, graph::detail(&state.apps.catalog(), row)).ok_or_else(|| {
            AppError::internal(anyhow::anyhow!("link {} has an unknown kind", row.id))
        })?;
    Ok(for_user(&user.permissions, link))
}
