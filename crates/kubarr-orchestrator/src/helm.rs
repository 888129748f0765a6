//! Runs the real `helm` binary.
//!
//! Every call has a timeout and the child is killed when the call is cancelled or times out;
//! stdout and stderr are captured and output is parsed from `-o json`. Values always travel in a
//! private temporary file, never through `--set` strings.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use serde::Deserialize;
use tokio::process::Command;

use crate::app_name::AppName;
use crate::error::{Error, Result};

/// How to run helm.
#[derive(Clone, Debug)]
pub struct Helm {
    bin: PathBuf,
    kubeconfig: Option<PathBuf>,
    /// HELM_CACHE_HOME / HELM_CONFIG_HOME / HELM_DATA_HOME live here, not in the user's home
    /// (which may be read-only in a container).
    home: PathBuf,
}

/// A release as helm reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Release {
    pub name: String,
    pub namespace: String,
    pub revision: i64,
    /// `deployed`, `failed`, `pending-install`, `pending-upgrade`, `pending-rollback`,
    /// `uninstalling`, `superseded`, `uninstalled`.
    pub status: String,
    /// Chart version.
    pub chart_version: String,
    pub app_version: String,
}

impl Release {
    pub fn is_pending(&self) -> bool {
        self.status.starts_with("pending-") || self.status == "uninstalling"
    }
}

#[derive(Deserialize)]
struct ListItem {
    name: String,
    namespace: String,
    revision: String,
    status: String,
    chart: String,
    #[serde(default)]
    app_version: String,
}

#[derive(Deserialize)]
struct ReleaseJson {
    name: String,
    namespace: String,
    version: i64,
    info: InfoJson,
    chart: ChartJson,
}

#[derive(Deserialize)]
struct InfoJson {
    status: String,
}

#[derive(Deserialize)]
struct ChartJson {
    metadata: ChartMetadata,
}

#[derive(Deserialize)]
struct ChartMetadata {
    version: String,
    #[serde(default, rename = "appVersion")]
    app_version: String,
}

impl From<ReleaseJson> for Release {
    fn from(r: ReleaseJson) -> Self {
        Self {
            name: r.name,
            namespace: r.namespace,
            revision: r.version,
            status: r.info.status,
            chart_version: r.chart.metadata.version,
            app_version: r.chart.metadata.app_version,
        }
    }
}

/// Options of an install or upgrade.
#[derive(Clone, Debug)]
pub struct DeployOptions {
    /// How long helm waits for the resources to become ready.
    pub wait: Duration,
    /// On failure, roll back (upgrade) or uninstall (install).
    pub atomic: bool,
    /// Keep the user values of the previous release (with the new chart's defaults under them)
    /// and apply the given ones on top.
    pub reuse_values: bool,
}

/// Extra time the helm process gets beyond its own `--timeout` before it is killed.
const GRACE: Duration = Duration::from_secs(30);
/// Timeout of quick read-only calls (status, list, history).
const QUICK: Duration = Duration::from_secs(60);

impl Helm {
    pub fn new(bin: impl Into<PathBuf>, kubeconfig: Option<PathBuf>, home: PathBuf) -> Self {
        Self {
            bin: bin.into(),
            kubeconfig,
            home,
        }
    }

    /// `helm upgrade --install` of `chart_dir` as release `app` in namespace `app`.
    pub async fn upgrade_install(
        &self,
        app: &AppName,
        chart_dir: &Path,
        values: &serde_json::Value,
        opts: &DeployOptions,
    ) -> Result<Release> {
        let values_file = write_values(values)?;
        let mut args: Vec<OsString> = vec![
            "upgrade".into(),
            "--install".into(),
            app.as_str().into(),
            chart_dir.into(),
            "--namespace".into(),
            app.as_str().into(),
            "--values".into(),
            values_file.path().into(),
            "--wait".into(),
            "--timeout".into(),
            format!("{}s", opts.wait.as_secs().max(1)).into(),
            "--history-max".into(),
            "10".into(),
            "--output".into(),
            "json".into(),
        ];
        if opts.atomic {
            args.push("--atomic".into());
        }
        if opts.reuse_values {
            args.push("--reset-then-reuse-values".into());
        }
        let out = self.run("upgrade", args, opts.wait + GRACE).await?;
        parse_release(&out)
    }

    /// `helm rollback` to `revision` (the previous one when `None`).
    pub async fn rollback(
        &self,
        app: &AppName,
        revision: Option<i64>,
        wait: Duration,
    ) -> Result<()> {
        let mut args: Vec<OsString> = vec!["rollback".into(), app.as_str().into()];
        if let Some(r) = revision {
            args.push(r.to_string().into());
        }
        args.extend([
            "--namespace".into(),
            app.as_str().into(),
            "--wait".into(),
            "--timeout".into(),
            format!("{}s", wait.as_secs().max(1)).into(),
        ]);
        self.run("rollback", args, wait + GRACE).await.map(|_| ())
    }

    /// `helm uninstall`; a release that does not exist counts as uninstalled.
    pub async fn uninstall(&self, app: &AppName, wait: Duration) -> Result<()> {
        let args: Vec<OsString> = vec![
            "uninstall".into(),
            app.as_str().into(),
            "--namespace".into(),
            app.as_str().into(),
            "--wait".into(),
            "--timeout".into(),
            format!("{}s", wait.as_secs().max(1)).into(),
        ];
        match self.run("uninstall", args, wait + GRACE).await {
            Err(Error::Helm { stderr, .. }) if is_not_found(&stderr) => Ok(()),
            other => other.map(|_| ()),
        }
    }

    /// The release `app`, or `None` when it does not exist.
    pub async fn status(&self, app: &AppName) -> Result<Option<Release>> {
        let args: Vec<OsString> = vec![
            "status".into(),
            app.as_str().into(),
            "--namespace".into(),
            app.as_str().into(),
            "--output".into(),
            "json".into(),
        ];
        match self.run("status", args, QUICK).await {
            Ok(out) => parse_release(&out).map(Some),
            Err(Error::Helm { stderr, .. }) if is_not_found(&stderr) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Every release in `namespace`, in any state. (Kubarr lists namespace by namespace: its
    /// service account may read helm's release secrets only in the namespaces it manages.)
    pub async fn list_namespace(&self, namespace: &str) -> Result<Vec<Release>> {
        let args: Vec<OsString> = vec![
            "list".into(),
            "--namespace".into(),
            namespace.into(),
            "--all".into(),
            "--output".into(),
            "json".into(),
        ];
        let out = self.run("list", args, QUICK).await?;
        let items: Vec<ListItem> = serde_json::from_str(out.trim())
            .map_err(|e| Error::HelmOutput(format!("list: {e}")))?;
        Ok(items
            .into_iter()
            .map(|i| {
                let chart_version = i
                    .chart
                    .strip_prefix(&format!("{}-", i.name))
                    .unwrap_or(&i.chart)
                    .to_owned();
                Release {
                    revision: i.revision.parse().unwrap_or(0),
                    name: i.name,
                    namespace: i.namespace,
                    status: i.status,
                    chart_version,
                    app_version: i.app_version,
                }
            })
            .collect())
    }

    async fn run(
        &self,
        command: &'static str,
        args: Vec<OsString>,
        timeout: Duration,
    ) -> Result<String> {
        let mut cmd = Command::new(&self.bin);
        cmd.args(&args)
            .env("HELM_CACHE_HOME", self.home.join("cache"))
            .env("HELM_CONFIG_HOME", self.home.join("config"))
            .env("HELM_DATA_HOME", self.home.join("data"))
            // helm caches API discovery under $HOME/.kube: keep that in Kubarr's helm home too,
            // whatever HOME the server runs with (none at all in some containers).
            .env("HOME", &self.home)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        if let Some(kc) = &self.kubeconfig {
            cmd.env("KUBECONFIG", kc);
        }
        let child = cmd.spawn().map_err(|source| Error::HelmSpawn {
            bin: self.bin.display().to_string(),
            source,
        })?;
        let output = match tokio::time::timeout(timeout, child.wait_with_output()).await {
            Ok(result) => result?,
            // Dropping the future drops the child, which kills it.
            Err(_) => return Err(Error::HelmTimeout { command, timeout }),
        };
        if output.status.success() {
            Ok(String::from_utf8_lossy(&output.stdout).into_owned())
        } else {
            let stderr = String::from_utf8_lossy(&output.stderr).trim().to_owned();
            tracing::debug!(command, %stderr, "helm failed");
            Err(Error::Helm {
                command,
                stderr: stderr.chars().take(2000).collect(),
            })
        }
    }
}

fn parse_release(out: &str) -> Result<Release> {
    // Some helm commands print notes or warnings before the JSON document.
    let start = out
        .find('{')
        .ok_or_else(|| Error::HelmOutput("no JSON in output".into()))?;
    let release: ReleaseJson = serde_json::from_str(&out[start..])
        .map_err(|e| Error::HelmOutput(format!("release: {e}")))?;
    Ok(release.into())
}

fn is_not_found(stderr: &str) -> bool {
    stderr.contains("release: not found") || stderr.contains("not found")
}

fn write_values(values: &serde_json::Value) -> Result<tempfile::NamedTempFile> {
    use std::io::Write;
    // NamedTempFile is created with mode 0600: values may hold secrets.
    let mut file = tempfile::Builder::new()
        .prefix("kubarr-values-")
        .suffix(".json")
        .tempfile()?;
    file.write_all(
        serde_json::to_string(values)
            .unwrap_or_else(|_| "{}".into())
            .as_bytes(),
    )?;
    file.flush()?;
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_release_json_after_notes() {
        let out = r#"WARNING: something
{"name":"sonarr","namespace":"sonarr","version":3,"info":{"status":"deployed"},"chart":{"metadata":{"name":"sonarr","version":"1.0.0","appVersion":"4.0"}}}"#;
        let r = parse_release(out).unwrap();
        assert_eq!(r.name, "sonarr");
        assert_eq!(r.revision, 3);
        assert_eq!(r.chart_version, "1.0.0");
        assert_eq!(r.app_version, "4.0");
        assert!(!r.is_pending());
    }

    #[tokio::test]
    async fn a_missing_binary_is_a_spawn_error() {
        let helm = Helm::new("/nonexistent/helm", None, std::env::temp_dir());
        let err = helm.list_namespace("default").await.unwrap_err();
        assert!(matches!(err, Error::HelmSpawn { .. }), "{err}");
    }

    #[tokio::test]
    async fn a_hanging_helm_is_killed_at_the_timeout() {
        let dir = tempfile::tempdir().unwrap();
        let fake = dir.path().join("helm");
        let pid_file = dir.path().join("pid");
        std::fs::write(
            &fake,
            format!(
                "#!/bin/sh\necho $$ > {}\nexec sleep 30\n",
                pid_file.display()
            ),
        )
        .unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        let helm = Helm::new(&fake, None, dir.path().to_path_buf());
        let started = std::time::Instant::now();
        let err = helm
            .run("list", vec!["list".into()], Duration::from_millis(300))
            .await
            .unwrap_err();
        assert!(matches!(err, Error::HelmTimeout { .. }), "{err}");
        assert!(started.elapsed() < Duration::from_secs(10));
        // The child process is gone (or a zombie awaiting reaping), not left running.
        let pid = std::fs::read_to_string(&pid_file)
            .unwrap()
            .trim()
            .to_owned();
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        loop {
            let state = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
            let alive = state
                .split(") ")
                .nth(1)
                .is_some_and(|rest| !rest.starts_with('Z'));
            if !alive {
                break;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "helm child {pid} still running"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}
