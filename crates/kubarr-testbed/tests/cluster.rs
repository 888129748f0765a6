//! Proves the test bed behaves like a real cluster for what Kubarr needs: Helm releases, namespace
//! deletion, garbage collection, rollouts, Jobs, pod logs (also followed), dynamic PVC binding and
//! RBAC through a service account's own kubeconfig. Every wait is a condition with a deadline.

use std::collections::BTreeSet;
use std::process::Stdio;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use k8s_openapi::api::batch::v1::Job;
use k8s_openapi::api::core::v1::{
    Namespace, Node, PersistentVolume, PersistentVolumeClaim, Pod, Secret, Service,
};
use k8s_openapi::api::networking::v1::NetworkPolicy;
use k8s_openapi::api::storage::v1::StorageClass;
use kubarr_testbed::{client_from_kubeconfig, output_ok, wait_until, TestCluster};
use kube::api::{DeleteParams, ListParams, PostParams, PropagationPolicy};
use kube::{Api, Client};
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, BufReader};

const T: Duration = Duration::from_secs(60);

fn deployment(name: &str, replicas: i32) -> Deployment {
    serde_json::from_value(json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": { "name": name },
        "spec": {
            "replicas": replicas,
            "selector": { "matchLabels": { "app": name } },
            "template": {
                "metadata": { "labels": { "app": name } },
                "spec": { "containers": [{
                    "name": "app",
                    "image": "registry.k8s.io/pause:3.10",
                    "resources": { "requests": { "cpu": "10m", "memory": "16Mi" } }
                }] }
            }
        }
    }))
    .expect("valid Deployment")
}

async fn create_deployment(client: &Client, ns: &str, name: &str, replicas: i32) -> Result<()> {
    Api::<Deployment>::namespaced(client.clone(), ns)
        .create(&PostParams::default(), &deployment(name, replicas))
        .await?;
    Ok(())
}

fn pod_ready(p: &Pod) -> bool {
    p.metadata.deletion_timestamp.is_none()
        && p.status
            .as_ref()
            .and_then(|s| s.conditions.as_ref())
            .is_some_and(|cs| cs.iter().any(|c| c.type_ == "Ready" && c.status == "True"))
}

/// Names of the live (not terminating) pods with label `app=<app>`, and whether all are Ready.
async fn live_pods(pods: &Api<Pod>, app: &str) -> Result<(BTreeSet<String>, bool)> {
    let list = pods
        .list(&ListParams::default().labels(&format!("app={app}")))
        .await?;
    let live: Vec<_> = list
        .items
        .iter()
        .filter(|p| p.metadata.deletion_timestamp.is_none())
        .collect();
    let all_ready = live.iter().all(|p| pod_ready(p));
    let names = live
        .iter()
        .filter_map(|p| p.metadata.name.clone())
        .collect();
    Ok((names, all_ready))
}

async fn wait_deployment_ready(client: &Client, ns: &str, name: &str, replicas: i32) -> Result<()> {
    let api = Api::<Deployment>::namespaced(client.clone(), ns);
    wait_until(
        T,
        &format!("Deployment {ns}/{name} to have {replicas} ready replicas"),
        || async {
            let d = api.get(name).await?;
            let gen = d.metadata.generation;
            let s = d.status.unwrap_or_default();
            Ok(s.observed_generation == gen
                && s.ready_replicas.unwrap_or(0) == replicas
                && s.updated_replicas.unwrap_or(0) == replicas
                && s.replicas.unwrap_or(0) == replicas)
        },
    )
    .await
}

async fn helm_status(tc: &TestCluster, ns: &str, release: &str) -> Result<Value> {
    let out = output_ok(tc.helm().args(["status", release, "-n", ns, "-o", "json"])).await?;
    Ok(serde_json::from_str(&out)?)
}

fn greeting(d: &Deployment) -> Option<String> {
    d.metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get("demo.kubarr.io/greeting").cloned())
}

#[tokio::test]
#[ignore = "cluster tier"]
async fn nodes_are_ready_with_realistic_capacity_and_default_storage_class() -> Result<()> {
    let tc = TestCluster::get();
    let client = tc.client().await?;
    let nodes = Api::<Node>::all(client.clone())
        .list(&ListParams::default().labels("type=kwok"))
        .await?;
    assert_eq!(nodes.items.len(), 2, "two simulated nodes");
    for n in &nodes.items {
        let s = n.status.as_ref().expect("node status");
        let ready = s
            .conditions
            .as_ref()
            .is_some_and(|cs| cs.iter().any(|c| c.type_ == "Ready" && c.status == "True"));
        assert!(ready, "node {:?} Ready", n.metadata.name);
        let cap = s.capacity.as_ref().expect("capacity");
        assert_eq!(cap["cpu"].0, "8");
        assert_eq!(cap["memory"].0, "32Gi");
        assert_eq!(cap["pods"].0, "110");
        // The apiserver reaches the fake kubelet through this address: it must be loopback.
        let addrs = s.addresses.as_ref().expect("addresses");
        assert!(addrs
            .iter()
            .any(|a| a.type_ == "InternalIP" && a.address == "127.0.0.1"));
    }
    let sc = Api::<StorageClass>::all(client).get("standard").await?;
    assert_eq!(
        sc.metadata.annotations.unwrap_or_default()["storageclass.kubernetes.io/is-default-class"],
        "true"
    );
    Ok(())
}

#[tokio::test]
#[ignore = "cluster tier"]
async fn helm_install_upgrade_rollback_uninstall() -> Result<()> {
    let tc = TestCluster::get();
    let ns = tc.namespace("helm").await?;
    let n = ns.name();
    let client = tc.client().await?;
    let chart = tc.fixture("demo-chart");
    let chart = chart.to_str().expect("utf-8 path");
    let name = "demo-demo-chart";

    // install --wait: the Deployment is available and its PVC is bound (default StorageClass).
    output_ok(tc.helm().args([
        "install",
        "demo",
        chart,
        "-n",
        n,
        "--wait",
        "--timeout",
        "120s",
    ]))
    .await?;
    let st = helm_status(tc, n, "demo").await?;
    assert_eq!(st["info"]["status"], "deployed");
    assert_eq!(st["version"], 1);
    let deployments = Api::<Deployment>::namespaced(client.clone(), n);
    let pvcs = Api::<PersistentVolumeClaim>::namespaced(client.clone(), n);
    let pvc = pvcs.get(&format!("{name}-data")).await?;
    assert_eq!(pvc.status.and_then(|s| s.phase).as_deref(), Some("Bound"));
    assert_eq!(
        pvc.spec.and_then(|s| s.storage_class_name).as_deref(),
        Some("standard")
    );
    Api::<Service>::namespaced(client.clone(), n)
        .get(name)
        .await?;
    Api::<NetworkPolicy>::namespaced(client.clone(), n)
        .get(name)
        .await?;
    let d = deployments.get(name).await?;
    assert_eq!(greeting(&d).as_deref(), Some("hello"));
    assert_eq!(d.status.and_then(|s| s.ready_replicas), Some(1));

    // upgrade: revision 2 with new values, rolled out.
    output_ok(tc.helm().args([
        "upgrade",
        "demo",
        chart,
        "-n",
        n,
        "--wait",
        "--timeout",
        "120s",
        "--set",
        "greeting=upgraded",
        "--set",
        "replicaCount=2",
    ]))
    .await?;
    let st = helm_status(tc, n, "demo").await?;
    assert_eq!(st["info"]["status"], "deployed");
    assert_eq!(st["version"], 2);
    assert_eq!(
        greeting(&deployments.get(name).await?).as_deref(),
        Some("upgraded")
    );
    wait_deployment_ready(&client, n, name, 2).await?;

    // rollback to revision 1: revision 3, values back.
    output_ok(tc.helm().args([
        "rollback",
        "demo",
        "1",
        "-n",
        n,
        "--wait",
        "--timeout",
        "120s",
    ]))
    .await?;
    let st = helm_status(tc, n, "demo").await?;
    assert_eq!(st["info"]["status"], "deployed");
    assert_eq!(st["version"], 3);
    let values: Value = serde_json::from_str(
        &output_ok(
            tc.helm()
                .args(["get", "values", "demo", "-n", n, "--all", "-o", "json"]),
        )
        .await?,
    )?;
    assert_eq!(values["greeting"], "hello");
    assert_eq!(values["replicaCount"], 1);
    assert_eq!(
        greeting(&deployments.get(name).await?).as_deref(),
        Some("hello")
    );
    wait_deployment_ready(&client, n, name, 1).await?;
    let history: Value = serde_json::from_str(
        &output_ok(tc.helm().args(["history", "demo", "-n", n, "-o", "json"])).await?,
    )?;
    assert_eq!(history.as_array().map(Vec::len), Some(3));

    // uninstall: every resource of the release is gone, and the provisioned volume too.
    let pv_name = pvcs
        .get(&format!("{name}-data"))
        .await?
        .spec
        .and_then(|s| s.volume_name)
        .context("bound PVC names its volume")?;
    output_ok(
        tc.helm()
            .args(["uninstall", "demo", "-n", n, "--wait", "--timeout", "120s"]),
    )
    .await?;
    let services = Api::<Service>::namespaced(client.clone(), n);
    let netpols = Api::<NetworkPolicy>::namespaced(client.clone(), n);
    let pods = Api::<Pod>::namespaced(client.clone(), n);
    let pvs = Api::<PersistentVolume>::all(client.clone());
    wait_until(T, "the release's resources to be gone", || async {
        Ok(deployments.get_opt(name).await?.is_none()
            && services.get_opt(name).await?.is_none()
            && netpols.get_opt(name).await?.is_none()
            && pvcs.get_opt(&format!("{name}-data")).await?.is_none()
            && pods.list(&ListParams::default()).await?.items.is_empty()
            && pvs.get_opt(&pv_name).await?.is_none())
    })
    .await?;
    let out = tc.helm().args(["status", "demo", "-n", n]).output().await?;
    assert!(
        !out.status.success(),
        "helm status after uninstall must fail"
    );
    ns.cleanup().await
}

#[tokio::test]
#[ignore = "cluster tier"]
async fn namespace_deletion_completes() -> Result<()> {
    let tc = TestCluster::get();
    let ns = tc.namespace("nsdel").await?;
    let name = ns.name().to_string();
    let client = tc.client().await?;
    create_deployment(&client, &name, "web", 2).await?;
    wait_deployment_ready(&client, &name, "web", 2).await?;
    let secrets = Api::<Secret>::namespaced(client.clone(), &name);
    secrets
        .create(
            &PostParams::default(),
            &serde_json::from_value(json!({"metadata": {"name": "s"}, "stringData": {"k": "v"}}))?,
        )
        .await?;
    // cleanup() deletes the namespace and waits until the namespace controller has finished.
    ns.cleanup().await?;
    assert!(Api::<Namespace>::all(client)
        .get_opt(&name)
        .await?
        .is_none());
    Ok(())
}

#[tokio::test]
#[ignore = "cluster tier"]
async fn garbage_collection_deletes_replicasets_and_pods() -> Result<()> {
    let tc = TestCluster::get();
    let ns = tc.namespace("gc").await?;
    let n = ns.name();
    let client = tc.client().await?;
    create_deployment(&client, n, "gc", 2).await?;
    wait_deployment_ready(&client, n, "gc", 2).await?;
    let rss = Api::<ReplicaSet>::namespaced(client.clone(), n);
    let pods = Api::<Pod>::namespaced(client.clone(), n);
    let lp = ListParams::default().labels("app=gc");
    assert_eq!(rss.list(&lp).await?.items.len(), 1);
    assert_eq!(pods.list(&lp).await?.items.len(), 2);
    Api::<Deployment>::namespaced(client.clone(), n)
        .delete(
            "gc",
            &DeleteParams {
                propagation_policy: Some(PropagationPolicy::Background),
                ..Default::default()
            },
        )
        .await?;
    wait_until(
        T,
        "the garbage collector to delete ReplicaSets and Pods",
        || async {
            Ok(rss.list(&lp).await?.items.is_empty() && pods.list(&lp).await?.items.is_empty())
        },
    )
    .await?;
    ns.cleanup().await
}

#[tokio::test]
#[ignore = "cluster tier"]
async fn rollout_restart_replaces_pods() -> Result<()> {
    let tc = TestCluster::get();
    let ns = tc.namespace("restart").await?;
    let n = ns.name();
    let client = tc.client().await?;
    create_deployment(&client, n, "web", 2).await?;
    wait_deployment_ready(&client, n, "web", 2).await?;
    let pods = Api::<Pod>::namespaced(client.clone(), n);
    let (before, ready) = live_pods(&pods, "web").await?;
    assert!(ready && before.len() == 2, "{before:?}");
    output_ok(
        tc.kubectl()
            .args(["rollout", "restart", "deployment/web", "-n", n]),
    )
    .await?;
    wait_until(T, "2 new Ready pods replacing the old ones", || async {
        let all = pods.list(&ListParams::default().labels("app=web")).await?;
        let names: BTreeSet<_> = all
            .items
            .iter()
            .filter_map(|p| p.metadata.name.clone())
            .collect();
        let (live, ready) = live_pods(&pods, "web").await?;
        Ok(ready && live.len() == 2 && live.is_disjoint(&before) && names.is_disjoint(&before))
    })
    .await?;
    wait_deployment_ready(&client, n, "web", 2).await?;
    ns.cleanup().await
}

#[tokio::test]
#[ignore = "cluster tier"]
async fn job_completes() -> Result<()> {
    let tc = TestCluster::get();
    let ns = tc.namespace("job").await?;
    let n = ns.name();
    let client = tc.client().await?;
    let jobs = Api::<Job>::namespaced(client.clone(), n);
    let job: Job = serde_json::from_value(json!({
        "metadata": { "name": "once" },
        "spec": {
            "completions": 2,
            "parallelism": 1,
            "backoffLimit": 0,
            "template": { "spec": {
                "restartPolicy": "Never",
                "containers": [{ "name": "work", "image": "registry.k8s.io/pause:3.10" }]
            } }
        }
    }))?;
    jobs.create(&PostParams::default(), &job).await?;
    wait_until(T, "Job once to complete", || async {
        let s = jobs.get("once").await?.status.unwrap_or_default();
        let complete = s
            .conditions
            .unwrap_or_default()
            .iter()
            .any(|c| c.type_ == "Complete" && c.status == "True");
        Ok(complete && s.succeeded == Some(2))
    })
    .await?;
    ns.cleanup().await
}

#[tokio::test]
#[ignore = "cluster tier"]
async fn kubectl_logs_follow_streams_appended_lines() -> Result<()> {
    let tc = TestCluster::get();
    let ns = tc.namespace("logs").await?;
    let n = ns.name();
    let client = tc.client().await?;
    create_deployment(&client, n, "talker", 1).await?;
    wait_deployment_ready(&client, n, "talker", 1).await?;
    let pods = Api::<Pod>::namespaced(client.clone(), n);
    let (names, _) = live_pods(&pods, "talker").await?;
    let pod = names.into_iter().next().context("one pod")?;

    // A line written before: plain `kubectl logs` returns it.
    let before = format!("before-{}", TestCluster::unique_namespace("line"));
    tc.append_pod_log(&before)?;
    let logs = output_ok(tc.kubectl().args(["logs", &pod, "-n", n, "-c", "app"])).await?;
    assert!(
        logs.lines().any(|l| l == before),
        "kubectl logs shows {before:?}:\n{logs}"
    );

    // `kubectl logs -f` sees a line appended after the stream started.
    let mut child = tc
        .kubectl()
        .args(["logs", "-f", "--tail=1", &pod, "-n", n, "-c", "app"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let mut lines = BufReader::new(child.stdout.take().context("stdout")?).lines();
    // The stream is live once the tail line arrived.
    tokio::time::timeout(T, lines.next_line())
        .await
        .context("timed out waiting for the first streamed line")??
        .context("stream ended before the first line")?;
    let after = format!("after-{}", TestCluster::unique_namespace("line"));
    tc.append_pod_log(&after)?;
    let found = tokio::time::timeout(T, async {
        while let Some(l) = lines.next_line().await? {
            if l == after {
                return Ok::<_, anyhow::Error>(true);
            }
        }
        Ok(false)
    })
    .await
    .context("timed out waiting for the appended line in `kubectl logs -f`")??;
    child.kill().await.ok();
    if !found {
        let out = child.wait_with_output().await?;
        bail!(
            "log stream ended early: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    ns.cleanup().await
}

#[tokio::test]
#[ignore = "cluster tier"]
async fn restricted_service_account_gets_only_its_rbac() -> Result<()> {
    let tc = TestCluster::get();
    let ns = tc.namespace("rbac").await?;
    let other = tc.namespace("rbac-other").await?;
    let n = ns.name();
    let manifest = format!(
        r#"
apiVersion: v1
kind: ServiceAccount
metadata: {{name: reader, namespace: {n}}}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {{name: pod-reader, namespace: {n}}}
rules:
- apiGroups: [""]
  resources: [pods]
  verbs: [get, list]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {{name: reader-pods, namespace: {n}}}
roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: Role, name: pod-reader}}
subjects:
- {{kind: ServiceAccount, name: reader, namespace: {n}}}
"#
    );
    let dir = std::env::temp_dir().join(format!("kubarr-testbed-{n}"));
    std::fs::create_dir_all(&dir)?;
    let manifest_path = dir.join("rbac.yaml");
    std::fs::write(&manifest_path, manifest)?;
    output_ok(tc.kubectl().arg("apply").arg("-f").arg(&manifest_path)).await?;

    let kc = dir.join("reader.kubeconfig");
    tc.service_account_kubeconfig(n, "reader", &kc).await?;
    let can_i = |args: Vec<String>| {
        let kc = kc.clone();
        async move {
            let out = tokio::process::Command::new(tc.kubectl_path())
                .arg("--kubeconfig")
                .arg(&kc)
                .arg("auth")
                .arg("can-i")
                .args(&args)
                .stdin(Stdio::null())
                .output()
                .await?;
            let answer = String::from_utf8_lossy(&out.stdout).trim().to_string();
            // can-i exits 0 for yes and 1 for no; anything else is an error.
            match (answer.as_str(), out.status.code()) {
                ("yes", Some(0)) => Ok::<_, anyhow::Error>(true),
                ("no", Some(1)) => Ok(false),
                _ => bail!(
                    "kubectl auth can-i {args:?}: {answer:?} {}",
                    String::from_utf8_lossy(&out.stderr)
                ),
            }
        }
    };
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    assert!(can_i(s(&["get", "pods", "-n", n])).await?);
    assert!(can_i(s(&["list", "pods", "-n", n])).await?);
    assert!(!can_i(s(&["delete", "pods", "-n", n])).await?);
    assert!(!can_i(s(&["get", "secrets", "-n", n])).await?);
    assert!(!can_i(s(&["list", "pods", "-n", other.name()])).await?);
    assert!(!can_i(s(&["list", "namespaces"])).await?);

    // The same kubeconfig works for a Rust client, with the same limits.
    let sa_client = client_from_kubeconfig(&kc).await?;
    Api::<Pod>::namespaced(sa_client.clone(), n)
        .list(&ListParams::default())
        .await?;
    match Api::<Secret>::namespaced(sa_client, n)
        .list(&ListParams::default())
        .await
    {
        Err(kube::Error::Api(e)) if e.code == 403 => {}
        other => bail!("listing secrets as the reader must be forbidden, got {other:?}"),
    }
    std::fs::remove_dir_all(&dir).ok();
    other.cleanup().await?;
    ns.cleanup().await
}

#[tokio::test]
#[ignore = "cluster tier"]
async fn pod_resource_usage_is_simulated() -> Result<()> {
    // kwok serves the kubelet's resource-metrics endpoint (usage from the test bed's static
    // ClusterResourceUsage) on 127.0.0.1. Note: the apiserver's node proxy refuses loopback node
    // addresses ("address not allowed"), so this asks kwok directly, as metrics-server would.
    let tc = TestCluster::get();
    let state = tc.state_dir().context("not a local test bed")?;
    let ports = std::fs::read_to_string(state.join("ports.env"))?;
    let port = ports
        .lines()
        .find_map(|l| l.strip_prefix("KWOK_PORT="))
        .context("KWOK_PORT in ports.env")?
        .to_string();
    let ns = tc.namespace("usage").await?;
    let n = ns.name();
    let client = tc.client().await?;
    create_deployment(&client, n, "busy", 2).await?;
    wait_deployment_ready(&client, n, "busy", 2).await?;
    let ca = state.join("pki/ca.crt");
    wait_until(T, "resource metrics for the pods", || async {
        let mut seen = 0;
        for node in ["kwok-node-0", "kwok-node-1"] {
            let url = format!("https://127.0.0.1:{port}/metrics/nodes/{node}/metrics/resource");
            let mut curl = tokio::process::Command::new("curl");
            curl.arg("-sSf").arg("--cacert").arg(&ca).arg(&url);
            let out = output_ok(&mut curl).await?;
            // 32Mi of memory per container, from the static ClusterResourceUsage.
            seen += out
                .lines()
                .filter(|l| {
                    l.starts_with("container_memory_working_set_bytes{")
                        && l.contains(&format!("namespace=\"{n}\""))
                        && l.ends_with(" 3.3554432e+07")
                })
                .count();
        }
        Ok(seen == 2)
    })
    .await?;
    ns.cleanup().await
}

/// The network rule: test-bed processes listen on and talk to loopback only, so nothing dials a
/// simulated pod, service or node address (10.x, 192.0.2.x). Samples the sockets of the test-bed
/// components (with `ss`) while the other tests run, and scans their logs for dial attempts.
#[tokio::test]
#[ignore = "cluster tier"]
async fn testbed_processes_use_loopback_only() -> Result<()> {
    let tc = TestCluster::get();
    let Some(state) = tc.state_dir() else {
        bail!("not a local test bed: cannot check its sockets and logs");
    };
    let mut pids = Vec::new();
    for entry in std::fs::read_dir(state.join("pids"))? {
        let pid = std::fs::read_to_string(entry?.path())?;
        pids.push(format!("pid={},", pid.trim()));
    }
    assert_eq!(
        pids.len(),
        5,
        "etcd, apiserver, controller-manager, scheduler, kwok"
    );
    let loopback = |addr: &str| {
        addr.starts_with("127.")
            || addr.starts_with("[::1]:")
            || addr.starts_with("[::ffff:127.")
            || addr == "0.0.0.0:*"
            || addr == "[::]:*"
            || addr == "*:*"
    };
    let mut listening = 0;
    for _ in 0..25 {
        let out = output_ok(tokio::process::Command::new("ss").arg("-Htanp")).await?;
        for line in out
            .lines()
            .filter(|l| pids.iter().any(|p| l.contains(p.as_str())))
        {
            let cols: Vec<_> = line.split_whitespace().collect();
            let (state, local, peer) = (cols[0], cols[3], cols[4]);
            assert!(
                loopback(local) && loopback(peer),
                "non-loopback socket: {line}"
            );
            if state == "LISTEN" {
                listening += 1;
            }
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // etcd (client + peer), apiserver, controller-manager, scheduler, kwok: 6 listeners per sample.
    assert!(
        listening >= 6 * 25,
        "saw only {listening} listening sockets"
    );
    for entry in std::fs::read_dir(state.join("logs"))? {
        let path = entry?.path();
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        for needle in ["dial tcp 10.", "dial tcp 192.0.2.", "dial tcp [fd00:"] {
            assert!(
                !text.contains(needle),
                "{} mentions {needle:?}",
                path.display()
            );
        }
    }
    Ok(())
}
