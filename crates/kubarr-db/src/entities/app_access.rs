//! `app_access`: how the gateway serves an app (`gated`, `native`, `off`) and, in port mode, the
//! port it was given. No row: the app's default mode, no port yet.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "app_access")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub app_name: String,
    pub mode: String,
    pub port: Option<i32>,
    /// Encrypted `Authorization` value for the app (never returned by the API).
    #[sea_orm(column_type = "Text", nullable)]
    pub upstream_auth: Option<String>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
