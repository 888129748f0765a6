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
    pub state: InstallState,
    #[sea_orm(column_type = "Text", nullable)]
    pub message: Option<String>,
    pub operation: Option<Operation>,
    pub operation_started_at: Option<DateTimeUtc>,
    /// The replica running the operation.
    pub operation_owner: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub last_error: Option<String>,
    pub installed_by: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// The state Kubarr records for an app (the live state adds `degraded`, derived from the
/// cluster, and `not_installed`, the absence of a row). Stored as its snake_case name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum InstallState {
    #[sea_orm(string_value = "installing")]
    Installing,
    #[sea_orm(string_value = "installed")]
    Installed,
    #[sea_orm(string_value = "upgrading")]
    Upgrading,
    #[sea_orm(string_value = "uninstalling")]
    Uninstalling,
    #[sea_orm(string_value = "error")]
    Error,
}

/// The operation running on an app (at most one at a time). Stored as its snake_case name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum Operation {
    #[sea_orm(string_value = "install")]
    Install,
    #[sea_orm(string_value = "upgrade")]
    Upgrade,
    #[sea_orm(string_value = "restart")]
    Restart,
    #[sea_orm(string_value = "uninstall")]
    Uninstall,
    /// Reconciliation repairing a release left `pending-*`.
    #[sea_orm(string_value = "repair")]
    Repair,
}

impl Operation {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Operation::Install => "install",
            Operation::Upgrade => "upgrade",
            Operation::Restart => "restart",
            Operation::Uninstall => "uninstall",
            Operation::Repair => "repair",
        }
    }
}

impl std::fmt::Display for Operation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

#[cfg(test)]
mod tests {
    use sea_orm::{ActiveEnum, Iterable};

    use super::{InstallState, Operation};

    #[test]
    fn stored_names_are_the_strings_earlier_versions_wrote() {
        let states: Vec<String> = InstallState::iter().map(|s| s.to_value()).collect();
        assert_eq!(
            states,
            [
                "installing",
                "installed",
                "upgrading",
                "uninstalling",
                "error"
            ]
        );
        let ops: Vec<String> = Operation::iter().map(|o| o.to_value()).collect();
        assert_eq!(
            ops,
            ["install", "upgrade", "restart", "uninstall", "repair"]
        );
        for op in Operation::iter() {
            assert_eq!(op.as_str(), op.to_value());
        }
    }
}
