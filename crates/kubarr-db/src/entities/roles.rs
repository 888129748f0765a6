//! `roles`: named sets of permissions; `is_system` roles are seeded and protected.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "roles")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub name: String,
    pub description: String,
    pub is_system: bool,
    pub requires_2fa: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::role_permissions::Entity")]
    Permissions,
    #[sea_orm(has_many = "super::role_app_permissions::Entity")]
    AppPermissions,
    #[sea_orm(has_many = "super::user_roles::Entity")]
    UserRoles,
}

impl Related<super::role_permissions::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Permissions.def()
    }
}

impl Related<super::role_app_permissions::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::AppPermissions.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
