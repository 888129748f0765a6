//! `kubarr admin …`: account rescue from the command line.

use std::io::{BufRead, IsTerminal};

use anyhow::{bail, Context};
use sea_orm::TransactionTrait;

use crate::auth::password;
use crate::config::Config;

/// Reads a password from standard input when it is piped; otherwise generates one.
/// Returns the password and whether it was generated.
fn read_or_generate_password() -> anyhow::Result<(String, bool)> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        return Ok((password::generate(), true));
    }
    let mut line = String::new();
    stdin
        .lock()
        .read_line(&mut line)
        .context("reading the password from standard input")?;
    let line = line.trim_end_matches(['\n', '\r']).to_owned();
    if line.is_empty() {
        Ok((password::generate(), true))
    } else {
        Ok((line, false))
    }
}

fn policy(pw: &str, username: &str, email: &str) -> anyhow::Result<()> {
    password::validate_with(pw, &[username, email], "password")
        .map_err(|e| anyhow::anyhow!("refused: {}", e.message()))
}

pub async fn create(config: Config, username: String, email: String) -> anyhow::Result<()> {
    let username = username.trim().to_owned();
    let email = email.trim().to_owned();
    if username.is_empty() || email.is_empty() || !email.contains('@') {
        bail!("--username and a valid --email are required");
    }
    let (pw, generated) = read_or_generate_password()?;
    policy(&pw, &username, &email)?;
    let hashed = password::hash(&pw, config.auth.bcrypt_cost)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let db = crate::server::open_database(&config).await?;
    let txn = db.begin().await?;
    if kubarr_db::queries::users::find_by_login(&txn, &username)
        .await?
        .is_some()
        || kubarr_db::queries::users::find_by_login(&txn, &email)
            .await?
            .is_some()
    {
        bail!("a user with that username or e-mail already exists");
    }
    let admin = kubarr_db::queries::roles::find_by_name(&txn, "admin")
        .await?
        .context("the admin role is missing")?;
    let user = kubarr_db::queries::users::create(
        &txn,
        kubarr_db::queries::users::NewUser {
            username: username.clone(),
            email,
            hashed_password: hashed,
            is_active: true,
            is_approved: true,
        },
        &[admin.id],
    )
    .await?;
    kubarr_db::queries::audit::record(
        &txn,
        kubarr_db::queries::audit::Entry::cli("user_created", "user", user.id.to_string())
            .details(serde_json::json!({ "username": username, "roles": ["admin"], "via": "cli" })),
    )
    .await?;
    txn.commit().await?;
    println!("created administrator `{username}` (id {})", user.id);
    if generated {
        println!("password (shown once): {pw}");
    }
    Ok(())
}

pub async fn reset_password(config: Config, login: String) -> anyhow::Result<()> {
    let db = crate::server::open_database(&config).await?;
    let user = kubarr_db::queries::users::find_by_login(&db, login.trim())
        .await?
        .with_context(|| format!("no user `{login}`"))?;
    let (pw, generated) = read_or_generate_password()?;
    policy(&pw, &user.username, &user.email)?;
    let hashed = password::hash(&pw, config.auth.bcrypt_cost)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let txn = db.begin().await?;
    kubarr_db::queries::users::set_password(&txn, user.id, hashed).await?;
    let revoked = kubarr_db::queries::sessions::revoke_all_for_user(&txn, user.id, None).await?;
    kubarr_db::queries::two_factor::delete_challenges_for_user(&txn, user.id).await?;
    kubarr_db::queries::audit::record(
        &txn,
        kubarr_db::queries::audit::Entry::cli("password_reset", "user", user.id.to_string())
            .details(serde_json::json!({ "username": user.username, "via": "cli", "sessions_revoked": revoked })),
    )
    .await?;
    txn.commit().await?;
    println!(
        "password of `{}` changed; {revoked} session(s) ended",
        user.username
    );
    if generated {
        println!("password (shown once): {pw}");
    }
    Ok(())
}
