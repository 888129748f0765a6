//! The first administrator from the configuration (`initial_admin.*`): a Helm install generates
//! the password into a Secret, so the dashboard is never left open for whoever finds the setup
//! page first. Created once, only while no user exists; later restarts change nothing, even if
//! the password in the Secret changes (the user may have changed theirs).

use kubarr_db::queries::{audit, roles, settings, users};
use sea_orm::{DatabaseConnection, TransactionTrait};

use crate::auth::{password, validate};
use crate::config::Config;
use crate::handlers::setup::SETUP_MARKER;

/// Whether the initial administrator was created now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    NotConfigured,
    AlreadySetUp,
    Created,
}

/// Creates the configured administrator if no user exists yet. Safe to run on several replicas
/// at once: the setup marker lets exactly one of them win.
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
    password::validate(secret, &username, "initial_admin.password").map_err(problem)?;
    let hashed = password::hash(secret, config.auth.bcrypt_cost)
        .await
        .map_err(problem)?;
    let txn = db.begin().await?;
    if users::count(&txn).await? > 0
        || !settings::insert_if_absent(&txn, SETUP_MARKER, "true".into(), "Set when setup is done.")
            .await?
    {
        return Ok(Outcome::AlreadySetUp);
    }
    let role = roles::find_by_name(&txn, "admin")
        .await?
        .ok_or_else(|| anyhow::anyhow!("the admin role is missing"))?;
    let user = users::create(
        &txn,
        users::NewUser {
            username: username.clone(),
            email,
            hashed_password: hashed,
            is_active: true,
            is_approved: true,
        },
        &[role.id],
    )
    .await?;
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
