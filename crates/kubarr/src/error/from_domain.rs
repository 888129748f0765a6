//! Every conversion of a lower layer's error into an [`AppError`], in one place: the status and
//! code each domain failure is answered with is decided here, and only here.

use super::{AppError, ErrorCode};
use crate::apps::AppsError;
use crate::auth::password::{HashError, WeakPassword};
use crate::auth::rate_limit::{Refusal, RetryAfter};
use crate::auth::validate::FieldError;
use crate::identity::IdentityError;

impl From<sea_orm::DbErr> for AppError {
    fn from(err: sea_orm::DbErr) -> Self {
        use sea_orm::DbErr;
        match &err {
            DbErr::RecordNotFound(_) => {
                Self::not_found(ErrorCode::NotFound, "The requested item does not exist.")
            }
            DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => {
                tracing::error!(error = %err, "database unavailable");
                Self::unavailable(
                    ErrorCode::DatabaseUnavailable,
                    "The database is not reachable right now.",
                )
            }
            // Another process holds SQLite's write lock longer than the busy timeout: a passing
            // condition the client may retry, not a fault.
            _ if err.to_string().contains("database is locked") => {
                tracing::warn!(error = %err, "database busy");
                Self::unavailable(ErrorCode::DatabaseBusy, "The database is busy; try again.")
                    .with_retry_after(1)
            }
            _ => Self::internal(err),
        }
    }
}

impl From<sea_orm::TransactionError<sea_orm::DbErr>> for AppError {
    fn from(err: sea_orm::TransactionError<sea_orm::DbErr>) -> Self {
        match err {
            sea_orm::TransactionError::Connection(e)
            | sea_orm::TransactionError::Transaction(e) => e.into(),
        }
    }
}

impl From<Refusal> for AppError {
    fn from(r: Refusal) -> Self {
        match r {
            Refusal::Wait(RetryAfter(secs)) => AppError::too_many_requests(secs),
            Refusal::Store(e) => e.into(),
        }
    }
}

impl From<AppsError> for AppError {
    fn from(e: AppsError) -> Self {
        let message = e.to_string();
        match e {
            AppsError::NotInCatalog(_) | AppsError::NotInstalled(_) => {
                Self::not_found(ErrorCode::AppNotFound, message)
            }
            AppsError::AlreadyInstalled(_) => Self::conflict(ErrorCode::AlreadyInstalled, message),
            AppsError::Busy(_) => Self::conflict(ErrorCode::AppBusy, message),
            AppsError::VersionUnavailable { .. } => {
                Self::unprocessable(ErrorCode::VersionUnavailable, message).with_field("version")
            }
            AppsError::ValuesNotObject => Self::validation("values", message),
            AppsError::InvalidValues { field, .. } => {
                Self::unprocessable(ErrorCode::InvalidValues, message).with_field(field)
            }
            AppsError::KubarrValues => {
                Self::unprocessable(ErrorCode::InvalidValues, message).with_field("values.kubarr")
            }
            AppsError::InvalidMediaStorage(_) => {
                Self::unprocessable(ErrorCode::InvalidMediaStorage, message)
            }
            AppsError::InvalidPod => {
                Self::bad_request(ErrorCode::InvalidPod, message).with_field("pod")
            }
            AppsError::ClusterUnavailable => cluster_unavailable(),
            AppsError::PodNotFound(_) => Self::not_found(ErrorCode::PodNotFound, message),
            AppsError::InvalidLogRequest(_) => {
                Self::bad_request(ErrorCode::InvalidLogRequest, message)
            }
            AppsError::Database(e) => e.into(),
            AppsError::Cluster(e) => e.into(),
        }
    }
}

/// Orchestrator errors reach clients without internals: an unreachable cluster is a 503, a
/// namespace Kubarr does not manage a 404, anything else a logged 500.
impl From<kubarr_orchestrator::Error> for AppError {
    fn from(e: kubarr_orchestrator::Error) -> Self {
        use kubarr_orchestrator::Error;
        if e.is_unavailable() {
            tracing::warn!(error = %e, "cluster unavailable");
            return cluster_unavailable();
        }
        match &e {
            Error::NotManaged(ns) => Self::not_found(
                ErrorCode::AppNotFound,
                format!("No app `{ns}` is installed by Kubarr."),
            ),
            _ if e.api_code() == Some(404) => {
                Self::not_found(ErrorCode::NotFound, "The requested object does not exist.")
            }
            _ => Self::internal(e),
        }
    }
}

fn cluster_unavailable() -> AppError {
    AppError::unavailable(
        ErrorCode::ClusterUnavailable,
        AppsError::ClusterUnavailable.to_string(),
    )
}

impl From<FieldError> for AppError {
    fn from(e: FieldError) -> Self {
        Self::validation(e.field, e.message)
    }
}

impl From<WeakPassword> for AppError {
    fn from(e: WeakPassword) -> Self {
        // Well-formed but refused for what it is: 422, as for other semantically invalid values.
        Self::unprocessable(ErrorCode::WeakPassword, e.message).with_field(e.field)
    }
}

impl From<HashError> for AppError {
    fn from(e: HashError) -> Self {
        match e {
            HashError::Busy => Self::unavailable(ErrorCode::ServerBusy, e.to_string()),
            HashError::Failed(_) => Self::internal(e),
        }
    }
}

impl From<IdentityError> for AppError {
    fn from(e: IdentityError) -> Self {
        let message = e.to_string();
        match e {
            IdentityError::Invalid(e) => e.into(),
            IdentityError::WeakPassword(e) => e.into(),
            IdentityError::UsernameTaken => {
                Self::conflict(ErrorCode::UsernameTaken, message).with_field("username")
            }
            IdentityError::EmailTaken => {
                Self::conflict(ErrorCode::EmailTaken, message).with_field("email")
            }
            IdentityError::UsernameOrEmailTaken => {
                Self::conflict(ErrorCode::UsernameTaken, message)
            }
            IdentityError::AlreadySetUp => Self::conflict(ErrorCode::SetupCompleted, message),
            IdentityError::Hashing(e) => e.into(),
            IdentityError::Database(e) => e.into(),
        }
    }
}

impl From<crate::wiring::account::AccountError> for AppError {
    fn from(err: crate::wiring::account::AccountError) -> Self {
        use crate::wiring::account::AccountError as E;
        let message = err.to_string();
        match err {
            E::NotInstalled(_) => Self::not_found(ErrorCode::AppNotFound, message),
            E::TakesNoAccount(_) => Self::unprocessable(ErrorCode::AppTakesNoAccount, message),
            E::Refused(_) | E::NotAdministrator(_) => {
                Self::unprocessable(ErrorCode::AppRefusedAccount, message)
            }
            E::Unreachable(_) => Self::unavailable(ErrorCode::AppUnreachable, message),
            E::Db(e) => e.into(),
        }
    }
}
