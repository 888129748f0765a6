//! The sealed credentials of each app (see the `app_credentials` entity).

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ConnectionTrait, DbErr, EntityTrait, Set};

use crate::entities::app_credentials;

/// The app's sealed credentials, if generated.
pub async fn find(db: &impl ConnectionTrait, app: &str) -> Result<Option<String>, DbErr> {
    Ok(app_credentials::Entity::find_by_id(app.to_owned())
        .one(db)
        .await?
        .map(|row| row.sealed))
}

/// Stores `sealed` unless the app has credentials already, and returns the ones that stand: of
/// two replicas generating at once, both end up with the first one's.
pub async fn keep_first(
    db: &impl ConnectionTrait,
    app: &str,
    sealed: String,
    now: DateTime<Utc>,
) -> Result<String, DbErr> {
    app_credentials::Entity::insert(app_credentials::ActiveModel {
        app_name: Set(app.to_owned()),
        sealed: Set(sealed),
        created_at: Set(now),
    })
    .on_conflict(
        OnConflict::column(app_credentials::Column::AppName)
            .do_nothing()
            .to_owned(),
    )
    .do_nothing()
    .exec(db)
    .await?;
    find(db, app)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("credentials of {app}")))
}

/// Forgets the app's credentials (its data was deleted).
pub async fn delete(db: &impl ConnectionTrait, app: &str) -> Result<(), DbErr> {
    app_credentials::Entity::delete_by_id(app.to_owned())
        .exec(db)
        .await
        .map(|_| ())
}

/// Stores `sealed` as the app's credentials, replacing any (an account a user gave Kubarr).
pub async fn replace(
    db: &impl ConnectionTrait,
    app: &str,
    sealed: String,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    app_credentials::Entity::insert(app_credentials::ActiveModel {
        app_name: Set(app.to_owned()),
        sealed: Set(sealed),
        created_at: Set(now),
    })
    .on_conflict(
        OnConflict::column(app_credentials::Column::AppName)
            .update_columns([
                app_credentials::Column::Sealed,
                app_credentials::Column::CreatedAt,
            ])
            .to_owned(),
    )
    .exec(db)
    .await
    .map(|_| ())
}
