//! Schema tests against the real migrations, on SQLite or on the PostgreSQL server named by
//! `KUBARR_TEST_DATABASE_URL` (`make test` runs them on both).

use std::collections::BTreeSet;

use kubarr_migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait, ModelTrait, Statement};

use crate::entities::{sessions, users};
use crate::queries;
use crate::testing::TestDatabase;
use crate::Backend;

const TABLES: &[&str] = &[
    "app_access",
    "app_credentials",
    "app_installations",
    "app_sessions",
    "app_vpn_configs",
    "audit_logs",
    "gateway_tickets",
    "invites",
    "leases",
    "notification_channels",
    "notification_deliveries",
    "notification_events",
    "oauth_accounts",
    "oauth_providers",
    "pending_2fa_challenges",
    "rate_limit_counters",
    "role_app_permissions",
    "role_permissions",
    "roles",
    "sessions",
    "system_settings",
    "two_factor_recovery_codes",
    "user_notification_preferences",
    "user_notifications",
    "user_preferences",
    "user_roles",
    "users",
    "vpn_providers",
    "wiring_links",
];

const INDEXES: &[&str] = &[
    "idx_users_username_lower",
    "idx_users_email_lower",
    "idx_roles_name_lower",
    "idx_user_roles_role",
    "idx_role_permissions_unique",
    "idx_role_app_permissions_unique",
    "idx_sessions_user",
    "idx_sessions_expires",
    "idx_pending_2fa_challenges_expires",
    "idx_recovery_codes_user",
    "idx_invites_created_by",
    "idx_oauth_providers_name",
    "idx_oauth_accounts_provider_user",
    "idx_oauth_accounts_user",
    "idx_audit_logs_created",
    "idx_audit_logs_user_created",
    "idx_audit_logs_action_created",
    "idx_audit_logs_resource",
    "idx_notification_channels_name",
    "idx_notification_events_unique",
    "idx_user_notification_preferences_unique",
    "idx_notification_deliveries_channel_created",
    "idx_notification_deliveries_status",
    "idx_user_notifications_inbox",
    "idx_vpn_providers_name",
    "idx_app_vpn_configs_app",
    "idx_app_vpn_configs_provider",
    "idx_app_installations_app",
    "idx_leases_name",
    "idx_rate_limit_counters_key",
    "idx_rate_limit_counters_expires",
    "idx_gateway_tickets_expires",
    "idx_app_sessions_session",
    "idx_app_sessions_expires",
    "idx_app_access_port",
    "idx_wiring_links_from_app",
    "idx_wiring_links_to_app",
];

async fn names(db: &DatabaseConnection, sqlite: &str, postgres: &str) -> BTreeSet<String> {
    let backend = db.get_database_backend();
    let sql = match backend {
        sea_orm::DatabaseBackend::Sqlite => sqlite,
        _ => postgres,
    };
    db.query_all(Statement::from_string(backend, sql))
        .await
        .unwrap()
        .into_iter()
        .map(|row| row.try_get_by_index::<String>(0).unwrap())
        .collect()
}

async fn tables(db: &DatabaseConnection) -> BTreeSet<String> {
    names(
        db,
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'seaql_migrations'",
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'seaql_migrations'",
    )
    .await
}

async fn indexes(db: &DatabaseConnection) -> BTreeSet<String> {
    names(
        db,
        "SELECT name FROM sqlite_master WHERE type = 'index'",
        "SELECT indexname FROM pg_indexes WHERE schemaname = 'public'",
    )
    .await
}

#[tokio::test]
async fn migrations_create_every_table_and_index() {
    let t = TestDatabase::new().await;
    let expected: BTreeSet<String> = TABLES.iter().map(|s| s.to_string()).collect();
    assert_eq!(tables(&t.db).await, expected, "tables on {}", t.label());
    let have = indexes(&t.db).await;
    for idx in INDEXES {
        assert!(have.contains(*idx), "index {idx} missing on {}", t.label());
    }
    t.cleanup().await.unwrap();
}

#[tokio::test]
async fn migrations_go_down_and_up_again() {
    let t = TestDatabase::new().await;
    Migrator::down(&t.db, None).await.unwrap();
    assert!(
        tables(&t.db).await.is_empty(),
        "down leaves no table on {}",
        t.label()
    );
    Migrator::up(&t.db, None).await.unwrap();
    assert_eq!(tables(&t.db).await.len(), TABLES.len());
    assert_eq!(queries::roles::list(&t.db).await.unwrap().len(), 3);
    t.cleanup().await.unwrap();
}

#[tokio::test]
async fn replicas_starting_together_migrate_once() {
    let t = TestDatabase::new_unmigrated().await;
    // Several processes on one database: separate pools, started at the same moment.
    let mut pools = Vec::new();
    for _ in 0..4 {
        pools.push(
            crate::connect(&crate::DbOptions::new(&t.url))
                .await
                .unwrap(),
        );
    }
    let runs: Vec<_> = pools
        .iter()
        .cloned()
        .map(|db| tokio::spawn(async move { crate::migrate(&db).await }))
        .collect();
    for run in runs {
        run.await.unwrap().unwrap();
    }
    assert_eq!(tables(&t.db).await.len(), TABLES.len(), "on {}", t.label());
    assert_eq!(queries::roles::list(&t.db).await.unwrap().len(), 3);
    for p in pools {
        p.close().await.ok();
    }
    t.cleanup().await.unwrap();
}

#[tokio::test]
async fn system_roles_are_seeded_with_their_permissions() {
    let t = TestDatabase::new().await;
    let roles = queries::roles::list(&t.db).await.unwrap();
    let names: Vec<_> = roles.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["admin", "operator", "viewer"]);
    assert!(roles.iter().all(|r| r.is_system));
    let perms = |name: &str| {
        let id = roles.iter().find(|r| r.name == name).unwrap().id;
        let db = t.db.clone();
        async move { queries::roles::permissions(&db, id).await.unwrap() }
    };
    assert_eq!(perms("admin").await.len(), 20);
    assert_eq!(
        perms("operator").await,
        [
            "apps.delete",
            "apps.install",
            "apps.open",
            "apps.restart",
            "apps.upgrade",
            "apps.view",
            "logs.view",
            "monitoring.view"
        ]
    );
    assert_eq!(
        perms("viewer").await,
        ["apps.view", "logs.view", "monitoring.view"]
    );
    t.cleanup().await.unwrap();
}

fn new_user(name: &str) -> queries::users::NewUser {
    queries::users::NewUser {
        username: name.into(),
        email: format!("{}@example.test", name.to_lowercase()),
        hashed_password: "x".into(),
        is_active: true,
        is_approved: true,
    }
}

#[tokio::test]
async fn usernames_and_emails_are_unique_case_insensitively() {
    let t = TestDatabase::new().await;
    queries::users::create(&t.db, new_user("Alice"), &[])
        .await
        .unwrap();
    assert!(queries::users::create(&t.db, new_user("alice"), &[])
        .await
        .is_err());
    let mut other = new_user("alice2");
    other.email = "ALICE@example.test".into();
    assert!(queries::users::create(&t.db, other, &[]).await.is_err());
    let found = queries::users::find_by_login(&t.db, "ALICE")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.username, "Alice");
    let by_mail = queries::users::find_by_login(&t.db, "Alice@Example.Test")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(by_mail.id, found.id);
    t.cleanup().await.unwrap();
}

#[tokio::test]
async fn deleting_a_user_cascades_to_sessions_and_roles() {
    let t = TestDatabase::new().await;
    let admin = queries::roles::find_by_name(&t.db, "ADMIN")
        .await
        .unwrap()
        .unwrap();
    let user = queries::users::create(&t.db, new_user("bob"), &[admin.id])
        .await
        .unwrap();
    let now = chrono::Utc::now();
    sessions::Entity::insert(sessions::ActiveModel {
        id: sea_orm::Set("h".repeat(64)),
        user_id: sea_orm::Set(user.id),
        user_agent: sea_orm::Set(None),
        ip_address: sea_orm::Set(None),
        created_at: sea_orm::Set(now),
        expires_at: sea_orm::Set(now),
        last_accessed_at: sea_orm::Set(now),
        is_revoked: sea_orm::Set(false),
    })
    .exec(&t.db)
    .await
    .unwrap();
    let audit =
        queries::audit::Entry::new("user_created", "user").actor(Some(user.id), Some("bob".into()));
    queries::audit::record(&t.db, audit).await.unwrap();
    user.delete(&t.db).await.unwrap();
    assert_eq!(sessions::Entity::find().all(&t.db).await.unwrap().len(), 0);
    assert_eq!(users::Entity::find().all(&t.db).await.unwrap().len(), 0);
    // The audit trail survives with the user reference cleared.
    let rows = crate::entities::audit_logs::Entity::find()
        .all(&t.db)
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].user_id, None);
    assert_eq!(rows[0].username.as_deref(), Some("bob"));
    t.cleanup().await.unwrap();
}

#[tokio::test]
async fn concurrent_writers_all_succeed() {
    use sea_orm::TransactionTrait;
    let t = TestDatabase::new().await;
    let mut tasks = Vec::new();
    for task in 0..10 {
        let db = t.db.clone();
        tasks.push(tokio::spawn(async move {
            let mut errors = 0;
            for i in 0..20 {
                let result = async {
                    let txn = db.begin().await?;
                    queries::audit::record(
                        &txn,
                        queries::audit::Entry::new("test_write", "test")
                            .resource(format!("{task}-{i}")),
                    )
                    .await?;
                    queries::settings::upsert(&txn, &format!("k{task}"), i.to_string(), "", None)
                        .await?;
                    txn.commit().await
                }
                .await;
                if result.is_err() {
                    errors += 1;
                }
            }
            errors
        }));
    }
    let mut errors = 0;
    for task in tasks {
        errors += task.await.unwrap();
    }
    assert_eq!(errors, 0, "write errors on {}", t.label());
    let rows = crate::entities::audit_logs::Entity::find()
        .all(&t.db)
        .await
        .unwrap();
    assert_eq!(rows.len(), 200);
    assert_eq!(queries::settings::list(&t.db).await.unwrap().len(), 10);
    t.cleanup().await.unwrap();
}

#[tokio::test]
async fn sqlite_pragmas_are_applied() {
    let t = TestDatabase::new().await;
    if t.backend == Backend::Sqlite {
        let row = |sql: &'static str| {
            let db = t.db.clone();
            async move {
                db.query_one(Statement::from_string(db.get_database_backend(), sql))
                    .await
                    .unwrap()
                    .unwrap()
            }
        };
        let mode: String = row("PRAGMA journal_mode")
            .await
            .try_get_by_index(0)
            .unwrap();
        assert_eq!(mode, "wal");
        let fk: i32 = row("PRAGMA foreign_keys")
            .await
            .try_get_by_index(0)
            .unwrap();
        assert_eq!(fk, 1);
        let busy: i32 = row("PRAGMA busy_timeout")
            .await
            .try_get_by_index(0)
            .unwrap();
        assert!(busy >= 5000);
    }
    t.cleanup().await.unwrap();
}
