//! Kubarr's own Helm chart (`charts/kubarr`) on the test bed: install, upgrade and uninstall
//! with SQLite and PostgreSQL, the generated secrets kept across upgrades and reinstalls, and the
//! least-privilege RBAC — the real `kubarr` binary, configured exactly as the chart's Deployment
//! says and authenticated as the chart's ServiceAccount, runs a catalog app's whole lifecycle,
//! while the same account is refused everything outside its app namespaces.

#[path = "support/server.rs"]
mod server;

#[path = "deploy/guards.rs"]
mod guards;
use guards::{
    media_is_one_backing_without_host_paths, pod_security_refuses_host_access,
    policy_narrows_bindings_volumes_and_pod_security,
};

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{bail, Context, Result};
use base64::Engine;
use kubarr_testbed::{output_ok, TestCluster};
use serde_json::{json, Value};
use server::{http_text, serve_command, Server};

fn chart_dir() -> PathBuf {
    kubarr_testbed::repo_root().join("charts/kubarr")
}

/// A release of the chart in its own namespace, uninstalled (and the namespace deleted) at the end.
struct Release {
    name: String,
    ns: kubarr_testbed::NamespaceGuard,
}

impl Release {
    /// Installs into a fresh namespace that enforces the `restricted` Pod Security Standard, so
    /// the API server itself refuses pods that are not locked down.
    async fn install(prefix: &str, args: &[&str]) -> Result<Self> {
        let tc = TestCluster::get();
        let ns = tc.namespace(prefix).await?;
        let mut label = tc.kubectl();
        label.args([
            "label",
            "namespace",
            ns.name(),
            "pod-security.kubernetes.io/enforce=restricted",
        ]);
        output_ok(&mut label).await?;
        let name = format!("kubarr-{}", kubarr_testbed::unique_suffix());
        let release = Self { name, ns };
        release.helm("install", args).await?;
        Ok(release)
    }

    fn namespace(&self) -> &str {
        self.ns.name()
    }

    /// `helm <verb> <release> charts/kubarr -n <ns> --wait …`
    async fn helm(&self, verb: &str, args: &[&str]) -> Result<String> {
        let mut cmd = TestCluster::get().helm();
        cmd.args([verb, &self.name])
            .arg(chart_dir())
            .args(["-n", self.namespace(), "--wait", "--timeout", "120s"])
            .args(args);
        output_ok(&mut cmd).await
    }

    async fn uninstall(&self) -> Result<()> {
        let mut cmd = TestCluster::get().helm();
        cmd.args(["uninstall", &self.name, "-n", self.namespace(), "--wait"]);
        output_ok(&mut cmd).await.map(drop)
    }

    async fn get(&self, kind: &str, name: &str) -> Result<Value> {
        kubectl_json(&["get", kind, name, "-n", self.namespace()]).await
    }

    async fn secret(&self) -> Result<BTreeMap<String, String>> {
        let secret = self
            .get("secret", &format!("{}-secrets", self.name))
            .await?;
        let mut out = BTreeMap::new();
        for (k, v) in secret["data"].as_object().context("secret data")? {
            let bytes = base64::engine::general_purpose::STANDARD.decode(v.as_str().unwrap())?;
            out.insert(k.clone(), String::from_utf8(bytes)?);
        }
        Ok(out)
    }

    /// Names of the release's objects of these kinds left in its namespace.
    async fn leftovers(&self, kinds: &str) -> Result<Vec<String>> {
        let list = kubectl_json(&[
            "get",
            kinds,
            "-n",
            self.namespace(),
            "-l",
            &format!("app.kubernetes.io/instance={}", self.name),
        ])
        .await?;
        Ok(list["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| {
                format!(
                    "{}/{}",
                    o["kind"].as_str().unwrap(),
                    o["metadata"]["name"].as_str().unwrap()
                )
            })
            .collect())
    }

    async fn cleanup(self) -> Result<()> {
        let _ = self.uninstall().await;
        for kind in ["pvc", "secret"] {
            let mut cmd = TestCluster::get().kubectl();
            cmd.args([
                "delete",
                kind,
                "-n",
                self.namespace(),
                "--all",
                "--wait=false",
            ]);
            let _ = output_ok(&mut cmd).await;
        }
        self.ns.cleanup().await
    }
}

async fn kubectl_json(args: &[&str]) -> Result<Value> {
    let mut cmd = TestCluster::get().kubectl();
    cmd.args(args).args(["-o", "json"]);
    Ok(serde_json::from_str(&output_ok(&mut cmd).await?)?)
}

/// `kubectl auth can-i … --as=<service account>` (RBAC only; admission comes on top).
async fn can_i(sa: &str, args: &[&str]) -> bool {
    let mut cmd = TestCluster::get().kubectl();
    cmd.args(["auth", "can-i"])
        .args(args)
        .arg(format!("--as={sa}"));
    let out = cmd.output().await.unwrap();
    let answer = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    assert!(
        answer == "yes" || answer == "no",
        "can-i {args:?}: {answer} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    answer == "yes"
}

/// Runs kubectl with `kubeconfig`; returns its error output (the command must fail).
async fn refused(kubeconfig: &Path, args: &[&str]) -> String {
    let tc = TestCluster::get();
    let out = tokio::process::Command::new(tc.kubectl_path())
        .arg("--kubeconfig")
        .arg(kubeconfig)
        .args(args)
        .output()
        .await
        .unwrap();
    assert!(
        !out.status.success(),
        "kubectl {args:?} was allowed: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn container<'a>(deployment: &'a Value, name: &str) -> &'a Value {
    deployment["spec"]["template"]["spec"]["containers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no container {name}"))
}

fn env_of(container: &Value) -> BTreeMap<String, String> {
    container["env"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let value = e["value"]
                .as_str()
                .unwrap_or_else(|| panic!("{e} is not a plain value"));
            (e["name"].as_str().unwrap().to_owned(), value.to_owned())
        })
        .collect()
}

/// Restricted pod security and small requests, as a cluster with the `restricted` Pod Security
/// Standard demands.
fn assert_hardened(deployment: &Value, container_name: &str) {
    let pod = &deployment["spec"]["template"]["spec"];
    assert_eq!(pod["securityContext"]["runAsNonRoot"], true);
    assert_eq!(
        pod["securityContext"]["seccompProfile"]["type"],
        "RuntimeDefault"
    );
    let c = container(deployment, container_name);
    let sc = &c["securityContext"];
    assert_eq!(sc["allowPrivilegeEscalation"], false);
    assert_eq!(sc["readOnlyRootFilesystem"], true);
    assert_eq!(sc["capabilities"]["drop"], json!(["ALL"]));
    assert_eq!(sc["seccompProfile"]["type"], "RuntimeDefault");
    let req = &c["resources"]["requests"];
    let mem = req["memory"].as_str().unwrap();
    assert!(
        mem.ends_with("Mi") && mem.trim_end_matches("Mi").parse::<u32>().unwrap() <= 64,
        "{mem}"
    );
    let cpu = req["cpu"].as_str().unwrap();
    assert!(
        cpu.ends_with('m') && cpu.trim_end_matches('m').parse::<u32>().unwrap() <= 50,
        "{cpu}"
    );
    assert!(c["resources"]["limits"]["memory"].is_string());
    assert!(c["resources"]["limits"]["cpu"].is_string());
}

/// Starts the real binary as the chart's backend container would run, on this machine: the
/// container's environment with its mounted paths moved under a temporary directory, the Secret's
/// files written there, and — instead of the in-cluster token — a kubeconfig holding a token of
/// the chart's ServiceAccount. The image's own settings (charts, web, helm) point at the repo.
async fn run_chart_backend(release: &Release, charts: &Path, root: &Path) -> Result<Server> {
    let tc = TestCluster::get();
    let deployment = release
        .get("deployment", &format!("{}-backend", release.name))
        .await?;
    let c = container(&deployment, "kubarr");
    let secret = release.secret().await?;
    let mounts: Vec<String> = c["volumeMounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["mountPath"].as_str().unwrap().to_owned())
        .collect();
    let relocate = |value: &str| -> String {
        for m in &mounts {
            if let Some(rest) = value.strip_prefix(m.as_str()) {
                return format!("{}{}{rest}", root.display(), m);
            }
        }
        value.to_owned()
    };
    for m in &mounts {
        std::fs::create_dir_all(format!("{}{m}", root.display()))?;
    }
    for (key, value) in &secret {
        std::fs::write(
            format!("{}/etc/kubarr/secrets/{key}", root.display()),
            value,
        )?;
    }
    let kubeconfig = root.join("sa.kubeconfig");
    let sa = deployment["spec"]["template"]["spec"]["serviceAccountName"]
        .as_str()
        .unwrap();
    tc.service_account_kubeconfig(release.namespace(), sa, &kubeconfig)
        .await?;
    let mut cmd = serve_command();
    for (name, value) in env_of(c) {
        match name.as_str() {
            "KUBARR_LISTEN" => {}
            "KUBARR_KUBERNETES__MODE" => {
                if value != "in_cluster" {
                    bail!("the chart should use the in-cluster account, not {value}");
                }
                cmd.env(name, "kubeconfig").env("KUBECONFIG", &kubeconfig);
            }
            "KUBARR_DATABASE_URL" if value.starts_with("sqlite://") => {
                let path = value.trim_start_matches("sqlite://");
                cmd.env(name, format!("sqlite://{}", relocate(path)));
            }
            _ => {
                cmd.env(name, relocate(&value));
            }
        }
    }
    cmd.env("KUBARR_CHARTS_DIR", charts)
        .env("KUBARR_WEB_DIR", root.join("web"))
        .env("KUBARR_HELM_BIN", tc.helm_path())
        .env("KUBARR_LOG__FORMAT", "text")
        .env("KUBARR_LOG__LEVEL", "warn");
    Ok(Server::spawn(cmd).await)
}

#[tokio::test]
#[ignore = "cluster tier"]
async fn the_chart_installs_upgrades_and_uninstalls_with_sqlite() -> Result<()> {
    let release = Release::install("kubarr-sqlite", &[]).await?;
    let name = release.name.clone();
    let backend = release
        .get("deployment", &format!("{name}-backend"))
        .await?;
    assert_eq!(backend["spec"]["replicas"], 1);
    assert_eq!(
        backend["spec"]["strategy"]["type"], "Recreate",
        "SQLite: one writer"
    );
    assert_eq!(backend["status"]["readyReplicas"], 1);
    assert_hardened(&backend, "kubarr");
    let kubarr = container(&backend, "kubarr");
    assert_eq!(kubarr["livenessProbe"]["httpGet"]["path"], "/api/health");
    assert_eq!(kubarr["readinessProbe"]["httpGet"]["path"], "/api/ready");
    let frontend = release
        .get("deployment", &format!("{name}-frontend"))
        .await?;
    assert_hardened(&frontend, "httpd");
    assert_eq!(
        frontend["spec"]["template"]["spec"]["automountServiceAccountToken"],
        false
    );
    let ingress = release.get("ingress", &name).await?;
    let paths = &ingress["spec"]["rules"][0]["http"]["paths"];
    assert_eq!(paths[0]["path"], "/api");
    assert_eq!(
        paths[0]["backend"]["service"]["name"],
        format!("{name}-backend")
    );
    assert_eq!(paths[1]["path"], "/");
    assert_eq!(
        paths[1]["backend"]["service"]["name"],
        format!("{name}-frontend")
    );
    let pvc = release.get("pvc", &format!("{name}-data")).await?;
    assert_eq!(pvc["status"]["phase"], "Bound");
    release
        .get("networkpolicy", &format!("{name}-backend"))
        .await?;
    let secrets = release.secret().await?;
    assert!(secrets["secret-key"].len() >= 32);
    assert!(secrets["admin-password"].len() >= 20);
    // The notes say where the password is, not what it is.
    let notes = release.helm("upgrade", &["--reuse-values"]).await?;
    assert!(!notes.contains(&secrets["admin-password"]), "{notes}");
    assert!(
        notes.contains(&format!("kubectl get secret {name}-secrets")),
        "{notes}"
    );

    // An upgrade that changes something keeps the generated secrets.
    release
        .helm(
            "upgrade",
            &["--reuse-values", "--set", "backend.logLevel=debug"],
        )
        .await?;
    let upgraded = release
        .get("deployment", &format!("{name}-backend"))
        .await?;
    assert_eq!(
        env_of(container(&upgraded, "kubarr"))["KUBARR_LOG__LEVEL"],
        "debug"
    );
    assert_eq!(
        release.secret().await?,
        secrets,
        "upgrade regenerated the secrets"
    );

    // Uninstall keeps the data volume and the key that decrypts it, and nothing else...
    release.uninstall().await?;
    let mut left = release
        .leftovers("deploy,svc,ingress,networkpolicy,sa,pvc,secret")
        .await?;
    left.sort();
    assert_eq!(
        left,
        [
            format!("PersistentVolumeClaim/{name}-data"),
            format!("Secret/{name}-secrets")
        ]
    );
    for kind in [
        "clusterrole",
        "clusterrolebinding",
        "validatingadmissionpolicy",
    ] {
        let list = kubectl_json(&["get", kind]).await?;
        let names: Vec<&str> = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|o| o["metadata"]["name"].as_str())
            .filter(|n| n.starts_with(&name))
            .collect();
        assert!(names.is_empty(), "{kind} left behind: {names:?}");
    }
    // ...so a reinstall finds them again.
    release.helm("install", &[]).await?;
    assert_eq!(release.secret().await?, secrets, "reinstall lost the key");
    let pvc_again = release.get("pvc", &format!("{name}-data")).await?;
    assert_eq!(pvc_again["metadata"]["uid"], pvc["metadata"]["uid"]);

    // Asked not to keep anything, uninstall leaves nothing.
    release
        .helm(
            "upgrade",
            &[
                "--reuse-values",
                "--set",
                "persistence.keepOnUninstall=false",
            ],
        )
        .await?;
    release.uninstall().await?;
    let left = release
        .leftovers("deploy,svc,ingress,networkpolicy,sa,pvc,secret")
        .await?;
    assert!(left.is_empty(), "{left:?}");
    release.cleanup().await
}

#[tokio::test]
#[ignore = "cluster tier"]
async fn settings_that_cannot_work_are_refused_with_a_reason() -> Result<()> {
    let tc = TestCluster::get();
    for (set, reason) in [
        ("backend.replicas=2", "needs PostgreSQL"),
        ("expose.mode=everywhere", "expose.mode"),
        ("database.url=mysql://x", "database.url"),
        ("unknown=1", "unknown"),
        ("media.allowedRoots={/etc}", "media.allowedRoots"),
    ] {
        let mut cmd = tc.helm();
        cmd.args(["template", "kubarr"])
            .arg(chart_dir())
            .args(POLICY_API)
            .args(["--set", set]);
        let err = output_ok(&mut cmd).await.expect_err(set).to_string();
        assert!(err.contains(reason), "{set}: {err}");
    }
    // A cluster without the admission-policy API: refused, unless the deployer opts out.
    let mut cmd = tc.helm();
    cmd.args(["template", "kubarr"]).arg(chart_dir());
    let err = output_ok(&mut cmd)
        .await
        .expect_err("no policy API")
        .to_string();
    assert!(err.contains("rbac.admissionPolicy=false"), "{err}");
    let mut cmd = tc.helm();
    cmd.args(["template", "kubarr"])
        .arg(chart_dir())
        .args(["--set", "rbac.admissionPolicy=false"]);
    let out = output_ok(&mut cmd).await?;
    assert!(!out.contains("ValidatingAdmissionPolicy"), "{out}");
    Ok(())
}

/// `helm template` as a cluster with the admission-policy API (Kubernetes ≥ 1.30) would render.
const POLICY_API: [&str; 2] = [
    "--api-versions",
    "admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy",
];

#[tokio::test]
#[ignore = "cluster tier"]
async fn with_postgresql_the_backend_runs_several_replicas_on_the_database() -> Result<()> {
    let db = kubarr_db::testing::TestDatabase::new().await;
    let url = match db.backend {
        kubarr_db::Backend::Postgres => db.url.clone(),
        // Without a PostgreSQL server the chart is still checked, with an address nobody dials.
        kubarr_db::Backend::Sqlite => "postgres://kubarr:secret@127.0.0.1:1/kubarr".to_owned(),
    };
    let release = Release::install(
        "kubarr-pg",
        &[
            "--set",
            &format!("database.url={url}"),
            "--set",
            "backend.replicas=2",
        ],
    )
    .await?;
    let name = release.name.clone();
    let backend = release
        .get("deployment", &format!("{name}-backend"))
        .await?;
    assert_eq!(backend["spec"]["replicas"], 2);
    assert_eq!(backend["status"]["readyReplicas"], 2);
    assert_eq!(backend["spec"]["strategy"]["type"], "RollingUpdate");
    let env = env_of(container(&backend, "kubarr"));
    assert!(
        !env.contains_key("KUBARR_DATABASE_URL"),
        "the URL holds a password: not in the pod spec"
    );
    assert_eq!(
        env["KUBARR_DATABASE_URL_FILE"],
        "/etc/kubarr/secrets/database-url"
    );
    assert_eq!(release.secret().await?["database-url"], url);
    assert!(
        release.leftovers("pvc").await?.is_empty(),
        "no SQLite volume"
    );

    if db.backend == kubarr_db::Backend::Postgres {
        // Two backends as the chart configures them, on the one database: the first creates the
        // initial administrator, both accept the password from the Secret.
        let charts = kubarr_testbed::renamed_catalog(&[])?;
        let (root_a, root_b) = (tempfile::tempdir()?, tempfile::tempdir()?);
        let a = run_chart_backend(&release, charts.path(), root_a.path()).await?;
        let b = run_chart_backend(&release, charts.path(), root_b.path()).await?;
        let password = release.secret().await?["admin-password"].clone();
        for server in [&a, &b] {
            server.wait_ready().await;
            let (_, setup) = server.call("GET", "/api/setup/status", None, None).await;
            assert_eq!(setup["setup_required"], false);
            server.login("admin", &password).await;
        }
        let (_, users) = a
            .call(
                "GET",
                "/api/users",
                Some(&a.login("admin", &password).await),
                None,
            )
            .await;
        assert_eq!(users["items"].as_array().unwrap().len(), 1, "{users}");
    }
    release.cleanup().await?;
    db.cleanup().await?;
    Ok(())
}

#[tokio::test]
#[ignore = "cluster tier"]
async fn the_chart_rbac_is_sufficient_for_the_lifecycle_and_nothing_more() -> Result<()> {
    let tc = TestCluster::get();
    let release = Release::install("kubarr-rbac", &[]).await?;
    let name = release.name.clone();
    let sa = format!("system:serviceaccount:{}:{name}", release.namespace());

    // No wildcard anywhere in the rules.
    for role in [name.clone(), format!("{name}-app-manager")] {
        let cr = kubectl_json(&["get", "clusterrole", &role]).await?;
        for rule in cr["rules"].as_array().unwrap() {
            for field in ["apiGroups", "resources", "verbs"] {
                assert!(
                    !rule[field].as_array().unwrap().iter().any(|v| v == "*"),
                    "{role}: {rule}"
                );
            }
        }
    }

    let app = format!("prowlarr-{}", kubarr_testbed::unique_suffix());
    let other = format!("qbittorrent-{}", kubarr_testbed::unique_suffix());
    let charts = kubarr_testbed::renamed_catalog(&[("prowlarr", &app), ("qbittorrent", &other)])?;
    let root = tempfile::tempdir()?;
    let server = run_chart_backend(&release, charts.path(), root.path()).await?;
    server.wait_ready().await;
    // The initial administrator from the chart's Secret.
    let password = release.secret().await?["admin-password"].clone();
    let token = server.login("admin", &password).await;

    // Shared media on a host path: only inside the chart's allowed roots (default /srv/kubarr).
    let (status, body) = server
        .call(
            "PUT",
            "/api/settings/media_storage",
            Some(&token),
            Some(
                json!({"value": {"type": "host_path", "host_path": "/srv/kubarr/../kubarr/data/"}}),
            ),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["value"]["host_path"], "/srv/kubarr/data",
        "stored canonical"
    );
    let (status, body) = server
        .call(
            "PUT",
            "/api/settings/media_storage",
            Some(&token),
            Some(json!({"value": {"type": "host_path", "host_path": "/srv/kubarr/../../etc"}})),
        )
        .await;
    assert_eq!(status, 422, "{body}");

    // The whole lifecycle with nothing but the chart's rights, for two apps.
    for name in [&app, &other] {
        let (status, body) = server
            .call(
                "POST",
                "/api/apps/install",
                Some(&token),
                Some(json!({"app_name": name})),
            )
            .await;
        assert_eq!(status, 202, "{body}");
    }
    for name in [&other, &app] {
        let installed = server
            .wait_app(&token, name, Duration::from_secs(180), |s| {
                s["state"] == "installed" || s["state"] == "error"
            })
            .await;
        assert_eq!(installed["state"], "installed", "{name}: {installed}");
    }
    media_is_one_backing_without_host_paths(&[&app, &other]).await?;
    pod_security_refuses_host_access(&app).await?;
    let binding = kubectl_json(&["get", "rolebinding", "kubarr-app-manager", "-n", &app]).await?;
    assert_eq!(binding["roleRef"]["name"], format!("{name}-app-manager"));
    // The app lets in Kubarr's own namespace, wherever the chart was installed.
    let policies = kubectl_json(&["get", "networkpolicy", "-n", &app]).await?;
    assert!(
        policies.to_string().contains(&format!(
            r#""kubernetes.io/metadata.name":"{}""#,
            release.namespace()
        )),
        "{policies}"
    );
    let (status, pods) = server
        .call("GET", &format!("/api/apps/{app}/pods"), Some(&token), None)
        .await;
    assert_eq!(status, 200, "{pods}");
    let pod = pods[0]["name"].as_str().unwrap().to_owned();
    let (status, events) = server
        .call(
            "GET",
            &format!("/api/apps/{app}/events"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(status, 200, "{events}");
    let marker = format!("kubarr-rbac-log-{}", kubarr_testbed::unique_suffix());
    tc.append_pod_log(&marker)?;
    let logs_path = format!("/api/apps/{app}/logs?pod={pod}&tail_lines=5000");
    kubarr_testbed::wait_until(Duration::from_secs(30), "the log line", || async {
        let (status, text) = http_text(server.port, "GET", &logs_path, Some(&token), None).await?;
        Ok(status == 200 && text.contains(&marker))
    })
    .await?;
    let (status, body) = server
        .call(
            "POST",
            &format!("/api/apps/{app}/restart"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(status, 202, "{body}");
    kubarr_testbed::wait_until(Duration::from_secs(120), "restarted pods", || async {
        let (status, pods) = server
            .call("GET", &format!("/api/apps/{app}/pods"), Some(&token), None)
            .await;
        Ok(status == 200
            && pods.as_array().is_some_and(|p| {
                !p.is_empty()
                    && p.iter()
                        .all(|p| p["name"] != pod.as_str() && p["ready"] == true)
            }))
    })
    .await?;

    // While the app exists: rights in its namespace, none elsewhere.
    assert!(can_i(&sa, &["list", "secrets", "-n", &app]).await);
    assert!(!can_i(&sa, &["get", "secrets", "-n", "kube-system"]).await);
    assert!(!can_i(&sa, &["list", "secrets", "-n", release.namespace()]).await);
    assert!(!can_i(&sa, &["list", "secrets", "--all-namespaces"]).await);
    assert!(!can_i(&sa, &["create", "clusterroles"]).await);
    assert!(!can_i(&sa, &["create", "clusterrolebindings"]).await);
    assert!(!can_i(&sa, &["create", "pods", "--subresource=exec", "-n", &app]).await);
    assert!(
        !can_i(
            &sa,
            &["create", "pods", "--subresource=portforward", "-n", &app]
        )
        .await
    );
    assert!(!can_i(&sa, &["create", "deployments", "-n", "default"]).await);
    // What RBAC cannot narrow, the admission policy does: no binding of its role outside app
    // namespaces, no touching a namespace without Kubarr's label.
    let kubeconfig = root.path().join("sa.kubeconfig");
    let victim = tc.namespace("kubarr-victim").await?;
    let err = refused(
        &kubeconfig,
        &[
            "create",
            "rolebinding",
            "escalate",
            "-n",
            "kube-system",
            &format!("--clusterrole={name}-app-manager"),
            &format!("--serviceaccount={}:{name}", release.namespace()),
        ],
    )
    .await;
    assert!(err.contains("kubarr.io/app"), "{err}");
    let err = refused(&kubeconfig, &["delete", "namespace", victim.name()]).await;
    assert!(err.contains("kubarr.io/app"), "{err}");
    let err = refused(
        &kubeconfig,
        &["label", "namespace", victim.name(), "kubarr.io/app=x"],
    )
    .await;
    assert!(err.contains("kubarr.io/app"), "{err}");
    let err = refused(&kubeconfig, &["get", "secrets", "-n", "kube-system"]).await;
    assert!(err.contains("forbidden"), "{err}");
    victim.cleanup().await?;
    policy_narrows_bindings_volumes_and_pod_security(&kubeconfig, &name, release.namespace(), &app)
        .await?;

    // Uninstall with its data: the namespace Kubarr created goes, and the media volume objects
    // with it (the shared media itself is never touched).
    for name in [&app, &other] {
        server
            .call_when_idle(
                "DELETE",
                &format!("/api/apps/{name}?delete_data=true"),
                &token,
            )
            .await;
        server
            .wait_app(&token, name, Duration::from_secs(180), |s| {
                s["state"] == "not_installed"
            })
            .await;
        let ns =
            kubectl_json(&["get", "namespaces", "-l", &format!("kubarr.io/app={name}")]).await?;
        assert!(ns["items"].as_array().unwrap().is_empty(), "{ns}");
        let pvs = kubectl_json(&["get", "pv", "-l", &format!("kubarr.io/app={name}")]).await?;
        assert!(pvs["items"].as_array().unwrap().is_empty(), "{pvs}");
    }
    drop(server);
    release.cleanup().await
}
