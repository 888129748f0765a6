//! The `kubarr` binary's commands, on the test database.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use kubarr_db::testing::TestDatabase;

fn kubarr(args: &[&str], env: &[(&str, &str)], stdin: Option<&str>) -> Output {
    let data = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kubarr"));
    cmd.args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("KUBARR_DATA_DIR", data.path())
        .env("KUBARR_AUTH__BCRYPT_COST", "4")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    }
    child.wait_with_output().unwrap()
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[tokio::test]
async fn migrate_then_admin_create_and_reset_password() {
    let t = TestDatabase::new_unmigrated().await;
    let env = [("KUBARR_DATABASE_URL", t.url.as_str())];
    let out = kubarr(&["migrate"], &env, None);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(
        kubarr_db::queries::roles::list(&t.db).await.unwrap().len(),
        3
    );

    let out = kubarr(
        &[
            "admin",
            "create",
            "--username",
            "root",
            "--email",
            "root@example.test",
        ],
        &env,
        Some("root plover marzipan 77\n"),
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        !text(&out).contains("root plover marzipan 77"),
        "the given password is never echoed"
    );
    let user = kubarr_db::queries::users::find_by_login(&t.db, "root")
        .await
        .unwrap()
        .expect("user created");
    assert!(bcrypt::verify("root plover marzipan 77", &user.hashed_password).unwrap());
    assert!(user.is_active && user.is_approved);

    // A duplicate is refused.
    let out = kubarr(
        &[
            "admin",
            "create",
            "--username",
            "ROOT",
            "--email",
            "x@example.test",
        ],
        &env,
        Some("another plover marzipan 78\n"),
    );
    assert!(!out.status.success());
    assert!(text(&out).contains("already exists"), "{}", text(&out));

    // Without a piped password one is generated and shown once.
    let out = kubarr(
        &["admin", "reset-password", "root@example.test"],
        &env,
        Some(""),
    );
    assert!(out.status.success(), "{}", text(&out));
    let shown = text(&out);
    let generated = shown
        .split("password (shown once): ")
        .nth(1)
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .trim()
        .to_owned();
    assert_eq!(generated.len(), 20);
    let user = kubarr_db::queries::users::find_by_login(&t.db, "root")
        .await
        .unwrap()
        .unwrap();
    assert!(bcrypt::verify(&generated, &user.hashed_password).unwrap());

    // A weak password is refused with the policy's reason: too short, or common.
    let out = kubarr(&["admin", "reset-password", "root"], &env, Some("short\n"));
    assert!(!out.status.success());
    assert!(text(&out).contains("too short"), "{}", text(&out));
    let out = kubarr(
        &["admin", "reset-password", "root"],
        &env,
        Some("admin123\n"),
    );
    assert!(!out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("most common"), "{}", text(&out));
    let out = kubarr(
        &[
            "admin",
            "create",
            "--username",
            "second",
            "--email",
            "second@example.test",
        ],
        &env,
        Some("password\n"),
    );
    assert!(!out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("most common"), "{}", text(&out));
    t.cleanup().await.unwrap();
}

#[test]
fn config_check_lists_every_invalid_key_and_masks_secrets() {
    let out = kubarr(
        &["config", "check"],
        &[
            ("KUBARR_LISTEN", "not-an-address"),
            ("KUBARR_LOG__FORMAT", "xml"),
            ("KUBARR_AUTH__BCRYPT_COST", "99"),
            ("KUBARR_DATABASE_URL", "mysql://nope"),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let t = text(&out);
    for key in ["listen", "log.format", "auth.bcrypt_cost", "database.url"] {
        assert!(
            t.contains(&format!("{key}:")),
            "{key} not reported in:\n{t}"
        );
    }

    let out = kubarr(
        &["config", "check"],
        &[
            (
                "KUBARR_SECRET_KEY",
                "a-very-secret-value-that-is-long-enough",
            ),
            ("KUBARR_LISTEN", "127.0.0.1:9999"),
        ],
        None,
    );
    assert!(out.status.success(), "{}", text(&out));
    let t = text(&out);
    assert!(t.contains("127.0.0.1:9999"));
    assert!(!t.contains("a-very-secret-value"), "secret printed:\n{t}");
    assert!(t.contains("********"));
}

/// `kubarr routes` prints the table the authorization matrix walks: every route with who may
/// call it, none undeclared.
#[test]
fn routes_prints_every_route_with_its_access() {
    let out = kubarr(&["routes"], &[], None);
    assert!(out.status.success(), "{}", text(&out));
    let table = String::from_utf8_lossy(&out.stdout).into_owned();
    let routes = kubarr::router::routes();
    assert_eq!(table.lines().count(), routes.len(), "{table}");
    for r in &routes {
        let access = r.access.expect("declared").to_string();
        assert!(
            table.lines().any(|l| {
                let cols: Vec<&str> = l.split_whitespace().collect();
                cols.first() == Some(&r.method.as_str())
                    && cols.get(1) == Some(&r.path.as_str())
                    && l.ends_with(&access)
            }),
            "{} {} ({access}) missing from:\n{table}",
            r.method,
            r.path
        );
    }
    for line in [
        "GET     /api/health",
        "/api/users ",
        "users.view",
        "apps.delete (for the app)",
        "signed in",
    ] {
        assert!(table.contains(line), "{line:?} missing from:\n{table}");
    }
}
