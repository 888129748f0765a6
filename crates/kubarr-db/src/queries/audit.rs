//! Writing audit entries. Callers pass the same transaction as the change they record, so the
//! entry and the change commit together or not at all.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, Set};

use crate::entities::audit_logs;

/// One audit entry. `details` must never hold secrets.
#[derive(Clone, Debug)]
pub struct Entry {
    pub action: String,
    pub resource_type: String,
    pub resource_id: Option<String>,
    pub user_id: Option<i64>,
    pub username: Option<String>,
    pub ip_address: Option<String>,
    pub details: Option<serde_json::Value>,
}

impl Entry {
    pub fn new(action: impl Into<String>, resource_type: impl Into<String>) -> Self {
        Self {
            action: action.into(),
            resource_type: resource_type.into(),
            resource_id: None,
            user_id: None,
            username: None,
            ip_address: None,
            details: None,
        }
    }

    /// An entry made from the command line (no user, no IP).
    pub fn cli(action: &str, resource_type: &str, resource_id: String) -> Self {
        Self::new(action, resource_type).resource(resource_id)
    }

    pub fn resource(mut self, id: impl Into<String>) -> Self {
        self.resource_id = Some(id.into());
        self
    }

    pub fn actor(mut self, user_id: Option<i64>, username: Option<String>) -> Self {
        self.user_id = user_id;
        self.username = username;
        self
    }

    pub fn ip(mut self, ip: Option<String>) -> Self {
        self.ip_address = ip;
        self
    }

    pub fn details(mut self, details: serde_json::Value) -> Self {
        self.details = Some(details);
        self
    }
}

/// Inserts an audit entry.
pub async fn record(db: &impl ConnectionTrait, entry: Entry) -> Result<i64, DbErr> {
    let row = audit_logs::ActiveModel {
        action: Set(entry.action),
        resource_type: Set(entry.resource_type),
        resource_id: Set(entry.resource_id),
        user_id: Set(entry.user_id),
        username: Set(entry.username),
        ip_address: Set(entry.ip_address),
        details: Set(entry.details),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(row.id)
}

/// Filters of an audit listing; every `None` matches everything.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub action: Option<String>,
    pub user_id: Option<i64>,
    pub resource_type: Option<String>,
    pub since: Option<chrono::DateTime<Utc>>,
    pub until: Option<chrono::DateTime<Utc>>,
    /// Continue after this `(created_at, id)` (exclusive), walking backwards.
    pub before: Option<(chrono::DateTime<Utc>, i64)>,
}

/// A page of audit entries, newest first (walks the `(created_at, id)` index).
pub async fn list(
    db: &impl ConnectionTrait,
    filter: Filter,
    limit: u64,
) -> Result<Vec<audit_logs::Model>, DbErr> {
    use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
    let mut q = audit_logs::Entity::find();
    if let Some(action) = filter.action {
        q = q.filter(audit_logs::Column::Action.eq(action));
    }
    if let Some(user_id) = filter.user_id {
        q = q.filter(audit_logs::Column::UserId.eq(user_id));
    }
    if let Some(rt) = filter.resource_type {
        q = q.filter(audit_logs::Column::ResourceType.eq(rt));
    }
    if let Some(since) = filter.since {
        q = q.filter(audit_logs::Column::CreatedAt.gte(since));
    }
    if let Some(until) = filter.until {
        q = q.filter(audit_logs::Column::CreatedAt.lt(until));
    }
    if let Some((at, id)) = filter.before {
        q = q.filter(
            Condition::any()
                .add(audit_logs::Column::CreatedAt.lt(at))
                .add(
                    Condition::all()
                        .add(audit_logs::Column::CreatedAt.eq(at))
                        .add(audit_logs::Column::Id.lt(id)),
                ),
        );
    }
    q.order_by_desc(audit_logs::Column::CreatedAt)
        .order_by_desc(audit_logs::Column::Id)
        .limit(limit)
        .all(db)
        .await
}

/// Deletes the entries older than `before` (the retention setting). Returns how many.
pub async fn purge_before(
    db: &impl ConnectionTrait,
    before: chrono::DateTime<Utc>,
) -> Result<u64, DbErr> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    Ok(audit_logs::Entity::delete_many()
        .filter(audit_logs::Column::CreatedAt.lt(before))
        .exec(db)
        .await?
        .rows_affected)
}
