//! The first administrator from the configuration (`initial_admin.*`): a Helm install generates
//! the password into a Secret, so the dashboard is never left open for whoever finds the setup
//! page first. Created once, only while no user exists; later restarts change nothing, even if
//! the password in the Secret changes (the user may have changed theirs).

use kubarr_db::queries::{audit, users};
use sea_orm::{DatabaseConnection, TransactionTrait};

use crate::config::Config;
use crate::identity::{self, AccountFields, IdentityError, Membership, NewAccount};

/// Whether the initial administrator was created now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    NotConfigured,
    AlreadySetUp,
    Created,
}

/// Creates the configured administrator if no user exists yet. Safe to run on several replicas
/// at once: exactly one of them creates the user.
pub async fn create_initial_admin(
    config: &Config,
    db: &DatabaseConnection,
) -> anyhow::Result<Outcome> {
    let Some(admin) = &config.initial_admin else {
        return Ok(Outcome::NotConfigured);
    };
    if users::count(db).await? > 0 {
        return Ok(Outcome::AlreadySetUp);
    }
    let fields = AccountFields {
        username: &admin.username,
        email: &admin.email,
        password: admin.password.expose(),
    };
    let account = NewAccount::prepare(fields, "initial_admin.", config.auth.bcrypt_cost)
        .await
        .map_err(|e| match e {
            IdentityError::Invalid(f) => anyhow::anyhow!("{}: {}", f.field, f.message),
            IdentityError::WeakPassword(w) => anyhow::anyhow!("{}: {}", w.field, w.message),
            other => anyhow::Error::new(other),
        })?;
    let username = account.username().to_owned();
    let txn = db.begin().await?;
    let user = match identity::create_user(&txn, account, Membership::FirstAdmin, false).await {
        Ok(user) => user,
        Err(IdentityError::AlreadySetUp) => return Ok(Outcome::AlreadySetUp),
        Err(e) => return Err(e.into()),
    };
    audit::record(
        &txn,
        audit::Entry::cli("user_created", "user", user.id.to_string()).details(
            serde_json::json!({ "username": username, "roles": ["admin"], "via": "initial_admin" }),
        ),
    )
    .await?;
    txn.commit().await?;
    tracing::info!(username = %username, "created the initial administrator from the configuration");
    Ok(Outcome::Created)
}
