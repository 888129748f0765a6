//! The credentials Kubarr seeds into a download client's config before its first start, checked
//! against the real client (fast tier: no cluster, Debian's clients on 127.0.0.1).
//!
//! For each client: the catalog chart is rendered with `helm template` the way Kubarr deploys it
//! (the credentials Secret named), the `seed-config` init container's script and env are taken
//! from the Deployment, and the script runs with /bin/sh onto a scratch directory standing in for
//! the config volume, with the env the pod gets from the Secret — whose values are what Kubarr
//! itself would write there ([`AppCredentials::generate`] and `secret_data` for the keys the
//! chart declares). Then the real client starts on that directory (the test bed sets only its
//! loopback/ports/no-discovery settings) and its own API must accept the generated account and
//! refuse a wrong password. The script must also leave existing files alone: a user's edits
//! survive a restart.

mod seeding {
    mod deluge;
    mod qbittorrent;
    mod transmission;
}

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use kubarr::apps::credentials::AppCredentials;
use kubarr_orchestrator::catalog::Catalog;
use kubarr_orchestrator::credentials::CREDENTIALS_SECRET;
use serde::Deserialize;
use serde_json::Value;

/// The seed-config init container of a chart, as rendered.
pub struct Seed {
    /// The `/bin/sh -c` script.
    pub script: String,
    /// Env name → key of the credentials Secret.
    pub env: BTreeMap<String, String>,
    /// Where the config volume is mounted (the script's files are below it).
    pub config_path: String,
    /// What the chart asked Kubarr to generate, as Kubarr would put it in the Secret.
    pub secret: BTreeMap<String, String>,
}

fn charts_dir() -> PathBuf {
    kubarr_testbed::repo_root().join("charts/catalog")
}

/// Renders `app`'s chart as Kubarr installs it and takes out its seed-config container, with
/// the Secret's data for `credentials`.
pub fn render_seed(app: &str, credentials: &AppCredentials) -> Seed {
    let (catalog, problems) = Catalog::load(&charts_dir());
    assert!(problems.is_empty(), "{problems:?}");
    let entry = catalog
        .get(app)
        .unwrap_or_else(|| panic!("{app} in the catalog"));
    let secret = credentials
        .secret_data(&entry.credentials)
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();

    let helm_home = tempfile::tempdir().unwrap();
    let out = Command::new(kubarr_testbed::parts::helm_binary())
        .args(["template", app])
        .arg(&entry.chart_dir)
        .args(["--namespace", app, "--set"])
        .arg(format!(
            "kubarr.credentials.secretName={CREDENTIALS_SECRET}"
        ))
        .env("HELM_CACHE_HOME", helm_home.path().join("cache"))
        .env("HELM_CONFIG_HOME", helm_home.path().join("config"))
        .env("HELM_DATA_HOME", helm_home.path().join("data"))
        .stdin(Stdio::null())
        .output()
        .expect("running helm");
    assert!(
        out.status.success(),
        "{app}: helm template: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let deployment = serde_yaml::Deserializer::from_str(&text)
        .map(|doc| Value::deserialize(doc).expect("rendered YAML parses"))
        .find(|doc| doc["kind"] == "Deployment")
        .unwrap_or_else(|| panic!("{app}: no Deployment rendered"));
    let pod = &deployment["spec"]["template"]["spec"];
    let init = pod["initContainers"]
        .as_array()
        .and_then(|cs| cs.iter().find(|c| c["name"] == "seed-config"))
        .unwrap_or_else(|| panic!("{app}: no seed-config init container"));
    assert_eq!(init["command"][0], "/bin/sh");
    assert_eq!(init["command"][1], "-c");
    let script = init["command"][2].as_str().unwrap().to_owned();
    let mut env = BTreeMap::new();
    for e in init["env"].as_array().into_iter().flatten() {
        // Only references to Kubarr's Secret: no value is in the pod spec.
        assert!(e.get("value").is_none(), "{app}: a literal env value: {e}");
        let r = &e["valueFrom"]["secretKeyRef"];
        assert_eq!(r["name"], CREDENTIALS_SECRET, "{app}: {e}");
        env.insert(
            e["name"].as_str().unwrap().to_owned(),
            r["key"].as_str().unwrap().to_owned(),
        );
    }
    let config_path = init["volumeMounts"][0]["mountPath"]
        .as_str()
        .unwrap()
        .to_owned();
    let seed = Seed {
        script,
        env,
        config_path,
        secret,
    };
    // The account name (`kubarr`) is no secret; every other value stays out of the manifests.
    for (key, v) in seed.secret.iter().filter(|(k, _)| k.as_str() != "username") {
        assert!(
            !text.contains(v.as_str()),
            "{app}: the value of {key} rendered"
        );
    }
    seed
}

impl Seed {
    /// The Secret's value behind `key`.
    pub fn value(&self, key: &str) -> &str {
        self.secret
            .get(key)
            .unwrap_or_else(|| panic!("no `{key}` in the Secret"))
    }

    /// Runs the script as the init container would, with `volume` as the config volume. Its
    /// paths are moved from the mount path to `volume`; chown is left out (the pod's init does
    /// it as root; here the files stay the test's own).
    pub fn run(&self, volume: &Path) {
        let from = format!("\"{}/", self.config_path);
        assert!(self.script.contains(&from), "no file under the mount path");
        let script = self
            .script
            .replace(&from, &format!("\"{}/", volume.display()))
            .lines()
            .map(|l| if l.starts_with("chown ") { "true" } else { l })
            .collect::<Vec<_>>()
            .join("\n");
        let mut cmd = Command::new("/bin/sh");
        cmd.arg("-c")
            .arg(&script)
            .env_clear()
            .env("PATH", "/usr/bin:/bin")
            .stdin(Stdio::null());
        for (name, key) in &self.env {
            cmd.env(name, self.value(key));
        }
        let out = cmd.output().expect("running /bin/sh");
        assert!(
            out.status.success(),
            "seed script failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.stdout.is_empty() && out.stderr.is_empty(), "{out:?}");
    }

    /// The files the script writes, relative to the volume.
    pub fn files(&self) -> Vec<String> {
        self.script
            .lines()
            .filter_map(|l| l.strip_prefix("f=\""))
            .map(|p| {
                p.trim_end_matches('"')
                    .strip_prefix(&format!("{}/", self.config_path))
                    .expect("a file under the mount path")
                    .to_owned()
            })
            .collect()
    }

    /// Runs the script once on an empty volume, checks that every file is there with every
    /// value in place, then that a second run changes nothing a user edited and that a file
    /// deleted alone is the only one written again. Returns the volume, freshly seeded.
    pub fn seed_fresh_volume(&self) -> tempfile::TempDir {
        let files = self.files();
        assert!(!files.is_empty());

        // Edits survive: every file edited, the script run again, nothing changed.
        let edited = tempfile::tempdir().unwrap();
        self.run(edited.path());
        for f in &files {
            std::fs::write(edited.path().join(f), "edited by the user\n").unwrap();
        }
        self.run(edited.path());
        for f in &files {
            let text = std::fs::read_to_string(edited.path().join(f)).unwrap();
            assert_eq!(text, "edited by the user\n", "{f} rewritten");
        }
        // One file gone: only that one comes back.
        std::fs::remove_file(edited.path().join(&files[0])).unwrap();
        self.run(edited.path());
        let back = std::fs::read_to_string(edited.path().join(&files[0])).unwrap();
        assert_ne!(back, "edited by the user\n");
        for f in &files[1..] {
            let text = std::fs::read_to_string(edited.path().join(f)).unwrap();
            assert_eq!(text, "edited by the user\n", "{f} rewritten");
        }

        let volume = tempfile::tempdir().unwrap();
        self.run(volume.path());
        let mut all = String::new();
        for f in &files {
            let path = volume.path().join(f);
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{} not written: {e}", path.display()));
            all.push_str(&text);
        }
        for (name, key) in &self.env {
            assert!(all.contains(self.value(key)), "{name} ({key}) not written");
        }
        assert!(!all.contains("${"), "a variable left unexpanded:\n{all}");
        let left: Vec<_> = walk(volume.path())
            .into_iter()
            .filter(|p| p.extension().is_some_and(|e| e == "kubarr-new"))
            .collect();
        assert!(left.is_empty(), "{left:?}");
        volume
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// A password that is not the generated one (same length and alphabet).
pub fn wrong(password: &str) -> String {
    let mut w: Vec<u8> = password.bytes().collect();
    w[0] = if w[0] == b'x' { b'y' } else { b'x' };
    String::from_utf8(w).unwrap()
}
