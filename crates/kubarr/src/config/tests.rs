use std::path::PathBuf;

use super::*;

fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn load(file: Option<PathBuf>, pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
    Sources::new(file, env(pairs)).load()
}

#[test]
fn defaults_match_the_contract() {
    let c = load(None, &[]).unwrap();
    assert_eq!(c.listen.to_string(), "127.0.0.1:8080");
    assert_eq!(c.database.url.expose(), "sqlite://./data/kubarr.db");
    assert_eq!(c.data_dir, PathBuf::from("./data"));
    assert_eq!(c.charts_dir, PathBuf::from("./charts/catalog"));
    assert_eq!(c.web_dir, PathBuf::from("./web/dist"));
    assert_eq!(c.helm_bin, "helm");
    assert_eq!(c.log.format, LogFormat::Text);
    assert_eq!(c.http.body_limit_bytes, 1024 * 1024);
    assert_eq!(c.auth.bcrypt_cost, 12);
    assert_eq!(c.kubernetes.mode, KubeMode::Auto);
    assert!(c.trusted_proxies.is_empty());
    assert!(c.secret_key.is_none());
}

#[test]
fn file_overrides_defaults_and_env_overrides_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("kubarr.toml");
    std::fs::write(
        &file,
        r#"
listen = "0.0.0.0:9000"
helm_bin = "/opt/helm"
trusted_proxies = ["10.0.0.0/8", "::1"]
[log]
format = "json"
level = "debug"
[database]
url = "postgres://file@db/kubarr"
max_connections = 3
"#,
    )
    .unwrap();
    let c = load(Some(file.clone()), &[]).unwrap();
    assert_eq!(c.listen.to_string(), "0.0.0.0:9000");
    assert_eq!(c.log.format, LogFormat::Json);
    assert_eq!(c.database.url.expose(), "postgres://file@db/kubarr");
    assert_eq!(c.database.max_connections, 3);
    assert_eq!(c.trusted_proxies.len(), 2);

    let c = load(
        Some(file),
        &[
            ("KUBARR_LISTEN", "127.0.0.1:7000"),
            ("KUBARR_DATABASE_URL", "sqlite://./env.db"),
            ("KUBARR_DATABASE__MAX_CONNECTIONS", "7"),
            ("KUBARR_LOG__FORMAT", "text"),
            ("KUBARR_TRUSTED_PROXIES", "192.168.1.1, 172.16.0.0/12"),
            ("KUBECONFIG", "/tmp/a.kubeconfig:/tmp/b.kubeconfig"),
            // Variables of the test tooling are not configuration.
            ("KUBARR_TEST_DATABASE_URL", "postgres://x"),
        ],
    )
    .unwrap();
    assert_eq!(c.listen.to_string(), "127.0.0.1:7000");
    assert_eq!(c.database.url.expose(), "sqlite://./env.db");
    assert_eq!(c.database.max_connections, 7);
    assert_eq!(c.log.format, LogFormat::Text);
    assert_eq!(c.log.level, "debug", "untouched file value stays");
    assert_eq!(c.helm_bin, "/opt/helm");
    assert_eq!(
        c.trusted_proxies
            .iter()
            .map(|n| n.to_string())
            .collect::<Vec<_>>(),
        ["192.168.1.1/32", "172.16.0.0/12"]
    );
    assert_eq!(
        c.kubernetes.kubeconfig,
        Some(PathBuf::from("/tmp/a.kubeconfig"))
    );
}

#[test]
fn data_dir_moves_the_default_database() {
    let c = load(None, &[("KUBARR_DATA_DIR", "/var/lib/kubarr")]).unwrap();
    assert_eq!(
        c.database.url.expose(),
        "sqlite:///var/lib/kubarr/kubarr.db"
    );
}

#[test]
fn secrets_come_from_files_and_win_over_literals() {
    let dir = tempfile::tempdir().unwrap();
    let key_file = dir.path().join("key");
    std::fs::write(&key_file, "from-a-mounted-secret-0123456789abcdef\n").unwrap();
    let url_file = dir.path().join("url");
    std::fs::write(&url_file, "postgres://u:pw@db/kubarr").unwrap();
    let c = load(
        None,
        &[
            (
                "KUBARR_SECRET_KEY",
                "literal-value-that-is-long-enough-to-pass",
            ),
            ("KUBARR_SECRET_KEY_FILE", key_file.to_str().unwrap()),
            ("KUBARR_DATABASE_URL_FILE", url_file.to_str().unwrap()),
        ],
    )
    .unwrap();
    assert_eq!(
        c.secret_key.unwrap().expose(),
        "from-a-mounted-secret-0123456789abcdef"
    );
    assert_eq!(c.database.url.expose(), "postgres://u:pw@db/kubarr");
}

#[test]
fn every_invalid_key_is_reported_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.toml");
    std::fs::write(
        &file,
        "listn = \"typo\"\n[session]\nidle_timeout_minutes = -5\n",
    )
    .unwrap();
    let err = load(
        Some(file),
        &[
            ("KUBARR_LISTEN", "nope"),
            ("KUBARR_LOG__LEVEL", "kubarr=[[["),
            ("KUBARR_LOG__FORMAT", "yaml"),
            ("KUBARR_AUTH__BCRYPT_COST", "3"),
            ("KUBARR_SECRET_KEY", "short"),
            ("KUBARR_KUBERNETES__MODE", "magic"),
            ("KUBARR_TRUSTED_PROXIES", "10.0.0.0/99"),
            ("KUBARR_HTTP__BODY_LIMIT_BYTES", "lots"),
            ("KUBARR_SECRET_KEY_FILE", "/nonexistent/secret"),
        ],
    )
    .unwrap_err();
    let text = err.to_string();
    for key in [
        "listn:",
        "session.idle_timeout_minutes:",
        "listen:",
        "log.level:",
        "log.format:",
        "auth.bcrypt_cost:",
        "secret_key:",
        "kubernetes.mode:",
        "trusted_proxies:",
        "http.body_limit_bytes:",
    ] {
        assert!(text.contains(key), "{key} missing from:\n{text}");
    }
    // The secret's value never appears in an error.
    assert!(!text.contains("short ("), "{text}");
}

#[test]
fn secrets_are_masked_when_printed() {
    let c = load(
        None,
        &[
            (
                "KUBARR_SECRET_KEY",
                "super-secret-material-0123456789abcdef",
            ),
            ("KUBARR_DATABASE_URL", "postgres://u:pw@h/d"),
        ],
    )
    .unwrap();
    let shown = toml::to_string(&c).unwrap();
    assert!(!shown.contains("super-secret"));
    assert!(!shown.contains("pw@"));
    assert!(!format!("{c:?}").contains("super-secret"));
}

#[test]
fn unknown_environment_variables_are_ignored_but_unknown_file_keys_are_errors() {
    let c = load(
        None,
        &[
            ("KUBARR_BIN", "/usr/bin/kubarr"),
            ("KUBARR_LISTEN", "127.0.0.1:9"),
        ],
    )
    .unwrap();
    assert_eq!(c.listen.to_string(), "127.0.0.1:9");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("k.toml");
    std::fs::write(&file, "bogus = 1\n").unwrap();
    let err = load(Some(file), &[]).unwrap_err().to_string();
    assert!(err.contains("bogus: unknown key"), "{err}");
}
