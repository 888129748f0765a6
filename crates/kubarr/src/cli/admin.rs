//! `kubarr admin …`: account rescue from the command line.

use std::io::{BufRead, IsTerminal};

use anyhow::Context;
use sea_orm::TransactionTrait;

use crate::auth::password;
use crate::config::Config;
use crate::identity::{self, AccountFields, IdentityError, Membership, NewAccount};

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

pub async fn create(config: Config, username: String, email: String) -> anyhow::Result<()> {
    let (pw, generated) = read_or_generate_password()?;
    let fields = AccountFields {
        username: &username,
        email: &email,
        password: &pw,
    };
    let account = NewAccount::prepare(fields, "", config.auth.bcrypt_cost)
        .await
        .map_err(refusal)?;
    let username = account.username().to_owned();
    let db = crate::server::open_database(&config).await?;
    let txn = db.begin().await?;
    let admin = kubarr_db::queries::roles::find_by_name(&txn, "admin")
        .await?
        .context("the admin role is missing")?;
    let user = identity::create_user(&txn, account, Membership::Roles(vec![admin.id]), false)
        .await
        .map_err(refusal)?;
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

/// How the command line words a refused account.
fn refusal(e: IdentityError) -> anyhow::Error {
    match e {
        IdentityError::Invalid(f) => anyhow::anyhow!("--{}: {}", f.field, f.message),
        IdentityError::UsernameTaken
        | IdentityError::EmailTaken
        | IdentityError::UsernameOrEmailTaken => {
            anyhow::anyhow!("a user with that username or e-mail already exists")
        }
        other => other.into(),
    }
}

pub async fn reset_password(config: Config, login: String) -> anyhow::Result<()> {
    let db = crate::server::open_database(&config).await?;
    let user = kubarr_db::queries::users::find_by_login(&db, login.trim())
        .await?
        .with_context(|| format!("no user `{login}`"))?;
    let (pw, generated) = read_or_generate_password()?;
    password::validate_with(&pw, &[&user.username, &user.email], "password")?;
    let hashed = password::hash(&pw, config.auth.bcrypt_cost).await?;
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
