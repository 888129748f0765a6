//! The real `kubarr` binary against the local test cluster: a crash in the middle of an install,
//! and an API-server outage. Both tests disturb shared state (a killed process, a stopped API
//! server), so they live in their own test binary and run one after the other.

#[path = "support/server.rs"]
mod server;

use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};

use kubarr_testbed::TestCluster;
use serde_json::json;
use server::{helm_status, Server};
use tokio::sync::Mutex;

static SERIAL: Mutex<()> = Mutex::const_new(());

fn repo() -> PathBuf {
    kubarr_testbed::repo_root()
}

/// `testbed/up`: starts whatever part of the test bed is down (its ports stay the same).
fn testbed_up() -> bool {
    std::process::Command::new(repo().join("testbed/up"))
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Runs `testbed/up` when dropped (also while unwinding from a failed assertion).
struct RestartTestBedOnDrop;

impl Drop for RestartTestBedOnDrop {
    fn drop(&mut self) {
        if !testbed_up() {
            eprintln!("testbed/up failed while restoring the test bed after the outage test");
        }
    }
}

#[tokio::test]
#[ignore = "cluster tier"]
async fn a_crash_mid_install_leaves_no_pending_release() {
    let _serial = SERIAL.lock().await;
    let app = format!("radarr-{}", kubarr_testbed::unique_suffix());
    let charts = kubarr_testbed::renamed_catalog(&[("radarr", &app)]).unwrap();
    let data = tempfile::tempdir().unwrap();
    let mut server = Server::start(data.path(), charts.path()).await;
    let token = server.setup_admin().await;
    server.wait_ready().await;

    // Ask for more CPU than any node has: the pod stays Pending and helm keeps waiting.
    let values = json!({"resources": {"requests": {"cpu": "64"}, "limits": {"cpu": "64"}}});
    let (status, body) = server
        .call(
            "POST",
            "/api/apps/install",
            Some(&token),
            Some(json!({"app_name": app, "values": values})),
        )
        .await;
    assert_eq!(status, 202, "{body}");
    let deadline = Instant::now() + Duration::from_secs(60);
    while helm_status(&app).as_deref() != Some("pending-install") {
        assert!(
            Instant::now() < deadline,
            "the release never reached pending-install"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    server.kill_hard();
    let deadline = Instant::now() + Duration::from_secs(30);
    while server.running() {
        assert!(Instant::now() < deadline, "the killed server did not exit");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        helm_status(&app).as_deref(),
        Some("pending-install"),
        "the crash left the release pending"
    );

    // A restart repairs it: no release stuck, the app reported as failed with the reason.
    let server = Server::start(data.path(), charts.path()).await;
    let body = server
        .wait_app(&token, &app, Duration::from_secs(120), |b| {
            b["state"] == "error"
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

    // And the app can be installed again.
    let (status, _) = server
        .call(
            "POST",
            "/api/apps/install",
            Some(&token),
            Some(json!({"app_name": app})),
        )
        .await;
    assert_eq!(status, 202);
    server
        .wait_app(&token, &app, Duration::from_secs(180), |b| {
            b["state"] == "installed"
        })
        .await;
    assert_eq!(helm_status(&app).as_deref(), Some("deployed"));
    server
        .call_when_idle(
            "DELETE",
            &format!("/api/apps/{app}?delete_data=true"),
            &token,
        )
        .await;
    server
        .wait_app(&token, &app, Duration::from_secs(180), |b| {
            b["state"] == "not_installed"
        })
        .await;
}

#[tokio::test]
#[ignore = "cluster tier"]
async fn an_api_server_outage_gives_503s_then_recovers_without_a_restart() {
    let _serial = SERIAL.lock().await;
    let tc = TestCluster::get();
    let Some(state) = tc.state_dir() else {
        eprintln!("not a local test bed: the outage test needs to stop the API server");
        return;
    };
    let app = format!("bazarr-{}", kubarr_testbed::unique_suffix());
    let charts = kubarr_testbed::renamed_catalog(&[("bazarr", &app)]).unwrap();
    let data = tempfile::tempdir().unwrap();
    let server = Server::start(data.path(), charts.path()).await;
    let token = server.setup_admin().await;
    server.wait_ready().await;
    let (status, _) = server
        .call(
            "POST",
            "/api/apps/install",
            Some(&token),
            Some(json!({"app_name": app})),
        )
        .await;
    assert_eq!(status, 202);
    server
        .wait_app(&token, &app, Duration::from_secs(180), |b| {
            b["state"] == "installed"
        })
        .await;

    // Stop the API server. Whatever happens next, the test bed comes back up when this test
    // ends, so a failure here never leaves later tests without a cluster.
    let _restore = RestartTestBedOnDrop;
    // SIGKILL, as a crash or a lost node would: on SIGTERM kube-apiserver shuts down gracefully
    // and keeps open watches served for up to its request timeout (60 s), so the outage would
    // start at an unknown time. The outage starts once the process is gone.
    let pid = std::fs::read_to_string(state.join("pids/kube-apiserver.pid")).unwrap();
    let pid = pid.trim().to_owned();
    let status = std::process::Command::new("kill")
        .args(["-KILL", &pid])
        .status()
        .unwrap();
    assert!(status.success());
    let gone_by = Instant::now() + Duration::from_secs(30);
    // Gone: no such process, or a zombie nobody has reaped yet (it holds no socket).
    let running = |pid: &str| {
        std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
            let state = stat.rsplit(')').next().unwrap_or("").trim_start();
            !state.starts_with('Z')
        })
    };
    while running(&pid) {
        assert!(
            Instant::now() < gone_by,
            "kube-apiserver {pid} outlived SIGKILL"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let outage = Instant::now();
    let ready = server
        .wait(
            Duration::from_secs(60),
            |s, _| s == 503,
            "GET",
            "/api/ready",
        )
        .await;
    assert_eq!(ready["cluster"], "unavailable");
    assert_eq!(ready["database"], "ok");
    let (status, body) = server
        .call(
            "POST",
            &format!("/api/apps/{app}/restart"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (503, Some("cluster_unavailable")),
        "{body}"
    );
    let (status, body) = server.call("GET", "/api/apps", Some(&token), None).await;
    assert_eq!(status, 200, "cached status is still served");
    assert_eq!(body[0]["stale"], true, "{body}");
    // Keep it down for 30 s in all.
    let remaining = Duration::from_secs(30).saturating_sub(outage.elapsed());
    tokio::time::sleep(remaining).await;
    let (status, _) = server.call("GET", "/api/ready", None, None).await;
    assert_eq!(status, 503);

    // Bring it back: Kubarr recovers by itself.
    assert!(testbed_up(), "testbed/up failed");
    server
        .wait(
            Duration::from_secs(120),
            |s, b| s == 200 && b["cluster"] == "ok",
            "GET",
            "/api/ready",
        )
        .await;
    let body = server
        .wait_app(&token, &app, Duration::from_secs(60), |b| {
            b["state"] == "installed"
        })
        .await;
    assert_eq!(body["stale"], false);
    let (status, body) = server
        .call(
            "POST",
            &format!("/api/apps/{app}/restart"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(status, 202, "{body}");
    server
        .wait_app(&token, &app, Duration::from_secs(180), |b| {
            b["state"] == "installed"
        })
        .await;
    server
        .call_when_idle(
            "DELETE",
            &format!("/api/apps/{app}?delete_data=true"),
            &token,
        )
        .await;
    server
        .wait_app(&token, &app, Duration::from_secs(180), |b| {
            b["state"] == "not_installed"
        })
        .await;
}
