// Starts the real Kubarr server for the suite: a fresh data dir and SQLite database, a free
// loopback port, the built SPA, the catalog charts and the local test cluster.
import { spawn, execFile } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { waitUntil } from './wait.mjs';

const exec = promisify(execFile);

export async function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Runs a command and returns its stdout's last non-empty line (testbed scripts print paths). */
async function lastLine(command, args, options = {}) {
  const { stdout } = await exec(command, args, { maxBuffer: 16 * 1024 * 1024, ...options });
  const lines = stdout
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  if (lines.length === 0) throw new Error(`${command} printed nothing`);
  return lines[lines.length - 1];
}

/**
 * The test cluster: KUBARR_TEST_KUBECONFIG when set, else `testbed/up` (which starts it or reuses
 * a healthy one). Returns the kubeconfig, helm/kubectl paths and the pod log file.
 */
export async function testCluster(repo, log) {
  let kubeconfig = process.env.KUBARR_TEST_KUBECONFIG;
  if (!kubeconfig) {
    log('starting the test cluster (testbed/up)…');
    kubeconfig = await lastLine(path.join(repo, 'testbed/up'), [], {
      cwd: repo,
      timeout: 45 * 60_000, // a cold build of the binaries takes ~25 min
    });
  }
  if (!existsSync(kubeconfig)) throw new Error(`kubeconfig not found: ${kubeconfig}`);
  const binDir = await lastLine(path.join(repo, 'testbed/build.sh'), ['--bin-dir'], { cwd: repo });
  const stateDir = path.dirname(kubeconfig);
  const podLog =
    process.env.KUBARR_TEST_PODLOG ??
    [
      path.join(stateDir, 'podlogs/pods.log'),
      path.join(repo, 'target/testbed/podlogs/pods.log'),
    ].find((candidate) => existsSync(path.dirname(candidate)));
  return {
    kubeconfig,
    helm: path.join(binDir, 'helm'),
    kubectl: path.join(binDir, 'kubectl'),
    podLog,
  };
}

/** Removes what an earlier, interrupted run may have left of an app: release and namespace. */
export async function removeAppFromCluster(cluster, app) {
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

export async function startServer({ repo, cluster, logFile }) {
  const bin =
    process.env.KUBARR_BIN ??
    path.join(process.env.CARGO_TARGET_DIR ?? path.join(repo, 'target'), 'debug/kubarr');
  if (!existsSync(bin)) {
    throw new Error(
      `kubarr binary not found at ${bin}; build it (cargo build -p kubarr) or set KUBARR_BIN`,
    );
  }
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kubarr-e2e-'));
  const port = await freePort();
  const env = {
    ...process.env,
    KUBARR_DATA_DIR: dataDir,
    KUBARR_DATABASE_URL: `sqlite://${path.join(dataDir, 'kubarr.db')}`,
    KUBARR_LISTEN: `127.0.0.1:${port}`,
    KUBARR_WEB_DIR: path.join(repo, 'web/dist'),
    KUBARR_CHARTS_DIR: path.join(repo, 'charts/catalog'),
    KUBARR_AUTH__BCRYPT_COST: '4',
    KUBECONFIG: cluster.kubeconfig,
    KUBARR_HELM_BIN: cluster.helm,
    RUST_LOG: process.env.RUST_LOG ?? 'info',
    NO_COLOR: '1',
  };
  const out = createWriteStream(logFile);
  const child = spawn(bin, ['serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(out);
  child.stderr.pipe(out);
  let exited = null;
  child.on('exit', (code, signal) => {
    exited = { code, signal };
  });
  const baseUrl = `http://127.0.0.1:${port}`;

  await waitUntil(
    'GET /api/ready to answer 200',
    async () => {
      if (exited)
        throw new Error(`kubarr serve exited (${JSON.stringify(exited)}); see ${logFile}`);
      const response = await fetch(`${baseUrl}/api/ready`);
      return response.ok;
    },
    { timeout: 60_000, interval: 300 },
  );

  async function stop() {
    if (!exited) {
      child.kill('SIGTERM');
      await waitUntil('kubarr serve to exit', () => exited !== null, { timeout: 15_000 }).catch(
        () => child.kill('SIGKILL'),
      );
    }
    rmSync(dataDir, { recursive: true, force: true });
  }

  return { baseUrl, dataDir, stop, isRunning: () => exited === null };
}
