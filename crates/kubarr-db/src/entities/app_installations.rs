//! `app_installations`: what Kubarr installed, the requested values and the operation in progress.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "app_installations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub app_name: String,
    pub namespace: String,
    pub chart_version: String,
    pub app_version: Option<String>,
    #[sea_orm(column_type = "JsonBinary")]
    pub values: Json,
    pub state: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub message: Option<String>,
    pub operation: Option<String>,
    pub operation_started_at: Option<DateTimeUtc>,
    /// The replica running the operation.
    pub operation_owner: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub last_error: Option<String>,
    pub installed_by: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
