//! `app_installations`: what Kubarr installed, and the one-operation-per-app guard.
//!
//! The guard lives in the database (a conditional update of `operation`), so it holds across
//! several Kubarr processes sharing one database.

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    Set,
};

use super::is_unique_violation;
use crate::entities::app_installations::{self, Column, Entity, Model};
pub use crate::entities::app_installations::{InstallState, Operation};

pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<Model>, DbErr> {
    Entity::find().order_by_asc(Column::AppName).all(db).await
}

pub async fn find(db: &impl ConnectionTrait, app: &str) -> Result<Option<Model>, DbErr> {
    Entity::find().filter(Column::AppName.eq(app)).one(db).await
}

/// What a new install records.
#[derive(Clone, Debug)]
pub struct NewInstall {
    pub app_name: String,
    pub chart_version: String,
    pub app_version: Option<String>,
    pub values: serde_json::Value,
    pub installed_by: Option<i64>,
    /// The replica that will run the install.
    pub owner: String,
}

/// Outcome of trying to start an operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Begin {
    Started,
    /// Another operation on this app is running.
    Busy,
    /// The app is already installed (for an install).
    AlreadyInstalled,
    /// Nothing installed (for anything but an install).
    NotInstalled,
}

/// Starts an install: inserts the row, or takes over a row left in `error` by a failed install.
pub async fn begin_install(db: &impl ConnectionTrait, new: NewInstall) -> Result<Begin, DbErr> {
    let now = Utc::now();
    if let Some(existing) = find(db, &new.app_name).await? {
        if existing.operation.is_some() {
            return Ok(Begin::Busy);
        }
        if existing.state != InstallState::Error {
            return Ok(Begin::AlreadyInstalled);
        }
        let updated = Entity::update_many()
            .col_expr(Column::Operation, Expr::value(Operation::Install))
            .col_expr(Column::OperationStartedAt, Expr::value(now))
            .col_expr(Column::OperationOwner, Expr::value(new.owner.clone()))
            .col_expr(Column::State, Expr::value(InstallState::Installing))
            .col_expr(Column::Message, Expr::value("Installing"))
            .col_expr(Column::LastError, Expr::value(Option::<String>::None))
            .col_expr(Column::ChartVersion, Expr::value(new.chart_version))
            .col_expr(Column::AppVersion, Expr::value(new.app_version))
            .col_expr(Column::Values, Expr::value(new.values))
            .col_expr(Column::InstalledBy, Expr::value(new.installed_by))
            .col_expr(Column::UpdatedAt, Expr::value(now))
            .filter(Column::AppName.eq(&new.app_name))
            .filter(Column::Operation.is_null())
            .filter(Column::State.eq(InstallState::Error))
            .exec(db)
            .await?;
        return Ok(if updated.rows_affected == 1 {
            Begin::Started
        } else {
            Begin::Busy
        });
    }
    let row = app_installations::ActiveModel {
        app_name: Set(new.app_name.clone()),
        namespace: Set(new.app_name),
        chart_version: Set(new.chart_version),
        app_version: Set(new.app_version),
        values: Set(new.values),
        state: Set(InstallState::Installing),
        message: Set(Some("Installing".into())),
        operation: Set(Some(Operation::Install)),
        operation_started_at: Set(Some(now)),
        operation_owner: Set(Some(new.owner)),
        last_error: Set(None),
        installed_by: Set(new.installed_by),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    match row.insert(db).await {
        Ok(_) => Ok(Begin::Started),
        // Lost a race with a concurrent install of the same app (unique app_name).
        Err(e) if is_unique_violation(&e) => Ok(Begin::Busy),
        Err(e) => Err(e),
    }
}

/// Starts `operation` (anything but an install) on an installed app, run by the replica
/// `owner`; the app shows `shown_state` meanwhile.
pub async fn begin(
    db: &impl ConnectionTrait,
    app: &str,
    operation: Operation,
    shown_state: InstallState,
    owner: &str,
) -> Result<Begin, DbErr> {
    let now = Utc::now();
    let updated = Entity::update_many()
        .col_expr(Column::Operation, Expr::value(operation))
        .col_expr(Column::OperationStartedAt, Expr::value(now))
        .col_expr(Column::OperationOwner, Expr::value(owner))
        .col_expr(Column::State, Expr::value(shown_state))
        .col_expr(Column::UpdatedAt, Expr::value(now))
        .filter(Column::AppName.eq(app))
        .filter(Column::Operation.is_null())
        .exec(db)
        .await?;
    if updated.rows_affected == 1 {
        return Ok(Begin::Started);
    }
    Ok(match find(db, app).await? {
        None => Begin::NotInstalled,
        Some(_) => Begin::Busy,
    })
}

/// How an operation ended.
#[derive(Clone, Debug)]
pub struct Finish {
    pub state: InstallState,
    pub message: String,
    pub last_error: Option<String>,
    pub chart_version: Option<String>,
    pub app_version: Option<String>,
    pub values: Option<serde_json::Value>,
}

/// Ends the running operation and records its result.
pub async fn finish(db: &impl ConnectionTrait, app: &str, f: Finish) -> Result<(), DbErr> {
    let mut update = Entity::update_many()
        .col_expr(Column::Operation, Expr::value(Option::<Operation>::None))
        .col_expr(
            Column::OperationStartedAt,
            Expr::value(Option::<chrono::DateTime<Utc>>::None),
        )
        .col_expr(Column::OperationOwner, Expr::value(Option::<String>::None))
        .col_expr(Column::State, Expr::value(f.state))
        .col_expr(Column::Message, Expr::value(f.message))
        .col_expr(Column::LastError, Expr::value(f.last_error))
        .col_expr(Column::UpdatedAt, Expr::value(Utc::now()));
    if let Some(v) = f.chart_version {
        update = update.col_expr(Column::ChartVersion, Expr::value(v));
    }
    if let Some(v) = f.app_version {
        update = update.col_expr(Column::AppVersion, Expr::value(v));
    }
    if let Some(v) = f.values {
        update = update.col_expr(Column::Values, Expr::value(v));
    }
    update
        .filter(Column::AppName.eq(app))
        .exec(db)
        .await
        .map(|_| ())
}

/// Moves an operation left by replica `from` (`None`: recorded before owners were kept) to
/// replica `to`. Returns false when the row changed meanwhile (another replica took it over, or
/// the operation finished), so exactly one replica recovers an orphaned operation.
pub async fn take_over(
    db: &impl ConnectionTrait,
    app: &str,
    from: Option<&str>,
    to: &str,
) -> Result<bool, DbErr> {
    let owner = match from {
        Some(from) => Column::OperationOwner.eq(from),
        None => Column::OperationOwner.is_null(),
    };
    let updated = Entity::update_many()
        .col_expr(Column::OperationOwner, Expr::value(to))
        .col_expr(Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(Column::AppName.eq(app))
        .filter(Column::Operation.is_not_null())
        .filter(owner)
        .exec(db)
        .await?;
    Ok(updated.rows_affected == 1)
}

/// Forgets an app (after an uninstall).
pub async fn delete(db: &impl ConnectionTrait, app: &str) -> Result<(), DbErr> {
    Entity::delete_many()
        .filter(Column::AppName.eq(app))
        .exec(db)
        .await
        .map(|_| ())
}

/// Records an app found in the cluster that the database does not know (e.g. after a restore).
pub async fn adopt(
    db: &impl ConnectionTrait,
    app: &str,
    chart_version: &str,
    app_version: &str,
) -> Result<(), DbErr> {
    let now = Utc::now();
    app_installations::ActiveModel {
        app_name: Set(app.into()),
        namespace: Set(app.into()),
        chart_version: Set(chart_version.into()),
        app_version: Set(Some(app_version.into())),
        values: Set(serde_json::json!({})),
        state: Set(InstallState::Installed),
        message: Set(Some("Found in the cluster".into())),
        operation: Set(None),
        operation_started_at: Set(None),
        last_error: Set(None),
        installed_by: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .map(|_| ())
}
