//! Opening the database: SQLite tuned for one writer, PostgreSQL with a sized pool and retries.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use kubarr_migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sea_orm::sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous,
};
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DbErr, SqlxPostgresConnector, SqlxSqliteConnector,
    Statement, TransactionTrait,
};

/// Which database a URL names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// Detects the backend from a URL's scheme.
    pub fn from_url(url: &str) -> Option<Self> {
        if url.starts_with("sqlite:") {
            Some(Self::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(Self::Postgres)
        } else {
            None
        }
    }
}

/// How to open the database.
#[derive(Clone, Debug)]
pub struct DbOptions {
    pub url: String,
    /// PostgreSQL pool size. SQLite always uses one connection (see [`connect`]).
    pub max_connections: u32,
    /// How long a request may wait for a pooled connection.
    pub acquire_timeout: Duration,
    /// How long to keep retrying the first PostgreSQL connection at start-up.
    pub startup_timeout: Duration,
}

impl DbOptions {
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            max_connections: 10,
            acquire_timeout: Duration::from_secs(30),
            startup_timeout: Duration::from_secs(60),
        }
    }
}

/// Opens the database named by `opts.url`.
///
/// SQLite runs in WAL mode with foreign keys on and a 5 s busy timeout, through exactly one pooled
/// connection: concurrent writers then queue in the pool instead of failing with `SQLITE_BUSY`.
/// The file's directory is created if missing. PostgreSQL retries with backoff until
/// `startup_timeout`, logging each failure.
pub async fn connect(opts: &DbOptions) -> Result<DatabaseConnection, DbErr> {
    match Backend::from_url(&opts.url) {
        Some(Backend::Sqlite) => connect_sqlite(opts).await,
        Some(Backend::Postgres) => connect_postgres(opts).await,
        None => Err(DbErr::Custom(
            "database URL must start with sqlite:, postgres:// or postgresql://".into(),
        )),
    }
}

async fn connect_sqlite(opts: &DbOptions) -> Result<DatabaseConnection, DbErr> {
    let sqlite_opts = SqliteConnectOptions::from_str(&opts.url)
        .map_err(|e| DbErr::Custom(format!("invalid SQLite URL: {e}")))?;
    if let Some(dir) = Path::new(sqlite_opts.get_filename()).parent() {
        if !dir.as_os_str().is_empty() && !dir.exists() {
            std::fs::create_dir_all(dir).map_err(|e| {
                DbErr::Custom(format!(
                    "cannot create database directory {}: {e}",
                    dir.display()
                ))
            })?;
        }
    }
    let sqlite_opts = sqlite_opts
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(5));
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .min_connections(1)
        .acquire_timeout(opts.acquire_timeout)
        .connect_with(sqlite_opts)
        .await
        .map_err(|e| DbErr::Custom(format!("cannot open SQLite database: {e}")))?;
    Ok(SqlxSqliteConnector::from_sqlx_sqlite_pool(pool))
}

async fn connect_postgres(opts: &DbOptions) -> Result<DatabaseConnection, DbErr> {
    let pg_opts = PgConnectOptions::from_str(&opts.url)
        .map_err(|e| DbErr::Custom(format!("invalid PostgreSQL URL: {e}")))?;
    let deadline = tokio::time::Instant::now() + opts.startup_timeout;
    let mut delay = Duration::from_millis(250);
    let mut attempt = 1;
    loop {
        let result = PgPoolOptions::new()
            .max_connections(opts.max_connections.max(1))
            .acquire_timeout(opts.acquire_timeout)
            .connect_with(pg_opts.clone())
            .await;
        match result {
            Ok(pool) => return Ok(SqlxPostgresConnector::from_sqlx_postgres_pool(pool)),
            Err(e) if tokio::time::Instant::now() + delay < deadline => {
                tracing::warn!(attempt, error = %e, retry_in_ms = delay.as_millis() as u64,
                    "cannot connect to PostgreSQL yet");
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(5));
                attempt += 1;
            }
            Err(e) => {
                return Err(DbErr::Custom(format!(
                    "cannot connect to PostgreSQL after {attempt} attempts: {e}"
                )))
            }
        }
    }
}

/// Key of the PostgreSQL advisory lock held while migrating ("kubarr" in ASCII).
const MIGRATION_LOCK: i64 = 0x6b75_6261_7272;

/// Applies every pending migration, in one transaction that first takes the database's write
/// lock, so processes starting together take turns: the first migrates, the others wait for it
/// and then find nothing left to do. (PostgreSQL: a transaction-scoped advisory lock. SQLite: a
/// write to the file header as the first statement, which takes the write lock at once and makes
/// the others wait through the busy timeout.)
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    let backend = db.get_database_backend();
    let lock = match backend {
        sea_orm::DatabaseBackend::Postgres => {
            format!("SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
        }
        _ => "PRAGMA user_version = 1".to_owned(),
    };
    let txn = db.begin().await?;
    txn.execute(Statement::from_string(backend, lock)).await?;
    Migrator::up(&txn, None).await?;
    txn.commit().await
}
