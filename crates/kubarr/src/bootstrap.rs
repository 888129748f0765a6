//! The first administrator from the configuration (`initial_admin.*`): a Helm install generates
//! the password into a Secret, so the dashboard is never left open for whoever finds the setup
//! page first. Created once, only while no user exists; later restarts change nothing, even if
//! the password in the Secret changes (the user may have changed theirs).

use kubarr_db::queries::{audit, users};
use sea_orm::{DatabaseConnection, TransactionTrait};

use crate::auth::{password, validate};
use crate::config::Config;

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
    let problem = |e: crate::error::AppError| anyhow::anyhow!("initial_admin: {}", e.message());
    let username =
        validate::username(&admin.username, "initial_admin.username").map_err(problem)?;
    let email = validate::email(&admin.email, "initial_admin.email").map_err(problem)?;
    let secret = admin.password.expose();
    password::validate_with(secret, &[&username, &email], "initial_admin.password").map_err(problem)?;
    let hashed = password::hash(secret, config.auth.bcrypt_cost)
        .await
        .map_err(problem)?;
    let txn = db.begin().await?;
    let Some(user) = users::create_first_admin(
        &txn,
        users::NewUser {
            username: username.clone(),
            email,
            hashed_password: hashed,
            is_active: true,
            is_approved: true,
        },
    )
    .await?
    else {
        return Ok(Outcome::AlreadySetUp);
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
