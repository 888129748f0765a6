// Starts a real `kubarr serve` for the suite: a fresh data dir and SQLite database, the built
// SPA, the catalog charts and the test cluster. It listens on a port the kernel picks
// (KUBARR_LISTEN=127.0.0.1:0) and reports the address it bound — in the file named by
// KUBARR_LISTEN_ADDRESS_PATH, or in its "listening" log line for builds without that — so no
// port is ever guessed. A build that refuses port 0 gets a free port, tried again on a bind race.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

import type { TestCluster } from './cluster';
import { REPO_DIR, WEB_DIR } from './paths';
import { waitUntil } from './wait';

export interface KubarrServer {
  baseUrl: string;
  /** How the address became known: the address file, or the log line of an older build. */
  addressFrom: 'KUBARR_LISTEN_ADDRESS_PATH' | 'log';
  dataDir: string;
  logFile: string;
  stop: () => Promise<void>;
}

/** The binary under test: KUBARR_BIN, else $CARGO_TARGET_DIR/debug/kubarr, else target/debug. */
export function kubarrBinary(): string {
  const bin =
    process.env.KUBARR_BIN ??
    path.join(process.env.CARGO_TARGET_DIR ?? path.join(REPO_DIR, 'target'), 'debug/kubarr');
  if (!existsSync(bin)) {
    throw new Error(
      `kubarr binary not found at ${bin}; build it (cargo build -p kubarr) or set KUBARR_BIN`,
    );
  }
  return bin;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => {
        resolve(port);
      });
    });
  });
}

const LISTENING = /listening\b.*?\b((?:127\.0\.0\.1|\[::1\]):\d+)/i;
const CANNOT_LISTEN = /cannot listen on|address already in use/i;

interface Attempt {
  child: ChildProcess;
  exited: () => { code: number | null; signal: NodeJS.Signals | null } | null;
  /** The bound address once reported, and where. */
  address: () => { address: string; from: KubarrServer['addressFrom'] } | null;
  output: () => string;
}

function launch(
  bin: string,
  env: NodeJS.ProcessEnv,
  logFile: string,
  addressFile: string,
): Attempt {
  const out = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(bin, ['serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let logged: string | null = null;
  const onData = (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    out.write(chunk);
    // Keep only the start: the address and any start-up failure are reported there.
    if (output.length < 64 * 1024) output += text;
    logged ??= LISTENING.exec(output)?.[1] ?? null;
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  let exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  child.on('exit', (code, signal) => {
    exit = { code, signal };
    out.end();
  });
  return {
    child,
    exited: () => exit,
    address: () => {
      if (existsSync(addressFile)) {
        const written = readFileSync(addressFile, 'utf8').trim();
        if (written) return { address: written, from: 'KUBARR_LISTEN_ADDRESS_PATH' };
      }
      return logged ? { address: logged, from: 'log' } : null;
    },
    output: () => output,
  };
}

export async function startServer({
  cluster,
  logFile,
  extraEnv = {},
}: {
  cluster: TestCluster;
  logFile: string;
  extraEnv?: Record<string, string>;
}): Promise<KubarrServer> {
  const bin = kubarrBinary();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kubarr-e2e-'));
  const addressFile = path.join(dataDir, 'listen-address');
  const baseEnv: NodeJS.ProcessEnv = {
    ...process.env,
    KUBARR_DATA_DIR: dataDir,
    KUBARR_DATABASE_URL: `sqlite://${path.join(dataDir, 'kubarr.db')}`,
    KUBARR_LISTEN_ADDRESS_PATH: addressFile,
    KUBARR_WEB_DIR: path.join(WEB_DIR, 'dist'),
    KUBARR_CHARTS_DIR: path.join(REPO_DIR, 'charts/catalog'),
    KUBARR_AUTH__BCRYPT_COST: '4',
    KUBECONFIG: cluster.kubeconfig,
    KUBARR_HELM_BIN: cluster.helm,
    RUST_LOG: process.env.RUST_LOG ?? 'info',
    NO_COLOR: '1',
    ...extraEnv,
  };

  let attempt: Attempt | null = null;
  let reported: ReturnType<Attempt['address']> = null;
  // First the kernel's choice; then, only if this build cannot bind port 0, picked free ports
  // (one may be taken between picking and binding: try another).
  const listens = ['127.0.0.1:0'];
  for (let i = 0; i < 3; i += 1) listens.push(`127.0.0.1:${await freePort()}`);
  for (const listen of listens) {
    rmSync(addressFile, { force: true });
    const current = launch(bin, { ...baseEnv, KUBARR_LISTEN: listen }, logFile, addressFile);
    attempt = current;
    const outcome = await waitUntil(
      `kubarr serve (KUBARR_LISTEN=${listen}) to report its address`,
      () => {
        const known = current.address();
        if (known) return { reported: known };
        const exit = current.exited();
        if (!exit) return null;
        if (CANNOT_LISTEN.test(current.output())) return { reported: null };
        throw new Error(`kubarr serve exited (${JSON.stringify(exit)}); see ${logFile}`);
      },
      { timeout: 60_000, interval: 100 },
    );
    reported = outcome.reported;
    if (reported) break;
  }
  if (!attempt || !reported) throw new Error(`kubarr serve could not listen; see ${logFile}`);
  const running = attempt;
  const baseUrl = `http://${reported.address}`;

  const stop = async () => {
    if (!running.exited()) {
      running.child.kill('SIGTERM');
      await waitUntil('kubarr serve to exit', () => running.exited() !== null, {
        timeout: 15_000,
        interval: 100,
      }).catch(() => running.child.kill('SIGKILL'));
    }
    rmSync(dataDir, { recursive: true, force: true });
  };

  try {
    await waitUntil(
      'GET /api/ready to answer 200',
      async () => {
        if (running.exited()) {
          throw new Error(
            `kubarr serve exited (${JSON.stringify(running.exited())}); see ${logFile}`,
          );
        }
        return (await fetch(`${baseUrl}/api/ready`)).ok;
      },
      { timeout: 60_000, interval: 250 },
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { baseUrl, addressFrom: reported.from, dataDir, logFile, stop };
}
