// Runs once before the spec files: the test cluster (KUBARR_TEST_KUBECONFIG, or `testbed/up`),
// leftovers of an interrupted run removed, one real `kubarr serve` started (KUBARR_BIN) with a
// fresh database, and its first administrator created through /api/setup. The administrator's
// session is saved for the specs; the server's address and the cluster reach the workers through
// environment variables. The returned function is the global teardown: it runs however the
// specs ended, and so does the SIGINT/SIGTERM handling Playwright does for it.
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';

import { ADMIN, E2E_APPS, E2E_APPS_DOMAIN, E2E_STACK_APP } from './lib/accounts';
import { apiContext, listApps, uninstallApp } from './lib/api';
import { exportCluster, removeAppFromCluster, testCluster } from './lib/cluster';
import {
  ADMIN_STORAGE_STATE,
  ARTIFACTS_DIR,
  SCREENSHOTS_DIR,
  STATE_DIR,
  WEB_DIR,
} from './lib/paths';
import { reservePort } from './lib/doubles';
import { QBITTORRENT_BIN, startQbittorrent, type RunningQbittorrent } from './lib/qbittorrent';
import { startServer } from './lib/server';

const log = (message: string) => {
  console.log(`  · ${message}`);
};

export default async function globalSetup(): Promise<() => Promise<void>> {
  if (!existsSync(path.join(WEB_DIR, 'dist/index.html'))) {
    throw new Error('web/dist is missing: run `npm run build` first');
  }
  // Fresh artifacts for this run; Playwright empties its own output directory (test-results).
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  for (const entry of readdirSync(ARTIFACTS_DIR)) {
    if (entry !== 'test-results') {
      rmSync(path.join(ARTIFACTS_DIR, entry), { recursive: true, force: true });
    }
  }
  mkdirSync(SCREENSHOTS_DIR, { recursive: true });
  mkdirSync(STATE_DIR, { recursive: true });

  const cluster = await testCluster(log);
  exportCluster(cluster);
  log(`cluster: ${cluster.kubeconfig}; pod log: ${cluster.podLog}`);
  // An earlier run that was killed may have left an app behind; its install would conflict.
  await Promise.all(Object.values(E2E_APPS).map((app) => removeAppFromCluster(cluster, app)));

  // The app gateway on (host mode, a port the kernel picks), its one fixed upstream a real
  // qBittorrent on loopback; the gateway dials nothing but loopback.
  let qbittorrent: RunningQbittorrent | null = null;
  const gatewayEnv: Record<string, string> = {
    KUBARR_GATEWAY__LISTEN: '127.0.0.1:0',
    KUBARR_GATEWAY__APPS_DOMAIN: E2E_APPS_DOMAIN,
    KUBARR_GATEWAY__LOOPBACK_ONLY: 'true',
  };
  // The stack journey's arr: a contract double the spec starts on this port once it knows the
  // API key Kubarr generated (Kubarr reaches the app there, as it would reach its Service).
  const stackPort = await reservePort();
  process.env.KUBARR_E2E_STACK_PORT = String(stackPort);
  const upstreams = [`${E2E_STACK_APP}=127.0.0.1:${stackPort}`];
  gatewayEnv.KUBARR_GATEWAY__UPSTREAMS = upstreams.join(',');
  if (existsSync(QBITTORRENT_BIN)) {
    qbittorrent = await startQbittorrent(path.join(ARTIFACTS_DIR, 'qbittorrent.log'));
    upstreams.push(`${E2E_APPS.gateway}=127.0.0.1:${qbittorrent.port}`);
    gatewayEnv.KUBARR_GATEWAY__UPSTREAMS = upstreams.join(',');
    process.env.KUBARR_E2E_QBITTORRENT_URL = qbittorrent.url;
    log(`qBittorrent: ${qbittorrent.url}`);
  } else {
    log(`${QBITTORRENT_BIN} not found: the gateway journey will be skipped`);
  }

  const server = await startServer({
    cluster,
    logFile: path.join(ARTIFACTS_DIR, 'server.log'),
    extraEnv: gatewayEnv,
  }).catch(async (error: unknown) => {
    await qbittorrent?.stop();
    throw error;
  });
  process.env.KUBARR_E2E_BASE_URL = server.baseUrl;
  log(`server: ${server.baseUrl} (address from ${server.addressFrom}; data ${server.dataDir})`);

  const anonymous = await apiContext(server.baseUrl);
  const setup = await anonymous.post('/api/setup', { data: ADMIN });
  if (setup.status() !== 201) {
    await server.stop();
    await qbittorrent?.stop();
    throw new Error(`POST /api/setup: HTTP ${setup.status()} ${await setup.text()}`);
  }
  // The response set the session cookie: that is the administrator's session from now on.
  await anonymous.storageState({ path: ADMIN_STORAGE_STATE });
  await anonymous.dispose();

  return async () => {
    // Whatever the specs did: no app left behind, no server.
    try {
      const admin = await apiContext(server.baseUrl, ADMIN_STORAGE_STATE);
      const ours = new Set<string>(Object.values(E2E_APPS));
      for (const app of (await listApps(admin)).filter((a) => ours.has(a.name))) {
        log(`teardown: uninstalling ${app.name}`);
        await uninstallApp(admin, app.name).catch((error: unknown) => {
          log(`teardown: ${String(error)}`);
        });
      }
      await admin.dispose();
    } catch (error) {
      log(`teardown through the API failed: ${String(error)}`);
    }
    await server.stop();
    await qbittorrent?.stop();
    await Promise.all(Object.values(E2E_APPS).map((app) => removeAppFromCluster(cluster, app)));
  };
}
