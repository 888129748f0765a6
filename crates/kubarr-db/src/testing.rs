//! Throw-away databases for tests.
//!
//! `KUBARR_TEST_DATABASE_URL` unset: a fresh SQLite file in a temporary directory.
//! Set to a PostgreSQL server URL (any database on it): a new database with a random name is
//! created for each call and dropped when the [`TestDatabase`] is dropped.

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
    pub async fn cleanup(self) -> Result<(), DbErr> {
        self.db.close().await.ok();
        if let Cleanup::Postgres { admin_url, name } = &self.cleanup {
            let admin = connect(&DbOptions::new(admin_url)).await?;
            admin
                .execute(Statement::from_string(
                    admin.get_database_backend(),
                    format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
                ))
                .await?;
            admin.close().await.ok();
        }
        Ok(())
    }
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
    use super::replace_database;

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
