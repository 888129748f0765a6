//! The guard rails around app namespaces, checked on the test bed by the chart's RBAC test: the
//! shared media volume, Pod Security, and what the admission policy refuses Kubarr's account.

use std::path::Path;

use anyhow::{Context, Result};
use kubarr_testbed::{output_ok, TestCluster};
use serde_json::{json, Value};

use super::{kubectl_json, refused};

/// The `data` volume of each app's pods is a claim bound to a volume Kubarr created, and every one
/// of those volumes has the same backing (one filesystem: hardlinks work between the apps). No pod
/// spec holds a host path.
pub async fn media_is_one_backing_without_host_paths(apps: &[&str]) -> Result<()> {
    let mut backings = Vec::new();
    for app in apps {
        let pods = kubectl_json(&["get", "pods", "-n", app]).await?;
        let pods = pods["items"].as_array().context("pods")?;
        assert!(!pods.is_empty(), "{app} has no pods");
        for pod in pods {
            let volumes = pod["spec"]["volumes"].as_array().context("volumes")?;
            assert!(
                volumes.iter().all(|v| v.get("hostPath").is_none()),
                "{app}: a hostPath in {volumes:?}"
            );
            let data = volumes
                .iter()
                .find(|v| v["name"] == "media")
                .context("media volume")?;
            let claim = data["persistentVolumeClaim"]["claimName"]
                .as_str()
                .context("the media volume is a claim")?;
            let pvc = kubectl_json(&["get", "pvc", claim, "-n", app]).await?;
            assert_eq!(pvc["status"]["phase"], "Bound", "{pvc}");
            let pv =
                kubectl_json(&["get", "pv", pvc["spec"]["volumeName"].as_str().unwrap()]).await?;
            assert_eq!(pv["spec"]["claimRef"]["namespace"], *app);
            assert_eq!(pv["spec"]["persistentVolumeReclaimPolicy"], "Retain");
            backings.push(pv["spec"]["hostPath"].clone());
        }
    }
    assert_eq!(backings[0]["path"], "/srv/kubarr/data", "{backings:?}");
    assert!(backings.iter().all(|b| *b == backings[0]), "{backings:?}");
    Ok(())
}

/// Runs kubectl with `kubeconfig` (`None`: the cluster admin) and the manifest on stdin.
async fn kubectl_with_input(
    kubeconfig: Option<&Path>,
    args: &[&str],
    manifest: &Value,
) -> std::process::Output {
    use tokio::io::AsyncWriteExt;
    let tc = TestCluster::get();
    let mut cmd = tokio::process::Command::new(tc.kubectl_path());
    cmd.arg("--kubeconfig")
        .arg(kubeconfig.unwrap_or(tc.kubeconfig_path()))
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin
        .write_all(manifest.to_string().as_bytes())
        .await
        .unwrap();
    drop(stdin);
    child.wait_with_output().await.unwrap()
}

/// The API server itself refuses, in an app namespace, pods that reach the host: a host path, the
/// host's network, a privileged container — whoever asks (here the cluster admin).
pub async fn pod_security_refuses_host_access(app: &str) -> Result<()> {
    let ns = kubectl_json(&["get", "namespace", app]).await?;
    let labels = &ns["metadata"]["labels"];
    assert_eq!(
        labels["pod-security.kubernetes.io/enforce"], "baseline",
        "{labels}"
    );
    assert_eq!(
        labels["pod-security.kubernetes.io/warn"], "restricted",
        "{labels}"
    );
    assert_eq!(
        labels["pod-security.kubernetes.io/audit"], "restricted",
        "{labels}"
    );
    let pod = |name: &str, spec: Value| {
        json!({"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "namespace": app},
            "spec": spec})
    };
    let container = json!({"name": "c", "image": "busybox:1.36"});
    let mut privileged = container.clone();
    privileged["securityContext"] = json!({"privileged": true});
    let mut host_mount = container.clone();
    host_mount["volumeMounts"] = json!([{"name": "root", "mountPath": "/host"}]);
    for (name, spec) in [
        (
            "host-path",
            json!({"containers": [host_mount], "volumes": [{"name": "root", "hostPath": {"path": "/"}}]}),
        ),
        ("privileged", json!({"containers": [privileged]})),
        (
            "host-network",
            json!({"hostNetwork": true, "containers": [container.clone()]}),
        ),
    ] {
        let out = kubectl_with_input(None, &["create", "-f", "-"], &pod(name, spec)).await;
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{name} pod was admitted");
        assert!(
            err.contains("violates PodSecurity \"baseline:latest\""),
            "{name}: {err}"
        );
    }
    Ok(())
}

/// What RBAC cannot narrow, the admission policy does, for Kubarr's own service account: no
/// binding of another role or to another subject, no media volume outside the allowed roots, no
/// change to an app namespace's Pod Security labels.
pub async fn policy_narrows_bindings_volumes_and_pod_security(
    kubeconfig: &Path,
    release: &str,
    release_ns: &str,
    app: &str,
) -> Result<()> {
    let tc = TestCluster::get();
    // A role whose rights Kubarr holds in the app namespace, so RBAC's escalation check alone
    // would let it bind this one (to anyone).
    let reader = format!("secret-reader-{}", kubarr_testbed::unique_suffix());
    let mut cmd = tc.kubectl();
    cmd.args([
        "create",
        "clusterrole",
        &reader,
        "--verb=get",
        "--resource=secrets",
    ]);
    output_ok(&mut cmd).await?;
    let err = refused(
        kubeconfig,
        &[
            "create",
            "rolebinding",
            "other-role",
            "-n",
            app,
            &format!("--clusterrole={reader}"),
            &format!("--serviceaccount={release_ns}:{release}"),
        ],
    )
    .await;
    assert!(err.contains("may bind only"), "{err}");
    let err = refused(
        kubeconfig,
        &[
            "create",
            "rolebinding",
            "other-subject",
            "-n",
            app,
            &format!("--clusterrole={release}-app-manager"),
            &format!("--serviceaccount={app}:default"),
        ],
    )
    .await;
    assert!(err.contains("only to its own service account"), "{err}");
    let mut cmd = tc.kubectl();
    cmd.args(["delete", "clusterrole", &reader]);
    output_ok(&mut cmd).await?;

    // Media volumes: a host path only inside the allowed roots, and only labelled ones.
    let pv = |name: &str, labelled: bool, path: &str| {
        let mut v = json!({"apiVersion": "v1", "kind": "PersistentVolume",
            "metadata": {"name": name},
            "spec": {"capacity": {"storage": "1Gi"}, "accessModes": ["ReadWriteMany"],
                "storageClassName": "", "hostPath": {"path": path}}});
        if labelled {
            v["metadata"]["labels"] = json!({"kubarr.io/media": "test", "kubarr.io/app": app});
        }
        v
    };
    let suffix = kubarr_testbed::unique_suffix();
    for (labelled, path) in [
        (true, "/etc"),
        (true, "/srv/kubarr/../../etc"),
        (true, "/srv/kubarrx"),
        (false, "/srv/kubarr/data"),
    ] {
        let out = kubectl_with_input(
            Some(kubeconfig),
            &["create", "-f", "-"],
            &pv(&format!("kubarr-test-{suffix}"), labelled, path),
        )
        .await;
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            !out.status.success(),
            "a volume at {path} (labelled: {labelled}) was admitted"
        );
        // The API server itself refuses `..` in a host path; the policy everything else.
        assert!(
            err.contains("media volumes") || err.contains("must not contain '..'"),
            "{path}: {err}"
        );
    }
    let name = format!("kubarr-test-{suffix}");
    let out = kubectl_with_input(
        Some(kubeconfig),
        &["create", "-f", "-"],
        &pv(&name, true, "/srv/kubarr/data"),
    )
    .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut cmd = tc.kubectl();
    cmd.args(["delete", "pv", &name]);
    output_ok(&mut cmd).await?;

    // Pod Security labels stay as Kubarr set them.
    let err = refused(
        kubeconfig,
        &[
            "label",
            "--overwrite",
            "namespace",
            app,
            "pod-security.kubernetes.io/enforce=privileged",
        ],
    )
    .await;
    assert!(err.contains("Pod Security"), "{err}");
    Ok(())
}
