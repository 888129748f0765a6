//! qBittorrent (Debian's qbittorrent-nox) on the `qBittorrent.conf` the chart seeds: the account
//! name and the PBKDF2 form of the generated password.

use kubarr::apps::credentials::AppCredentials;
use kubarr_testbed::parts::http_client_with_cookies;
use kubarr_testbed::parts::qbittorrent::Qbittorrent;

use crate::{render_seed, wrong};

#[tokio::test]
async fn qbittorrent_signs_in_with_the_seeded_account_only() {
    let credentials = AppCredentials::generate();
    let seed = render_seed("qbittorrent", &credentials);
    assert_eq!(seed.files(), ["qBittorrent/qBittorrent.conf"]);
    let volume = seed.seed_fresh_volume();
    let conf = std::fs::read_to_string(volume.path().join("qBittorrent/qBittorrent.conf")).unwrap();
    // Only the stored form of the password is written, never the password.
    assert!(!conf.contains(&credentials.password));

    let qbt = Qbittorrent::start_with_profile(
        volume.path(),
        &credentials.username,
        &credentials.password,
    )
    .await
    .unwrap();
    let client = qbt.login().await.unwrap();
    let r = client.get(qbt.api("app/version")).send().await.unwrap();
    assert!(r.status().is_success(), "{}", r.status());

    // A wrong password (and the default account) are refused.
    for (user, password) in [
        (credentials.username.clone(), wrong(&credentials.password)),
        ("admin".to_owned(), "adminadmin".to_owned()),
    ] {
        let r = http_client_with_cookies()
            .post(qbt.api("auth/login"))
            .form(&[("username", &user), ("password", &password)])
            .send()
            .await
            .unwrap();
        let body = r.text().await.unwrap();
        assert_eq!(body.trim(), "Fails.", "{user}");
    }

    // The pod restarts: the client stops, the script runs again and leaves its config as it is.
    drop(qbt);
    let path = volume.path().join("qBittorrent/qBittorrent.conf");
    let before = std::fs::read_to_string(&path).unwrap();
    seed.run(volume.path());
    assert_eq!(std::fs::read_to_string(&path).unwrap(), before);
}
