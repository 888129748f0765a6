//! Figures for the closing note, not a timed test (`#[ignore]`; run with
//! `cargo test -p kubarr --test api wiring::bench -- --ignored --nocapture`): how long the
//! leader's loop takes from the last install of a six-app stack to every link `ok`, and how many
//! calls a steady pass makes to each app.

use std::time::{Duration, Instant};

use super::stack::Stack;

#[tokio::test]
#[ignore = "benchmark"]
async fn time_to_wired_and_calls_per_steady_pass() {
    let mut s = Stack::new().await;
    let apps = [
        "qbittorrent",
        "transmission",
        "sonarr",
        "radarr",
        "lidarr",
        "prowlarr",
    ];
    for app in apps {
        s.install(app).await;
    }
    // Every app is installed and its process up (in a cluster, `installed` means the pods are
    // ready; here the processes start after the install): from here the leader's loop runs on
    // its own.
    let start = Instant::now();
    let lead = tokio::spawn(kubarr::wiring::run(s.t.state.clone()));
    let deadline = start + Duration::from_secs(120);
    loop {
        let states = s.states().await;
        if states.len() == 12 && states.values().all(|v| v == "ok") {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "not all ok: {:#}",
            s.graph().await
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let wired = start.elapsed();
    lead.abort();
    for arr in s.arrs.values() {
        arr.state().clear_requests();
    }
    let started = Instant::now();
    let report = s.pass().await;
    let pass_time = started.elapsed();
    println!("links: 12; last install → all ok: {wired:?}; steady pass: {pass_time:?}, {report:?}");
    for (name, arr) in &s.arrs {
        let requests = arr.state().requests();
        let writes = requests
            .iter()
            .filter(|r| !r.starts_with("GET ") && !r.ends_with("/test"))
            .count();
        println!(
            "{name}: {} calls in the steady pass, {writes} writes: {requests:?}",
            requests.len()
        );
    }
}
