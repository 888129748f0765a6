//! The stack wiring's links (see the `wiring_links` entity).

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel, Set};

use crate::entities::wiring_links::{self, Model};

/// Every stored link.
pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<Model>, DbErr> {
    wiring_links::Entity::find().all(db).await
}

pub async fn find(db: &impl ConnectionTrait, id: &str) -> Result<Option<Model>, DbErr> {
    wiring_links::Entity::find_by_id(id.to_owned())
        .one(db)
        .await
}

/// Adds a `pending` row for a link that has none; a row that exists is left as it is.
pub async fn insert_pending(
    db: &impl ConnectionTrait,
    id: &str,
    from: &str,
    to: &str,
    kind: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    wiring_links::Entity::insert(wiring_links::ActiveModel {
        id: Set(id.to_owned()),
        from_app: Set(from.to_owned()),
        to_app: Set(to.to_owned()),
        kind: Set(kind.to_owned()),
        enabled: Set(true),
        state: Set("pending".to_owned()),
        message: Set(None),
        fingerprint: Set(None),
        failures: Set(0),
        retry_at: Set(None),
        held: Set(false),
        checked_at: Set(None),
        updated_at: Set(now),
    })
    .on_conflict(
        OnConflict::column(wiring_links::Column::Id)
            .do_nothing()
            .to_owned(),
    )
    .do_nothing()
    .exec(db)
    .await
    .map(|_| ())
}

/// Writes a row back as given (state, message, fingerprint, back-off, enabled).
pub async fn save(db: &impl ConnectionTrait, row: Model) -> Result<Model, DbErr> {
    let mut active = row.clone().into_active_model();
    // Every column is written: the caller holds the whole row.
    active.from_app = Set(row.from_app);
    active.to_app = Set(row.to_app);
    active.kind = Set(row.kind);
    active.enabled = Set(row.enabled);
    active.state = Set(row.state);
    active.message = Set(row.message);
    active.fingerprint = Set(row.fingerprint);
    active.failures = Set(row.failures);
    active.retry_at = Set(row.retry_at);
    active.held = Set(row.held);
    active.checked_at = Set(row.checked_at);
    active.updated_at = Set(row.updated_at);
    active.update(db).await
}

pub async fn delete(db: &impl ConnectionTrait, id: &str) -> Result<(), DbErr> {
    wiring_links::Entity::delete_by_id(id.to_owned())
        .exec(db)
        .await
        .map(|_| ())
}
