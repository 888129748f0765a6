//! Test support for Kubarr's cluster tests: a real local Kubernetes control plane (etcd,
//! kube-apiserver, kube-controller-manager, kube-scheduler) with KWOK-simulated nodes, plus a real
//! `helm` and `kubectl`, all built from Go modules by `testbed/build.sh` (see `testbed/README.md`).
//!
//! [`TestCluster::get`] starts the test bed once per test binary by running `testbed/up` (which
//! reuses a healthy running cluster), or uses the cluster named by `KUBARR_TEST_KUBECONFIG`. If the
//! cluster cannot start, it panics with the failing component's log tail: cluster tests never skip.
//! The cluster is left running at the end; `testbed/down` stops it.
//!
//! Each test gets its own namespace from [`TestCluster::namespace`], deleted when the returned
//! [`NamespaceGuard`] is dropped (or awaited with [`NamespaceGuard::cleanup`]).
//!
//! Network rule: nothing here dials a pod, service or node address. Tests check cluster state
//! through the API only.
//!
//! [`parts`] starts real programs (download clients, Dex, mailpit, an OCI registry) on
//! 127.0.0.1 for feature tests.

pub mod parts;

use std::collections::hash_map::RandomState;
use std::ffi::OsStr;
use std::fs::OpenOptions;
use std::future::Future;
use std::hash::{BuildHasher, Hasher};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context, Result};
use k8s_openapi::api::core::v1::{Namespace, ServiceAccount};
use kube::api::{DeleteParams, ObjectMeta, PostParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::{Api, Client, Config};

/// Environment variable naming the kubeconfig of an already running cluster to use instead of
/// starting the local test bed.
pub const KUBECONFIG_ENV: &str = "KUBARR_TEST_KUBECONFIG";
/// Environment variable overriding the test bed's state directory (default `<repo>/target/testbed`).
pub const STATE_DIR_ENV: &str = "KUBARR_TESTBED_DIR";
/// Environment variable that, set to `fast`, makes [`TestCluster::get`] refuse: the fast tier
/// runs with it so that a test needing the cluster cannot hide there (it must be marked
/// `#[ignore = "cluster tier"]`).
pub const TIER_ENV: &str = "KUBARR_TEST_TIER";
/// Label put on every namespace created by [`TestCluster::namespace`].
pub const TEST_NAMESPACE_LABEL: &str = "kubarr.io/test";

/// A running Kubernetes cluster for tests, shared by all tests of one test binary.
#[derive(Debug)]
pub struct TestCluster {
    kubeconfig: PathBuf,
    bin_dir: PathBuf,
    repo_root: PathBuf,
    state_dir: Option<PathBuf>,
    helm_home: PathBuf,
}

static CLUSTER: OnceLock<Result<TestCluster, String>> = OnceLock::new();

impl TestCluster {
    /// The shared cluster, started on first use. Panics (with the component log tail) if it
    /// cannot be started. Blocking: the first call may take tens of seconds (or, on a machine
    /// where the test bed was never built, the length of the cold build).
    pub fn get() -> &'static TestCluster {
        if std::env::var(TIER_ENV).is_ok_and(|t| t == "fast") {
            panic!(
                "{TIER_ENV}=fast, but this test needs the cluster: mark it \
                 #[ignore = \"cluster tier\"] (the cluster tier runs with `-- --ignored`)"
            );
        }
        match CLUSTER.get_or_init(|| Self::start().map_err(|e| format!("{e:#}"))) {
            Ok(c) => c,
            Err(e) => panic!("the Kubernetes test bed is not available:\n{e}"),
        }
    }

    fn start() -> Result<TestCluster> {
        let repo_root = repo_root();
        let bin_dir = build_testbed(&repo_root)?;
        let (kubeconfig, state_dir) = match std::env::var_os(KUBECONFIG_ENV) {
            Some(k) if !k.is_empty() => {
                let k = PathBuf::from(k);
                if !k.is_file() {
                    bail!("{KUBECONFIG_ENV}={} is not a file", k.display());
                }
                // A test bed's kubeconfig lives in its state directory; other clusters have none.
                let state = k
                    .parent()
                    .filter(|d| d.join("ports.env").is_file())
                    .map(Path::to_path_buf);
                (k, state)
            }
            _ => {
                let kubeconfig = run_up(&repo_root)?;
                let state = kubeconfig.parent().map(Path::to_path_buf);
                (kubeconfig, state)
            }
        };
        let helm_home = match &state_dir {
            Some(s) => s.join("helm"),
            None => std::env::temp_dir().join("kubarr-testbed-helm"),
        };
        std::fs::create_dir_all(&helm_home)
            .with_context(|| format!("creating {}", helm_home.display()))?;
        Ok(TestCluster {
            kubeconfig,
            bin_dir,
            repo_root,
            state_dir,
            helm_home,
        })
    }

    /// Path of the admin kubeconfig.
    pub fn kubeconfig_path(&self) -> &Path {
        &self.kubeconfig
    }

    /// Directory holding `helm`, `kubectl`, `kube-apiserver`, ... of the pinned versions.
    pub fn bin_dir(&self) -> &Path {
        &self.bin_dir
    }

    /// The built `helm` binary.
    pub fn helm_path(&self) -> PathBuf {
        self.bin_dir.join("helm")
    }

    /// The built `kubectl` binary (never the one on PATH).
    pub fn kubectl_path(&self) -> PathBuf {
        self.bin_dir.join("kubectl")
    }

    /// The repository root (for fixtures such as `testbed/fixtures/demo-chart`).
    pub fn repo_root(&self) -> &Path {
        &self.repo_root
    }

    /// A fixture under `testbed/fixtures/`.
    pub fn fixture(&self, name: &str) -> PathBuf {
        self.repo_root.join("testbed/fixtures").join(name)
    }

    /// The test bed's state directory, if the cluster is a local test bed.
    pub fn state_dir(&self) -> Option<&Path> {
        self.state_dir.as_deref()
    }

    /// The file every simulated container's logs are served from (`kubectl logs`, with `-f`).
    /// `None` for a cluster that is not a local test bed.
    pub fn pod_log_file(&self) -> Option<PathBuf> {
        self.state_dir.as_ref().map(|s| s.join("podlogs/pods.log"))
    }

    /// Appends `line` to the pod log file in CRI log format, so that it shows up in every
    /// simulated container's logs (and in running `follow` streams).
    pub fn append_pod_log(&self, line: &str) -> Result<()> {
        let path = self
            .pod_log_file()
            .ok_or_else(|| anyhow!("this cluster is not a local test bed: no pod log file"))?;
        append_cri_log_line(&path, line)
    }

    /// A new API client (create one per test: a client is tied to the runtime it was made in).
    pub async fn client(&self) -> Result<Client> {
        client_from_kubeconfig(&self.kubeconfig).await
    }

    /// `kubectl --kubeconfig <admin>` as a tokio command.
    pub fn kubectl(&self) -> tokio::process::Command {
        let mut c = tokio::process::Command::new(self.kubectl_path());
        c.arg("--kubeconfig")
            .arg(&self.kubeconfig)
            .kill_on_drop(true);
        c
    }

    /// `helm --kubeconfig <admin>` as a tokio command, with its own cache/config/data dirs.
    pub fn helm(&self) -> tokio::process::Command {
        let mut c = tokio::process::Command::new(self.helm_path());
        c.arg("--kubeconfig")
            .arg(&self.kubeconfig)
            .env("HELM_CACHE_HOME", self.helm_home.join("cache"))
            .env("HELM_CONFIG_HOME", self.helm_home.join("config"))
            .env("HELM_DATA_HOME", self.helm_home.join("data"))
            .kill_on_drop(true);
        c
    }

    /// Writes a kubeconfig authenticating as `namespace/service_account` (TokenRequest token),
    /// via `testbed/sa-kubeconfig`.
    pub async fn service_account_kubeconfig(
        &self,
        namespace: &str,
        service_account: &str,
        out: &Path,
    ) -> Result<()> {
        let mut c = tokio::process::Command::new(self.repo_root.join("testbed/sa-kubeconfig"));
        c.arg(namespace).arg(service_account).arg(out);
        c.env(KUBECONFIG_ENV, &self.kubeconfig);
        if let Some(s) = &self.state_dir {
            c.env(STATE_DIR_ENV, s);
        }
        output_ok(&mut c).await.map(drop)
    }

    /// A unique namespace name: `prefix` (sanitised to DNS-1123) plus a random suffix, ≤ 63 chars.
    pub fn unique_namespace(prefix: &str) -> String {
        unique_name(prefix)
    }

    /// Creates a unique namespace (see [`Self::unique_namespace`]), waits for its `default`
    /// ServiceAccount, and returns a guard that deletes it when dropped.
    pub async fn namespace(&self, prefix: &str) -> Result<NamespaceGuard> {
        let client = self.client().await?;
        let name = Self::unique_namespace(prefix);
        let ns = Namespace {
            metadata: ObjectMeta {
                name: Some(name.clone()),
                labels: Some([(TEST_NAMESPACE_LABEL.to_string(), "true".to_string())].into()),
                ..Default::default()
            },
            ..Default::default()
        };
        Api::<Namespace>::all(client.clone())
            .create(&PostParams::default(), &ns)
            .await
            .with_context(|| format!("creating namespace {name}"))?;
        let guard = NamespaceGuard {
            name: name.clone(),
            kubectl: self.kubectl_path(),
            kubeconfig: self.kubeconfig.clone(),
            armed: true,
        };
        let sas: Api<ServiceAccount> = Api::namespaced(client, &name);
        wait_until(
            Duration::from_secs(30),
            &format!("ServiceAccount {name}/default"),
            || async { Ok(sas.get_opt("default").await?.is_some()) },
        )
        .await?;
        Ok(guard)
    }
}

/// Deletes its namespace when dropped (without waiting), unless [`Self::cleanup`] did already.
#[derive(Debug)]
pub struct NamespaceGuard {
    name: String,
    kubectl: PathBuf,
    kubeconfig: PathBuf,
    armed: bool,
}

impl NamespaceGuard {
    /// The namespace's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Deletes the namespace and waits (up to 90 s) until it is gone.
    pub async fn cleanup(mut self) -> Result<()> {
        self.armed = false;
        let client = client_from_kubeconfig(&self.kubeconfig).await?;
        let api = Api::<Namespace>::all(client);
        match api.delete(&self.name, &DeleteParams::default()).await {
            Ok(_) => {}
            Err(kube::Error::Api(e)) if e.code == 404 => return Ok(()),
            Err(e) => return Err(e).with_context(|| format!("deleting namespace {}", self.name)),
        }
        let name = self.name.clone();
        wait_until(
            Duration::from_secs(90),
            &format!("namespace {name} to be deleted"),
            || async { Ok(api.get_opt(&name).await?.is_none()) },
        )
        .await
    }
}

impl Drop for NamespaceGuard {
    fn drop(&mut self) {
        if !self.armed {
            return;
        }
        // Synchronous and fire-and-forget, so it works in and out of an async runtime.
        let _ = std::process::Command::new(&self.kubectl)
            .arg("--kubeconfig")
            .arg(&self.kubeconfig)
            .args([
                "delete",
                "namespace",
                &self.name,
                "--wait=false",
                "--ignore-not-found",
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

/// A fresh catalog directory with copies of charts from `charts/catalog`, each renamed:
/// `(from, to)` copies chart `from` as app `to`. Tests install these copies so that they never
/// share an app name (which is also the release and namespace name) with another test.
pub fn renamed_catalog(charts: &[(&str, &str)]) -> Result<tempfile::TempDir> {
    let dir = tempfile::tempdir().context("creating a catalog directory")?;
    for (from, to) in charts {
        let dest = dir.path().join(to);
        copy_dir(&repo_root().join("charts/catalog").join(from), &dest)?;
        let chart_file = dest.join("Chart.yaml");
        let chart = std::fs::read_to_string(&chart_file)
            .with_context(|| format!("reading {from}'s Chart.yaml"))?;
        let renamed = chart.replacen(&format!("name: {from}\n"), &format!("name: {to}\n"), 1);
        std::fs::write(&chart_file, renamed)
            .with_context(|| format!("writing {to}'s Chart.yaml"))?;
    }
    Ok(dir)
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to).with_context(|| format!("creating {}", to.display()))?;
    for entry in std::fs::read_dir(from).with_context(|| format!("reading {}", from.display()))? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)
                .with_context(|| format!("copying {}", entry.path().display()))?;
        }
    }
    Ok(())
}

/// A kube client from a kubeconfig file.
pub async fn client_from_kubeconfig(path: &Path) -> Result<Client> {
    let kc = Kubeconfig::read_from(path)
        .with_context(|| format!("reading kubeconfig {}", path.display()))?;
    let config = Config::from_custom_kubeconfig(kc, &KubeConfigOptions::default())
        .await
        .with_context(|| format!("loading kubeconfig {}", path.display()))?;
    Client::try_from(config).context("creating the kube client")
}

/// Polls `check` (every 200 ms) until it returns `Ok(true)`, or fails after `timeout` with the
/// last error. Every wait in the tests goes through this: a condition and a deadline.
pub async fn wait_until<F, Fut>(timeout: Duration, what: &str, mut check: F) -> Result<()>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<bool>>,
{
    let deadline = Instant::now() + timeout;
    let mut last_err = None;
    loop {
        match check().await {
            Ok(true) => return Ok(()),
            Ok(false) => {}
            Err(e) => last_err = Some(e),
        }
        if Instant::now() >= deadline {
            let mut msg = format!("timed out after {timeout:?} waiting for {what}");
            if let Some(e) = last_err {
                msg.push_str(&format!(" (last error: {e:#})"));
            }
            bail!(msg);
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Runs a command; returns its stdout, or an error with its stderr if it exits non-zero.
pub async fn output_ok(cmd: &mut tokio::process::Command) -> Result<String> {
    let desc = describe(cmd.as_std());
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .await
        .with_context(|| format!("running {desc}"))?;
    if !out.status.success() {
        bail!(
            "{desc} failed ({}):\n{}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Appends one line in CRI log format (`<RFC3339Nano> stdout F <line>`) to `path`.
pub fn append_cri_log_line(path: &Path, line: &str) -> Result<()> {
    let ts = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Nanos, true);
    let mut f = OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .with_context(|| format!("opening {}", path.display()))?;
    // One write call per line, so concurrent appenders never interleave within a line.
    f.write_all(format!("{ts} stdout F {line}\n").as_bytes())
        .with_context(|| format!("appending to {}", path.display()))
}

fn describe(cmd: &std::process::Command) -> String {
    let prog = Path::new(cmd.get_program())
        .file_name()
        .unwrap_or(OsStr::new("?"))
        .to_string_lossy()
        .into_owned();
    let args: Vec<_> = cmd
        .get_args()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    format!("`{prog} {}`", args.join(" "))
}

/// The repository root: the first ancestor of the running test's package directory (cargo sets
/// `CARGO_MANIFEST_DIR` for test processes) holding `testbed/build.sh`. Read at run time, not
/// baked in at build time: a build cache shared between checkouts must not point at another one.
pub fn repo_root() -> PathBuf {
    let start = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .or_else(|| std::env::current_dir().ok())
        .unwrap_or_default();
    start
        .ancestors()
        .find(|p| p.join("testbed/build.sh").is_file())
        .unwrap_or_else(|| panic!("no testbed/build.sh above {}", start.display()))
        .to_path_buf()
}

fn build_testbed(repo_root: &Path) -> Result<PathBuf> {
    let script = repo_root.join("testbed/build.sh");
    let out = std::process::Command::new(&script)
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .with_context(|| format!("running {}", script.display()))?;
    if !out.status.success() {
        bail!("{} failed ({})", script.display(), out.status);
    }
    let bin =
        last_line(&out.stdout).ok_or_else(|| anyhow!("{} printed no bin dir", script.display()))?;
    Ok(PathBuf::from(bin))
}

fn run_up(repo_root: &Path) -> Result<PathBuf> {
    let script = repo_root.join("testbed/up");
    let started = Instant::now();
    let out = std::process::Command::new(&script)
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("running {}", script.display()))?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        bail!(
            "{} failed ({}); its output, with the failing component's log tail:\n{stderr}",
            script.display(),
            out.status
        );
    }
    let kubeconfig = last_line(&out.stdout)
        .map(PathBuf::from)
        .filter(|p| p.is_file())
        .ok_or_else(|| anyhow!("{} printed no kubeconfig path:\n{stderr}", script.display()))?;
    eprintln!(
        "kubarr-testbed: cluster ready in {:.1}s ({})",
        started.elapsed().as_secs_f64(),
        kubeconfig.display()
    );
    Ok(kubeconfig)
}

fn last_line(bytes: &[u8]) -> Option<String> {
    String::from_utf8_lossy(bytes)
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .map(|l| l.trim().to_string())
}

/// A random 10-character lowercase hex tag, distinct on every call (for unique names).
pub fn unique_suffix() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut h = RandomState::new().build_hasher();
    h.write_u32(std::process::id());
    h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default(),
    );
    format!("{:010x}", h.finish() & 0xff_ffff_ffff)
}

fn unique_name(prefix: &str) -> String {
    let suffix = unique_suffix();
    let mut p: String = prefix
        .to_ascii_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    p.truncate(63 - 1 - suffix.len());
    let p = p.trim_matches('-');
    if p.is_empty() || !p.starts_with(|c: char| c.is_ascii_lowercase()) {
        format!("t{}-{suffix}", p)
            .trim_end_matches('-')
            .chars()
            .take(63)
            .collect()
    } else {
        format!("{p}-{suffix}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is_dns1123_label(s: &str) -> bool {
        !s.is_empty()
            && s.len() <= 63
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !s.starts_with('-')
            && !s.ends_with('-')
    }

    #[test]
    fn unique_names_are_dns1123_and_distinct() {
        let long = "A".repeat(100);
        for p in ["helm", "Helm_Test", "", "-x-", "9lives", long.as_str()] {
            let a = unique_name(p);
            let b = unique_name(p);
            assert!(is_dns1123_label(&a), "{a:?} from {p:?}");
            assert_ne!(a, b);
        }
        assert!(unique_name("helm").starts_with("helm-"));
    }

    #[test]
    fn last_line_skips_trailing_blank_lines() {
        assert_eq!(last_line(b"a\nb\n\n").as_deref(), Some("b"));
        assert_eq!(last_line(b""), None);
    }
}
