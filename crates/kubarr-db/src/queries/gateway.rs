//! The app gateway's rows: launch tickets, app sessions and per-app access.
//!
//! Ids are SHA-256 hashes of the secrets the browser holds; the secrets are never stored.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, OnConflict, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, FromQueryResult,
    QueryFilter, QueryOrder, Set,
};

use crate::entities::{app_access, app_sessions, gateway_tickets};

/// A ticket or app session to insert.
#[derive(Clone, Debug)]
pub struct NewGrant {
    pub id: String,
    pub user_id: i64,
    pub session_id: String,
    pub app_name: String,
    pub now: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

pub async fn create_ticket(db: &impl ConnectionTrait, new: NewGrant) -> Result<(), DbErr> {
    gateway_tickets::ActiveModel {
        id: Set(new.id),
        user_id: Set(new.user_id),
        session_id: Set(new.session_id),
        app_name: Set(new.app_name),
        created_at: Set(new.now),
        expires_at: Set(new.expires_at),
    }
    .insert(db)
    .await
    .map(|_| ())
}

/// Takes a ticket for `app` out of the table: it is deleted whatever happens next, so it works
/// once. `None` when it does not exist, is for another app or has expired.
pub async fn take_ticket(
    db: &impl ConnectionTrait,
    id: &str,
    app: &str,
    now: DateTime<Utc>,
) -> Result<Option<gateway_tickets::Model>, DbErr> {
    // One `DELETE … RETURNING`: of two redemptions racing (two replicas), only the one whose
    // delete removed the row gets it back.
    let stmt = Query::delete()
        .from_table(gateway_tickets::Entity)
        .and_where(Expr::col(gateway_tickets::Column::Id).eq(id))
        .returning_all()
        .to_owned();
    let Some(ticket) =
        gateway_tickets::Model::find_by_statement(db.get_database_backend().build(&stmt))
            .one(db)
            .await?
    else {
        return Ok(None);
    };
    if ticket.app_name != app || ticket.expires_at <= now {
        return Ok(None);
    }
    Ok(Some(ticket))
}

pub async fn create_app_session(db: &impl ConnectionTrait, new: NewGrant) -> Result<(), DbErr> {
    app_sessions::ActiveModel {
        id: Set(new.id),
        user_id: Set(new.user_id),
        session_id: Set(new.session_id),
        app_name: Set(new.app_name),
        created_at: Set(new.now),
        expires_at: Set(new.expires_at),
    }
    .insert(db)
    .await
    .map(|_| ())
}

pub async fn find_app_session(
    db: &impl ConnectionTrait,
    id: &str,
) -> Result<Option<app_sessions::Model>, DbErr> {
    app_sessions::Entity::find_by_id(id.to_owned())
        .one(db)
        .await
}

/// Ends one app session (the app origin's sign-out).
pub async fn delete_app_session(db: &impl ConnectionTrait, id: &str) -> Result<(), DbErr> {
    app_sessions::Entity::delete_by_id(id.to_owned())
        .exec(db)
        .await
        .map(|_| ())
}

/// Deletes expired tickets and app sessions; returns how many rows went.
pub async fn purge(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<u64, DbErr> {
    let tickets = gateway_tickets::Entity::delete_many()
        .filter(gateway_tickets::Column::ExpiresAt.lte(now))
        .exec(db)
        .await?
        .rows_affected;
    let sessions = app_sessions::Entity::delete_many()
        .filter(app_sessions::Column::ExpiresAt.lte(now))
        .exec(db)
        .await?
        .rows_affected;
    Ok(tickets + sessions)
}

/// Every app's stored access row.
pub async fn list_access(db: &impl ConnectionTrait) -> Result<Vec<app_access::Model>, DbErr> {
    app_access::Entity::find()
        .order_by_asc(app_access::Column::AppName)
        .all(db)
        .await
}

/// Sets an app's access mode (keeping its port).
pub async fn set_access_mode(
    db: &impl ConnectionTrait,
    app: &str,
    mode: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    app_access::Entity::insert(app_access::ActiveModel {
        app_name: Set(app.to_owned()),
        mode: Set(mode.to_owned()),
        port: Set(None),
        upstream_auth: Set(None),
        updated_at: Set(now),
    })
    .on_conflict(
        OnConflict::column(app_access::Column::AppName)
            .update_columns([app_access::Column::Mode, app_access::Column::UpdatedAt])
            .to_owned(),
    )
    .exec(db)
    .await
    .map(|_| ())
}

/// Gives `app` the lowest free port of `ports` (port mode), keeping the one it has. `None` when
/// every port is taken. `default_mode` is stored when the app has no row yet.
pub async fn assign_port(
    db: &impl ConnectionTrait,
    app: &str,
    default_mode: &str,
    ports: std::ops::RangeInclusive<u16>,
    now: DateTime<Utc>,
) -> Result<Option<u16>, DbErr> {
    for _attempt in 0..5 {
        let rows = list_access(db).await?;
        if let Some(port) = rows.iter().find(|r| r.app_name == app).and_then(|r| r.port) {
            return Ok(u16::try_from(port).ok());
        }
        let taken: std::collections::BTreeSet<i32> = rows.iter().filter_map(|r| r.port).collect();
        let Some(free) = ports.clone().find(|p| !taken.contains(&i32::from(*p))) else {
            return Ok(None);
        };
        let exists = rows.iter().any(|r| r.app_name == app);
        let result = if exists {
            app_access::Entity::update_many()
                .col_expr(app_access::Column::Port, Expr::value(i32::from(free)))
                .col_expr(app_access::Column::UpdatedAt, Expr::value(now))
                .filter(app_access::Column::AppName.eq(app))
                .filter(app_access::Column::Port.is_null())
                .exec(db)
                .await
                .map(|_| ())
        } else {
            app_access::ActiveModel {
                app_name: Set(app.to_owned()),
                mode: Set(default_mode.to_owned()),
                port: Set(Some(i32::from(free))),
                upstream_auth: Set(None),
                updated_at: Set(now),
            }
            .insert(db)
            .await
            .map(|_| ())
        };
        match result {
            // Read it back: another replica may have given this app a port meanwhile.
            Ok(()) => {
                let row = app_access::Entity::find_by_id(app.to_owned())
                    .one(db)
                    .await?;
                if let Some(port) = row.and_then(|r| r.port) {
                    return Ok(u16::try_from(port).ok());
                }
            }
            Err(e) if super::is_unique_violation(&e) => continue,
            Err(e) => return Err(e),
        }
    }
    Err(DbErr::Custom(format!(
        "could not give {app} a gateway port (too many concurrent changes)"
    )))
}

/// Sets (or with `None` clears) the encrypted `Authorization` value the gateway sends `app`.
/// `default_mode` is stored when the app has no row yet.
pub async fn set_upstream_auth(
    db: &impl ConnectionTrait,
    app: &str,
    default_mode: &str,
    encrypted: Option<String>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    app_access::Entity::insert(app_access::ActiveModel {
        app_name: Set(app.to_owned()),
        mode: Set(default_mode.to_owned()),
        port: Set(None),
        upstream_auth: Set(encrypted),
        updated_at: Set(now),
    })
    .on_conflict(
        OnConflict::column(app_access::Column::AppName)
            .update_columns([
                app_access::Column::UpstreamAuth,
                app_access::Column::UpdatedAt,
            ])
            .to_owned(),
    )
    .exec(db)
    .await
    .map(|_| ())
}

/// Sets the `Authorization` value the gateway sends `app` unless one is set already (an
/// administrator's choice wins over Kubarr's generated credentials).
pub async fn set_upstream_auth_if_unset(
    db: &impl ConnectionTrait,
    app: &str,
    default_mode: &str,
    encrypted: String,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let inserted = app_access::Entity::insert(app_access::ActiveModel {
        app_name: Set(app.to_owned()),
        mode: Set(default_mode.to_owned()),
        port: Set(None),
        upstream_auth: Set(Some(encrypted.clone())),
        updated_at: Set(now),
    })
    .on_conflict(
        OnConflict::column(app_access::Column::AppName)
            .do_nothing()
            .to_owned(),
    )
    .do_nothing()
    .exec(db)
    .await?;
    if matches!(inserted, sea_orm::TryInsertResult::Inserted(_)) {
        return Ok(true);
    }
    let updated = app_access::Entity::update_many()
        .col_expr(app_access::Column::UpstreamAuth, Expr::value(encrypted))
        .col_expr(app_access::Column::UpdatedAt, Expr::value(now))
        .filter(app_access::Column::AppName.eq(app))
        .filter(app_access::Column::UpstreamAuth.is_null())
        .exec(db)
        .await?;
    Ok(updated.rows_affected > 0)
}
