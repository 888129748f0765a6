//! Deluge (Debian's deluged + deluge-web) on the files the chart seeds: the daemon account in
//! `auth`, the web password's salted SHA-1 in `web.conf`, and the daemon entry with that account
//! in `hostlist.conf`.

use kubarr::apps::credentials::AppCredentials;
use kubarr_testbed::parts::deluge::Deluge;
use serde_json::{json, Value};

use crate::{render_seed, wrong};

#[tokio::test]
async fn deluge_signs_in_with_the_seeded_passwords_only() {
    let credentials = AppCredentials::generate();
    let seed = render_seed("deluge", &credentials);
    assert_eq!(seed.files(), ["auth", "web.conf", "hostlist.conf"]);
    let volume = seed.seed_fresh_volume();
    let web_conf = std::fs::read_to_string(volume.path().join("web.conf")).unwrap();
    assert!(!web_conf.contains(&credentials.password));

    let deluge = Deluge::start_with_profile(
        volume.path(),
        &credentials.password,
        &credentials.username,
        &credentials.password,
    )
    .await
    .unwrap();
    // The web UI takes the generated password ...
    let session = deluge.web_session().await.unwrap();
    // ... and reaches the daemon with the seeded `kubarr` account, the only host it lists.
    let hosts = session.call("web.get_hosts", json!([])).await.unwrap();
    assert_eq!(hosts.as_array().map(Vec::len), Some(1), "{hosts}");
    assert_eq!(hosts[0][3], credentials.username.as_str(), "{hosts}");
    assert_eq!(
        session.call("web.connected", json!([])).await.unwrap(),
        Value::Bool(true)
    );
    let config = session
        .call("core.get_config_value", json!(["dht"]))
        .await
        .unwrap();
    assert_eq!(config, Value::Bool(false));

    // A wrong password, and Deluge's default one, are refused.
    for password in [wrong(&credentials.password), "deluge".to_owned()] {
        assert!(deluge.login_with(&password).await.is_err(), "{password}");
    }

    // The pod restarts: Deluge stops, the script runs again and leaves the files as they are.
    drop(deluge);
    let files: Vec<_> = seed.files().iter().map(|f| volume.path().join(f)).collect();
    let before: Vec<_> = files
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    seed.run(volume.path());
    let after: Vec<_> = files
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    assert_eq!(after, before);
}
