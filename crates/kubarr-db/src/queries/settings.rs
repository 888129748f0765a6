//! `system_settings` rows. Values are JSON text; the server owns the typed view of each key.

use chrono::Utc;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ConnectionTrait, DbErr, EntityTrait, QueryOrder, Set};

use crate::entities::system_settings;

/// Every stored setting, ordered by key.
pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<system_settings::Model>, DbErr> {
    system_settings::Entity::find()
        .order_by_asc(system_settings::Column::Key)
        .all(db)
        .await
}

/// One setting, if stored.
pub async fn get(
    db: &impl ConnectionTrait,
    key: &str,
) -> Result<Option<system_settings::Model>, DbErr> {
    system_settings::Entity::find_by_id(key.to_owned())
        .one(db)
        .await
}

/// Inserts or replaces a setting.
pub async fn upsert(
    db: &impl ConnectionTrait,
    key: &str,
    value_json: String,
    description: &str,
    updated_by: Option<i64>,
) -> Result<(), DbErr> {
    let row = system_settings::ActiveModel {
        key: Set(key.to_owned()),
        value: Set(value_json),
        description: Set(description.to_owned()),
        updated_by: Set(updated_by),
        updated_at: Set(Utc::now()),
    };
    system_settings::Entity::insert(row)
        .on_conflict(
            OnConflict::column(system_settings::Column::Key)
                .update_columns([
                    system_settings::Column::Value,
                    system_settings::Column::Description,
                    system_settings::Column::UpdatedBy,
                    system_settings::Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await
        .map(|_| ())
}

/// Inserts a setting only if the key is absent. Returns whether it was inserted (so of two
/// concurrent callers exactly one wins).
pub async fn insert_if_absent(
    db: &impl ConnectionTrait,
    key: &str,
    value_json: String,
    description: &str,
) -> Result<bool, DbErr> {
    let row = system_settings::ActiveModel {
        key: Set(key.to_owned()),
        value: Set(value_json),
        description: Set(description.to_owned()),
        updated_by: Set(None),
        updated_at: Set(Utc::now()),
    };
    let res = system_settings::Entity::insert(row)
        .on_conflict(
            OnConflict::column(system_settings::Column::Key)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await;
    match res {
        Ok(n) => Ok(n == 1),
        Err(DbErr::RecordNotInserted) => Ok(false),
        Err(e) => Err(e),
    }
}
