//! Accounts come to exist here and nowhere else: first-run setup, an administrator's create,
//! registration, `kubarr admin create` and the initial administrator from the configuration all
//! go through [`CheckedAccount`] (field rules, password policy, hashing) and
//! [`create_user`] (free username and e-mail, the insert with its roles). The insert runs in the
//! caller's transaction, so the caller's audit entry (and an invite's redemption) commit with it.

use kubarr_db::entities::users as user_entity;
use kubarr_db::queries::users;
use sea_orm::{ConnectionTrait, DbErr};

use crate::auth::password::{self, HashError};
use crate::auth::validate::{self, FieldError};

/// Why an account cannot be created (or changed).
#[derive(Debug, thiserror::Error)]
pub enum IdentityError {
    /// A field breaks its rule.
    #[error(transparent)]
    Invalid(#[from] FieldError),
    /// The password fails the policy.
    #[error(transparent)]
    WeakPassword(#[from] password::WeakPassword),
    #[error("That username is taken.")]
    UsernameTaken,
    #[error("An account with that e-mail address exists.")]
    EmailTaken,
    /// A concurrent create won the race for the username or the e-mail.
    #[error("That username or e-mail is taken.")]
    UsernameOrEmailTaken,
    /// A first administrator was asked for, but a user exists.
    #[error("Kubarr is already set up.")]
    AlreadySetUp,
    #[error(transparent)]
    Hashing(#[from] HashError),
    #[error(transparent)]
    Database(#[from] DbErr),
}

/// The fields of an account to be.
#[derive(Clone, Copy, Debug)]
pub struct AccountFields<'a> {
    pub username: &'a str,
    pub email: &'a str,
    pub password: &'a str,
}

/// An account whose fields passed their rules (the password not hashed yet).
pub struct CheckedAccount<'a> {
    username: String,
    email: String,
    password: &'a str,
}

impl<'a> CheckedAccount<'a> {
    /// Checks the fields; errors name them as `<prefix>username` etc. (`""` for a request,
    /// `"initial_admin."` for the configuration).
    pub fn check(fields: AccountFields<'a>, prefix: &str) -> Result<Self, IdentityError> {
        let username = validate::username(fields.username, &format!("{prefix}username"))?;
        let email = validate::email(fields.email, &format!("{prefix}email"))?;
        password::validate_with(
            fields.password,
            &[&username, &email],
            &format!("{prefix}password"),
        )?;
        Ok(Self {
            username,
            email,
            password: fields.password,
        })
    }

    /// The username as it will be stored (trimmed).
    pub fn username(&self) -> &str {
        &self.username
    }

    /// The e-mail address as it will be stored (trimmed).
    pub fn email(&self) -> &str {
        &self.email
    }

    /// Hashes the password. Slow: do it before opening a transaction.
    pub async fn hash(self, bcrypt_cost: u32) -> Result<NewAccount, IdentityError> {
        let hashed_password = password::hash(self.password, bcrypt_cost).await?;
        Ok(NewAccount {
            username: self.username,
            email: self.email,
            hashed_password,
        })
    }
}

/// A checked account with its password hashed, ready to insert.
pub struct NewAccount {
    username: String,
    email: String,
    hashed_password: String,
}

impl NewAccount {
    /// [`CheckedAccount::check`] then [`CheckedAccount::hash`].
    pub async fn prepare(
        fields: AccountFields<'_>,
        prefix: &str,
        bcrypt_cost: u32,
    ) -> Result<Self, IdentityError> {
        CheckedAccount::check(fields, prefix)?
            .hash(bcrypt_cost)
            .await
    }

    /// The username as it will be stored (trimmed).
    pub fn username(&self) -> &str {
        &self.username
    }
}

/// Which roles the new user gets.
#[derive(Clone, Debug)]
pub enum Membership {
    /// The `admin` role, and only while no user exists (setup, the initial administrator).
    FirstAdmin,
    /// These roles (already checked to exist).
    Roles(Vec<i64>),
}

/// Inserts the account, active, and approved unless `pending_approval`.
pub async fn create_user(
    db: &impl ConnectionTrait,
    account: NewAccount,
    membership: Membership,
    pending_approval: bool,
) -> Result<user_entity::Model, IdentityError> {
    let new = users::NewUser {
        username: account.username,
        email: account.email,
        hashed_password: account.hashed_password,
        is_active: true,
        is_approved: !pending_approval,
    };
    match membership {
        Membership::FirstAdmin => users::create_first_admin(db, new)
            .await?
            .ok_or(IdentityError::AlreadySetUp),
        Membership::Roles(role_ids) => {
            ensure_free(db, Some(&new.username), Some(&new.email), None).await?;
            users::create(db, new, &role_ids).await.map_err(|e| {
                if is_unique_violation(&e) {
                    IdentityError::UsernameOrEmailTaken
                } else {
                    e.into()
                }
            })
        }
    }
}

/// Fails when the username or the e-mail (compared case-insensitively, each against both) belongs
/// to a user other than `except`.
pub async fn ensure_free(
    db: &impl ConnectionTrait,
    username: Option<&str>,
    email: Option<&str>,
    except: Option<i64>,
) -> Result<(), IdentityError> {
    if let Some(username) = username {
        if let Some(u) = users::find_by_login(db, username).await? {
            if Some(u.id) != except {
                return Err(IdentityError::UsernameTaken);
            }
        }
    }
    if let Some(email) = email {
        if let Some(u) = users::find_by_login(db, email).await? {
            if Some(u.id) != except {
                return Err(IdentityError::EmailTaken);
            }
        }
    }
    Ok(())
}

/// Whether a database error is a unique-constraint violation.
pub fn is_unique_violation(err: &DbErr) -> bool {
    matches!(
        err.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    )
}
