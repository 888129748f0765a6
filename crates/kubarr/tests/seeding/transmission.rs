//! Transmission (Debian's transmission-daemon) on the `settings.json` the chart seeds: the RPC
//! account with the password in Transmission's own salted form.

use kubarr::apps::credentials::AppCredentials;
use kubarr_testbed::parts::transmission::Transmission;
use serde_json::{json, Value};

use crate::{render_seed, wrong};

#[tokio::test]
async fn transmission_signs_in_with_the_seeded_account_only() {
    let credentials = AppCredentials::generate();
    let seed = render_seed("transmission", &credentials);
    assert_eq!(seed.files(), ["settings.json"]);
    let volume = seed.seed_fresh_volume();
    let path = volume.path().join("settings.json");
    let seeded: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(seeded["rpc-authentication-required"], true);
    assert_eq!(seeded["rpc-username"], credentials.username.as_str());
    assert_eq!(seeded["rpc-password"], seed.value("password-ssha1"));
    assert!(!std::fs::read_to_string(&path)
        .unwrap()
        .contains(&credentials.password));

    let tr = Transmission::start_with_profile(
        volume.path(),
        &credentials.username,
        &credentials.password,
    )
    .await
    .unwrap();
    let session = tr.rpc("session-get", json!({})).await.unwrap();
    assert_eq!(session["arguments"]["dht-enabled"], false);

    let refused = tr
        .rpc_as(
            &credentials.username,
            &wrong(&credentials.password),
            "session-get",
            json!({}),
        )
        .await
        .unwrap_err();
    assert!(refused.to_string().contains("401"), "{refused:#}");
    let refused = tr
        .rpc_as("admin", &credentials.password, "session-get", json!({}))
        .await
        .unwrap_err();
    assert!(refused.to_string().contains("401"), "{refused:#}");

    // The pod restarts: the client stops, the script runs again and leaves its config as it is.
    drop(tr);
    let before = std::fs::read_to_string(&path).unwrap();
    seed.run(volume.path());
    assert_eq!(std::fs::read_to_string(&path).unwrap(), before);
}
