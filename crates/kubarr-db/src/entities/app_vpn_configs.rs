//! `app_vpn_configs`: which app routes through which VPN provider.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "app_vpn_configs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub app_name: String,
    pub vpn_provider_id: i64,
    pub kill_switch: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
