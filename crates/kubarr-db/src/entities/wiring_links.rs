//! `wiring_links`: one link of the stack wiring between two installed apps, its last observed
//! state and whether the user turned it off. No secret is ever stored here.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "wiring_links")]
pub struct Model {
    /// `<from>:<kind>:<to>`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub from_app: String,
    pub to_app: String,
    pub kind: String,
    pub enabled: bool,
    /// `pending`, `ok`, `drifted`, `failed`.
    pub state: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub message: Option<String>,
    /// Digest of the settings last applied and verified.
    pub fingerprint: Option<String>,
    pub failures: i32,
    pub retry_at: Option<DateTimeUtc>,
    /// A credential was refused: no automatic retry until the settings change or a repair.
    pub held: bool,
    pub checked_at: Option<DateTimeUtc>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
