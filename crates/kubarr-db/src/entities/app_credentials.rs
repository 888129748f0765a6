//! `app_credentials`: the sealed credentials Kubarr generated for an app (never returned by the
//! API; delivered to the app only through its namespace's credentials Secret).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "app_credentials")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub app_name: String,
    #[sea_orm(column_type = "Text")]
    pub sealed: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
