//! The Jellyfin double: the wizard is open to anyone until completed and closed after; sign-in
//! needs the client header; API keys and libraries need an administrator; bodies are strict.

use anyhow::Result;
use kubarr_doubles::{start_jellyfin, JellyfinConfig};
use reqwest::StatusCode;
use serde_json::{json, Value};

const CLIENT: &str =
    r#"MediaBrowser Client="Kubarr", Device="test", DeviceId="kubarr-test", Version="1""#;

#[tokio::test]
async fn the_wizard_is_open_until_completed_then_admin_only() -> Result<()> {
    let media = tempfile::tempdir()?;
    std::fs::create_dir_all(media.path().join("data/media/movies"))?;
    let jf = start_jellyfin(JellyfinConfig {
        port: 0,
        fs_root: Some(media.path().to_path_buf()),
    })
    .await?;
    let c = reqwest::Client::builder().no_proxy().build()?;
    let u = jf.url();

    let info: Value = c
        .get(format!("{u}/System/Info/Public"))
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(info["StartupWizardCompleted"], false);
    let r = c
        .post(format!("{u}/Startup/Configuration"))
        .json(&json!({"UICulture": "en-US", "MetadataCountryCode": "DE", "PreferredMetadataLanguage": "de", "Theme": "dark"}))
        .send()
        .await?;
    assert_eq!(
        r.status(),
        StatusCode::BAD_REQUEST,
        "unknown properties are refused"
    );
    let r = c
        .post(format!("{u}/Startup/Configuration"))
        .json(&json!({"UICulture": "en-US", "MetadataCountryCode": "DE", "PreferredMetadataLanguage": "de"}))
        .send()
        .await?;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let r = c
        .post(format!("{u}/Startup/User"))
        .json(&json!({"Name": "admin", "Password": "jf-admin"}))
        .send()
        .await?;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let user: Value = c
        .get(format!("{u}/Startup/User"))
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(user, json!({"Name": "admin", "Password": null}));
    let r = c
        .post(format!("{u}/Startup/RemoteAccess"))
        .json(&json!({"EnableRemoteAccess": true, "EnableAutomaticPortMapping": false}))
        .send()
        .await?;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        c.post(format!("{u}/Startup/Complete"))
            .send()
            .await?
            .status(),
        StatusCode::NO_CONTENT
    );
    let info: Value = c
        .get(format!("{u}/System/Info/Public"))
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(info["StartupWizardCompleted"], true);

    // Closed now: nobody can take the server over through the wizard.
    let r = c
        .post(format!("{u}/Startup/User"))
        .json(&json!({"Name": "evil", "Password": "x"}))
        .send()
        .await?;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        c.get(format!("{u}/Library/VirtualFolders"))
            .send()
            .await?
            .status(),
        StatusCode::UNAUTHORIZED
    );

    // Sign-in needs the client description and the right password.
    let login = |pw: &str, header: Option<&str>| {
        let mut rb = c
            .post(format!("{u}/Users/AuthenticateByName"))
            .json(&json!({"Username": "admin", "Pw": pw}));
        if let Some(h) = header {
            rb = rb.header("Authorization", h);
        }
        rb.send()
    };
    assert_eq!(
        login("jf-admin", None).await?.status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        login("wrong", Some(CLIENT)).await?.status(),
        StatusCode::UNAUTHORIZED
    );
    let auth: Value = login("jf-admin", Some(CLIENT)).await?.json().await?;
    assert_eq!(auth["User"]["Policy"]["IsAdministrator"], true);
    let token = auth["AccessToken"].as_str().unwrap().to_string();

    // An API key for another app, then used.
    let r = c
        .post(format!("{u}/Auth/Keys?app=Seerr"))
        .header("X-Emby-Token", &token)
        .send()
        .await?;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let keys: Value = c
        .get(format!("{u}/Auth/Keys"))
        .header("X-Emby-Token", &token)
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(keys["Items"][0]["AppName"], "Seerr");
    let key = keys["Items"][0]["AccessToken"]
        .as_str()
        .unwrap()
        .to_string();
    let by_key = |path: String| {
        c.post(path)
            .header("Authorization", format!(r#"MediaBrowser Token="{key}""#))
            .send()
    };
    let r = by_key(format!("{u}/Library/VirtualFolders?name=Movies&collectionType=movies&paths=/data/media/movies&refreshLibrary=false")).await?;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let dup = by_key(format!(
        "{u}/Library/VirtualFolders?name=movies&collectionType=movies&paths=/data/media/movies"
    ))
    .await?;
    assert_eq!(
        dup.status(),
        StatusCode::BAD_REQUEST,
        "library names are unique case-insensitively"
    );
    let missing = by_key(format!(
        "{u}/Library/VirtualFolders?name=Shows&collectionType=tvshows&paths=/data/media/tv"
    ))
    .await?;
    assert_eq!(
        missing.status(),
        StatusCode::BAD_REQUEST,
        "a path that does not exist is refused"
    );
    let bad_type = by_key(format!(
        "{u}/Library/VirtualFolders?name=X&collectionType=films&paths=/data/media/movies"
    ))
    .await?;
    assert_eq!(bad_type.status(), StatusCode::BAD_REQUEST);
    let libs: Value = c
        .get(format!("{u}/Library/VirtualFolders?api_key={key}"))
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(libs.as_array().unwrap().len(), 1);
    assert_eq!(libs[0]["Locations"], json!(["/data/media/movies"]));

    // A non-admin user cannot manage keys.
    let r = c
        .post(format!("{u}/Users/New"))
        .header("X-Emby-Token", &token)
        .json(&json!({"Name": "kid", "Password": "kid-pass"}))
        .send()
        .await?;
    assert_eq!(r.status(), StatusCode::OK);
    let kid: Value = c
        .post(format!("{u}/Users/AuthenticateByName"))
        .header("Authorization", CLIENT)
        .json(&json!({"Username": "kid", "Pw": "kid-pass"}))
        .send()
        .await?
        .json()
        .await?;
    let kid_token = kid["AccessToken"].as_str().unwrap();
    let r = c
        .get(format!("{u}/Auth/Keys"))
        .header("X-Emby-Token", kid_token)
        .send()
        .await?;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    Ok(())
}
