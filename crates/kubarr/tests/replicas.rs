//! Two `kubarr` processes sharing one database and one cluster, as two replicas behind a load
//! balancer would: concurrent operations run exactly once, one replica leads, and the leader's
//! work moves to the other when it dies — including recovering the operation the dead replica
//! left half done.
//!
//! Several replicas need PostgreSQL (the chart refuses more than one replica on SQLite, where
//! two processes writing one file get `database is locked`), so these tests are ignored in the
//! SQLite pass and `make test` runs them in its PostgreSQL pass with `--ignored`.

#[path = "support/server.rs"]
mod server;

use std::path::Path;
use std::time::{Duration, Instant};

use kubarr_db::queries::leases;
use kubarr_db::testing::TestDatabase;
use kubarr_db::Backend;
use serde_json::json;
use server::{helm_json, helm_status, local_command, stream_until, Server};
use tokio::sync::Mutex;

static SERIAL: Mutex<()> = Mutex::const_new(());

const NEEDS_POSTGRES: &str = "set KUBARR_TEST_DATABASE_URL to a PostgreSQL server";

/// A fresh PostgreSQL database.
async fn postgres() -> TestDatabase {
    let db = TestDatabase::new().await;
    assert_eq!(db.backend, Backend::Postgres, "{NEEDS_POSTGRES}");
    db
}

async fn replica(db: &TestDatabase, data: &Path, charts: &Path) -> Server {
    let mut cmd = local_command(data, charts);
    cmd.env("KUBARR_DATABASE_URL", &db.url).env(
        "KUBARR_SECRET_KEY",
        "replica-test-secret-key-0123456789abcdef",
    );
    Server::spawn(cmd).await
}

async fn leader(db: &TestDatabase) -> Option<String> {
    leases::find(&db.db, leases::LEADER)
        .await
        .unwrap()
        .filter(|l| l.expires_at > chrono::Utc::now())
        .map(|l| l.holder)
}

async fn wait_for<F, Fut, T>(timeout: Duration, what: &str, mut probe: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(v) = probe().await {
            return v;
        }
        assert!(Instant::now() < deadline, "{what}: not within {timeout:?}");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

#[tokio::test]
#[ignore = "cluster tier, PostgreSQL only: make test runs it in its PostgreSQL pass"]
async fn concurrent_installs_through_two_replicas_run_once_per_app() {
    let _serial = SERIAL.lock().await;
    let db = postgres().await;
    let suffix = kubarr_testbed::unique_suffix();
    let apps = [format!("sonarr-{suffix}"), format!("radarr-{suffix}")];
    let charts =
        kubarr_testbed::renamed_catalog(&[("sonarr", &apps[0]), ("radarr", &apps[1])]).unwrap();
    let (data_a, data_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let a = replica(&db, data_a.path(), charts.path()).await;
    let b = replica(&db, data_b.path(), charts.path()).await;
    let token = a.setup_admin().await;
    // One session, valid on both: they share the database.
    a.wait_ready().await;
    b.wait_ready().await;

    // Both replicas' event streams must report both installs, whichever replica runs them.
    let watchers: Vec<_> = [a.port, b.port]
        .into_iter()
        .map(|port| {
            let (token, apps) = (token.clone(), apps.clone());
            tokio::spawn(async move {
                stream_until(
                    port,
                    "/api/events/stream",
                    &token,
                    Duration::from_secs(180),
                    |seen| {
                        apps.iter().all(|app| {
                            seen.contains(&format!(r#""name":"{app}","state":"installed""#))
                        })
                    },
                )
                .await
            })
        })
        .collect();
    // Each app is asked for through both replicas at the same moment.
    for app in &apps {
        let body = json!({"app_name": app});
        let (ra, rb) = tokio::join!(
            a.call(
                "POST",
                "/api/apps/install",
                Some(&token),
                Some(body.clone())
            ),
            b.call(
                "POST",
                "/api/apps/install",
                Some(&token),
                Some(body.clone())
            ),
        );
        let mut statuses = [ra.0, rb.0];
        statuses.sort();
        assert_eq!(statuses, [202, 409], "{app}: {ra:?} {rb:?}");
    }
    for app in &apps {
        a.wait_app(&token, app, Duration::from_secs(180), |s| {
            s["state"] == "installed"
        })
        .await;
        // Exactly one helm operation: one revision in the release history.
        let history = helm_json(&["history", app, "-n", app, "-o", "json"]).unwrap();
        assert_eq!(history.as_array().unwrap().len(), 1, "{app}: {history}");
        // And one audited start, whichever replica ran it.
        let (_, audit) = b
            .call(
                "GET",
                "/api/audit?action=app_installed&resource_type=app&limit=100",
                Some(&token),
                None,
            )
            .await;
        let started = audit["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["resource_id"] == app.as_str() && e["details"]["outcome"] == "started")
            .count();
        assert_eq!(started, 1, "{app}: {audit}");
    }
    for (watcher, replica) in watchers.into_iter().zip(["a", "b"]) {
        assert!(
            watcher.await.unwrap(),
            "replica {replica}'s event stream missed an install"
        );
    }
    // Both replicas see the same state.
    for server in [&a, &b] {
        let (_, list) = server.call("GET", "/api/apps", Some(&token), None).await;
        for app in &apps {
            assert!(
                list.as_array()
                    .unwrap()
                    .iter()
                    .any(|i| i["name"] == app.as_str() && i["state"] == "installed"),
                "{app} in {list}"
            );
        }
    }
    // A session ended on one replica stops working on the other within its cache lifetime.
    let second = b.login("admin", "admin plover marzipan 60").await;
    let (status, _) = b.call("GET", "/api/auth/me", Some(&second), None).await;
    assert_eq!(status, 200);
    let (status, body) = a
        .call("POST", "/api/auth/logout", Some(&second), None)
        .await;
    assert!(status == 200 || status == 204, "{status} {body}");
    b.wait_as(
        Some(&second),
        kubarr::auth::grants::SESSION_CACHE_TTL + Duration::from_secs(5),
        |s, _| s == 401,
        "GET",
        "/api/auth/me",
    )
    .await;
    for app in &apps {
        b.call_when_idle(
            "DELETE",
            &format!("/api/apps/{app}?delete_data=true"),
            &token,
        )
        .await;
    }
    for app in &apps {
        a.wait_app(&token, app, Duration::from_secs(180), |s| {
            s["state"] == "not_installed"
        })
        .await;
    }
    db.cleanup().await.unwrap();
}

#[tokio::test]
#[ignore = "cluster tier, PostgreSQL only: make test runs it in its PostgreSQL pass"]
async fn the_leader_role_moves_and_a_dead_replicas_operation_is_recovered() {
    let _serial = SERIAL.lock().await;
    let db = postgres().await;
    let app = format!("lidarr-{}", kubarr_testbed::unique_suffix());
    let charts = kubarr_testbed::renamed_catalog(&[("lidarr", &app)]).unwrap();
    let (data_a, data_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let mut a = replica(&db, data_a.path(), charts.path()).await;
    let first = wait_for(Duration::from_secs(30), "a leader", || leader(&db)).await;
    let b = replica(&db, data_b.path(), charts.path()).await;
    let token = a.setup_admin().await;
    a.wait_ready().await;
    b.wait_ready().await;
    // b joined later: a keeps leading while it renews.
    tokio::time::sleep(kubarr::coordination::RENEW_EVERY * 2).await;
    assert_eq!(leader(&db).await.as_deref(), Some(first.as_str()));

    // An install that cannot finish (more CPU than any node has) keeps helm waiting in a...
    let values = json!({"resources": {"requests": {"cpu": "64"}, "limits": {"cpu": "64"}}});
    let (status, body) = a
        .call(
            "POST",
            "/api/apps/install",
            Some(&token),
            Some(json!({"app_name": app, "values": values})),
        )
        .await;
    assert_eq!(status, 202, "{body}");
    wait_for(Duration::from_secs(60), "pending-install", || async {
        (helm_status(&app).as_deref() == Some("pending-install")).then_some(())
    })
    .await;
    // ...when a dies without a word.
    a.kill_hard();
    let crash = Instant::now();
    a.wait_exit().await;

    // b takes over the lead once a's lease runs out, finds a's orphaned operation once a's
    // liveness lease runs out, and repairs it.
    let next = wait_for(Duration::from_secs(60), "a new leader", || async {
        leader(&db).await.filter(|h| *h != first)
    })
    .await;
    assert_ne!(next, first);
    let takeover = crash.elapsed();
    let body = b
        .wait_app(&token, &app, Duration::from_secs(120), |s| {
            s["state"] == "error"
        })
        .await;
    assert!(
        body["message"].as_str().unwrap().contains("interrupted"),
        "{body}"
    );
    assert_eq!(
        helm_status(&app),
        None,
        "the half-installed release is gone"
    );
    eprintln!(
        "after a crash: new leader in {:.1} s, orphaned install repaired in {:.1} s",
        takeover.as_secs_f64(),
        crash.elapsed().as_secs_f64()
    );

    // A clean shutdown hands the lead over at once.
    let c = replica(&db, tempfile::tempdir().unwrap().path(), charts.path()).await;
    let mut b = b;
    b.terminate();
    let shutdown = Instant::now();
    b.wait_exit().await;
    let after = wait_for(
        kubarr::coordination::RENEW_EVERY * 3,
        "the lead handed over on shutdown",
        || async { leader(&db).await.filter(|h| *h != next) },
    )
    .await;
    assert_ne!(after, next);
    eprintln!(
        "after a clean shutdown: new leader in {:.1} s",
        shutdown.elapsed().as_secs_f64()
    );
    c.call_when_idle(
        "DELETE",
        &format!("/api/apps/{app}?delete_data=true"),
        &token,
    )
    .await;
    c.wait_app(&token, &app, Duration::from_secs(180), |s| {
        s["state"] == "not_installed"
    })
    .await;
    drop(c);
    db.cleanup().await.unwrap();
}
