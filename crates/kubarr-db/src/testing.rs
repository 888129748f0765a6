//! Throw-away databases for tests.
//!
//! `KUBARR_TEST_DATABASE_URL` unset: a fresh SQLite file in a temporary directory.
//! Set to a PostgreSQL server URL (any database on it): a new database with a random name is
//! created for each call and dropped when the [`TestDatabase`] is dropped (or at once with
//! [`TestDatabase::cleanup`]).

use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, Statement};

use crate::{connect, migrate, Backend, DbOptions};

/// A migrated, empty database private to one test.
pub struct TestDatabase {
    pub db: DatabaseConnection,
    pub url: String,
    pub backend: Backend,
    cleanup: Cleanup,
}

enum Cleanup {
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Postgres { admin_url: String, name: String },
    Done,
}

impl TestDatabase {
    /// Creates and migrates a fresh database.
    pub async fn new() -> Self {
        let db = Self::new_unmigrated().await;
        migrate(&db.db).await.expect("migrations apply");
        db
    }

    /// Creates a fresh, empty database without running migrations.
    pub async fn new_unmigrated() -> Self {
        match std::env::var("KUBARR_TEST_DATABASE_URL") {
            Ok(url) if !url.is_empty() => Self::postgres(url).await,
            _ => Self::sqlite().await,
        }
    }

    async fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}/test.db", dir.path().display());
        let db = connect(&DbOptions::new(&url)).await.expect("open SQLite");
        Self {
            db,
            url,
            backend: Backend::Sqlite,
            cleanup: Cleanup::Sqlite(dir),
        }
    }

    async fn postgres(admin_url: String) -> Self {
        let name = format!("kubarr_test_{}", uuid::Uuid::new_v4().simple());
        let admin = connect(&DbOptions::new(&admin_url))
            .await
            .expect("connect to the PostgreSQL test server");
        admin
            .execute(Statement::from_string(
                admin.get_database_backend(),
                format!("CREATE DATABASE {name}"),
            ))
            .await
            .expect("create test database");
        admin.close().await.ok();
        let url = replace_database(&admin_url, &name);
        let mut opts = DbOptions::new(&url);
        opts.max_connections = 5;
        let db = connect(&opts).await.expect("connect to the test database");
        Self {
            db,
            url,
            backend: Backend::Postgres,
            cleanup: Cleanup::Postgres { admin_url, name },
        }
    }

    /// Which backend this test runs on (for messages).
    pub fn label(&self) -> &'static str {
        match self.backend {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }

    /// Closes the pool and drops a PostgreSQL database.
    pub async fn cleanup(mut self) -> Result<(), DbErr> {
        self.db.clone().close().await.ok();
        match std::mem::replace(&mut self.cleanup, Cleanup::Done) {
            Cleanup::Postgres { admin_url, name } => drop_postgres(&admin_url, &name).await,
            _ => Ok(()),
        }
    }
}

impl Drop for TestDatabase {
    /// Drops a PostgreSQL database that [`cleanup`](Self::cleanup) did not: on a thread of its
    /// own with its own runtime, as `Drop` cannot await (and may run inside a runtime).
    fn drop(&mut self) {
        let Cleanup::Postgres { admin_url, name } =
            std::mem::replace(&mut self.cleanup, Cleanup::Done)
        else {
            return;
        };
        let dropped = std::thread::spawn(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| DbErr::Custom(e.to_string()))?
                .block_on(drop_postgres(&admin_url, &name))
        })
        .join();
        match dropped {
            Ok(Ok(())) => {}
            Ok(Err(e)) => eprintln!("could not drop a test database: {e}"),
            Err(_) => eprintln!("could not drop a test database: the thread panicked"),
        }
    }
}

async fn drop_postgres(admin_url: &str, name: &str) -> Result<(), DbErr> {
    let admin = connect(&DbOptions::new(admin_url)).await?;
    // FORCE ends the connections the test's own pool still holds.
    let dropped = admin
        .execute(Statement::from_string(
            admin.get_database_backend(),
            format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
        ))
        .await;
    admin.close().await.ok();
    dropped.map(|_| ())
}

/// Swaps the database name in a PostgreSQL URL, keeping any query string.
fn replace_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let base = match base[scheme_end..].find('/') {
        Some(i) => &base[..scheme_end + i],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

#[cfg(test)]
mod tests {
    use sea_orm::{ConnectionTrait, Statement};

    use super::{connect, replace_database, Backend, DbOptions, TestDatabase};

    /// Dropping the handle removes the database: the PostgreSQL database (checked from the
    /// server's catalog), or the SQLite file.
    #[tokio::test]
    async fn a_dropped_test_database_is_gone() {
        let t = TestDatabase::new().await;
        match t.backend {
            Backend::Sqlite => {
                let file = std::path::PathBuf::from(t.url.trim_start_matches("sqlite://"));
                assert!(file.exists());
                drop(t);
                assert!(!file.exists(), "{} left behind", file.display());
            }
            Backend::Postgres => {
                let admin_url = std::env::var("KUBARR_TEST_DATABASE_URL").unwrap();
                let name = t.url.rsplit('/').next().unwrap().split('?').next().unwrap();
                let name = name.to_owned();
                drop(t);
                let admin = connect(&DbOptions::new(&admin_url)).await.unwrap();
                let found = admin
                    .query_one(Statement::from_string(
                        admin.get_database_backend(),
                        format!("SELECT 1 FROM pg_database WHERE datname = '{name}'"),
                    ))
                    .await
                    .unwrap();
                assert!(found.is_none(), "database {name} left behind");
            }
        }
    }

    #[test]
    fn replaces_the_database_name() {
        assert_eq!(
            replace_database("postgres://u@127.0.0.1:5/postgres", "x"),
            "postgres://u@127.0.0.1:5/x"
        );
        assert_eq!(
            replace_database("postgres://u@h:5", "x"),
            "postgres://u@h:5/x"
        );
        assert_eq!(
            replace_database("postgresql://u:p@h/db?sslmode=disable", "x"),
            "postgresql://u:p@h/x?sslmode=disable"
        );
    }
}
