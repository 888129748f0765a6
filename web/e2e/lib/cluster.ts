// The test cluster (testbed/: etcd, kube-apiserver, KWOK nodes) as the suite uses it: its
// kubeconfig, the helm and kubectl it was built with, and the file KWOK serves pod logs from.
import { execFile } from 'node:child_process';
import { appendFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

import { REPO_DIR } from './paths';

const exec = promisify(execFile);

export interface TestCluster {
  kubeconfig: string;
  helm: string;
  kubectl: string;
  /** Every simulated pod's log is this file (CRI format); appending a line "writes" a log line. */
  podLog: string;
}

/** Runs a command and returns its stdout's last non-empty line (the testbed scripts print paths). */
async function lastLine(command: string, args: string[], timeout: number): Promise<string> {
  const { stdout } = await exec(command, args, {
    cwd: REPO_DIR,
    timeout,
    maxBuffer: 16 * 1024 * 1024,
  });
  const lines = stdout
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const last = lines.at(-1);
  if (!last) throw new Error(`${command} printed nothing`);
  return last;
}

/**
 * The cluster named by KUBARR_TEST_KUBECONFIG, or the one `testbed/up` starts (or reuses when
 * healthy). The variables set here let the workers find it without asking again.
 */
export async function testCluster(log: (message: string) => void): Promise<TestCluster> {
  let kubeconfig = process.env.KUBARR_TEST_KUBECONFIG;
  if (!kubeconfig) {
    log('starting the test cluster (testbed/up)…');
    // A cold build of the test bed's binaries takes ~25 minutes.
    kubeconfig = await lastLine(path.join(REPO_DIR, 'testbed/up'), [], 45 * 60_000);
  }
  if (!existsSync(kubeconfig)) throw new Error(`kubeconfig not found: ${kubeconfig}`);
  const binDir = await lastLine(path.join(REPO_DIR, 'testbed/build.sh'), ['--bin-dir'], 60_000);
  const stateDir = path.dirname(kubeconfig);
  const podLog =
    process.env.KUBARR_TEST_PODLOG ??
    [
      path.join(stateDir, 'podlogs/pods.log'),
      path.join(REPO_DIR, 'target/testbed/podlogs/pods.log'),
    ].find((candidate) => existsSync(path.dirname(candidate)));
  if (!podLog) throw new Error(`no pod log directory next to ${kubeconfig}`);
  return {
    kubeconfig,
    helm: path.join(binDir, 'helm'),
    kubectl: path.join(binDir, 'kubectl'),
    podLog,
  };
}

/** Removes what an earlier, interrupted run may have left of an app: its release and namespace. */
export async function removeAppFromCluster(cluster: TestCluster, app: string): Promise<void> {
  const env = { ...process.env, KUBECONFIG: cluster.kubeconfig };
  await exec(cluster.helm, ['uninstall', app, '-n', app, '--wait', '--timeout', '60s'], {
    env,
  }).catch(() => undefined);
  await exec(
    cluster.kubectl,
    ['delete', 'namespace', app, '--ignore-not-found', '--wait=true', '--timeout=90s'],
    { env },
  ).catch(() => undefined);
}

/** Appends a line to the simulated pods' log, the way the container runtime writes one. */
export function appendPodLog(cluster: TestCluster, text: string): void {
  const now = new Date();
  const stamp = `${now.toISOString().slice(0, 19)}.${String(now.getMilliseconds()).padStart(3, '0')}000000Z`;
  appendFileSync(cluster.podLog, `${stamp} stdout F ${text}\n`);
}

/** The cluster as the global setup described it to the workers (see `exportCluster`). */
export function clusterFromEnv(): TestCluster {
  const raw = process.env.KUBARR_E2E_CLUSTER;
  if (!raw) throw new Error('KUBARR_E2E_CLUSTER is not set: run the suite with `npm run e2e`');
  return JSON.parse(raw) as TestCluster;
}

export function exportCluster(cluster: TestCluster): void {
  process.env.KUBARR_E2E_CLUSTER = JSON.stringify(cluster);
}

/** One key of the credentials Secret Kubarr generated in the app's namespace, as its pod reads it. */
export async function appCredential(
  cluster: TestCluster,
  app: string,
  key: string,
): Promise<string> {
  const env = { ...process.env, KUBECONFIG: cluster.kubeconfig };
  const { stdout } = await exec(
    cluster.kubectl,
    ['get', 'secret', 'kubarr-credentials', '-n', app, '-o', `jsonpath={.data.${key}}`],
    { env, timeout: 30_000 },
  );
  const value = Buffer.from(stdout.trim(), 'base64').toString('utf8');
  if (!value) throw new Error(`the ${app} credentials Secret has no ${key}`);
  return value;
}
