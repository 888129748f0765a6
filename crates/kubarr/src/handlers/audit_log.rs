//! Reading the audit log: filters and a cursor over `(created_at, id)`, newest first.

use axum::extract::State;
use axum::Json as JsonResponse;
use chrono::{DateTime, Utc};
use kubarr_db::queries::audit;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::{perm, Require};
use crate::error::{AppError, AppResult, ErrorBody};
use crate::extract::Query;
use crate::handlers::pagination::{self, Page, PageParams};
use crate::state::AppState;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// An action such as `login_failed`.
    #[param(max_length = 64, pattern = r"^[^\x00-\x1f\x7f-\x9f]*$")]
    pub action: Option<String>,
    pub user_id: Option<i64>,
    /// `user`, `role`, `session`, `setting`, `app`, …
    #[param(max_length = 64, pattern = r"^[^\x00-\x1f\x7f-\x9f]*$")]
    pub resource_type: Option<String>,
    /// From this time (RFC 3339, inclusive).
    pub since: Option<DateTime<Utc>>,
    /// Before this time (RFC 3339, exclusive).
    pub until: Option<DateTime<Utc>>,
    /// Items per page (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u64>,
    /// `next_cursor` of the previous page (empty: the first page).
    pub cursor: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct AuditEntry {
    pub id: i64,
    pub action: String,
    pub resource_type: String,
    pub resource_id: Option<String>,
    pub user_id: Option<i64>,
    pub username: Option<String>,
    pub ip_address: Option<String>,
    /// Extra facts; never secrets.
    #[schema(value_type = Option<Object>)]
    pub details: Option<serde_json::Value>,
    pub created_at: DateTime<Utc>,
}

fn short(field: &str, v: Option<String>) -> AppResult<Option<String>> {
    match v {
        Some(s) if s.chars().count() > 64 || s.chars().any(char::is_control) => {
            Err(AppError::validation(
                field,
                format!("`{field}` is too long or holds control characters."),
            ))
        }
        other => Ok(other.filter(|s| !s.is_empty())),
    }
}

/// The audit log, newest first.
#[utoipa::path(get, path = "/api/audit", tag = "audit",
    params(AuditQuery),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "A page of entries", body = Page<AuditEntry>),
        (status = 400, description = "Bad filter, limit or cursor", body = ErrorBody),
        (status = 403, description = "Lacks audit.view", body = ErrorBody)))]
pub async fn list_audit(
    State(state): State<AppState>,
    _user: Require<perm::AuditView>,
    Query(q): Query<AuditQuery>,
) -> AppResult<JsonResponse<Page<AuditEntry>>> {
    let page = PageParams {
        limit: q.limit,
        cursor: q.cursor,
    };
    let limit = page.limit()?;
    let before = page
        .cursor()
        .map(pagination::decode_time::<i64>)
        .transpose()?;
    let filter = audit::Filter {
        action: short("action", q.action)?,
        user_id: q.user_id,
        resource_type: short("resource_type", q.resource_type)?,
        since: q.since,
        until: q.until,
        before,
    };
    let rows = audit::list(&state.db, filter, limit + 1).await?;
    let cursor_at =
        |r: &kubarr_db::entities::audit_logs::Model| pagination::encode_time(r.created_at, r.id);
    Ok(JsonResponse(Page::from_rows(rows, limit, cursor_at, |r| {
        AuditEntry {
            id: r.id,
            action: r.action,
            resource_type: r.resource_type,
            resource_id: r.resource_id,
            user_id: r.user_id,
            username: r.username,
            ip_address: r.ip_address,
            details: r.details,
            created_at: r.created_at,
        }
    })))
}
