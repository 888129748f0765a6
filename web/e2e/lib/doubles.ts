// Kubarr's contract doubles of the arr apps (`kubarr-doubles`, built with the Rust tests) for
// the journeys that need an arr to answer: started on 127.0.0.1 on a port the global setup
// reserved (the server's fixed upstream for the app), with the API key Kubarr generated.
import { spawn, type ChildProcess } from 'node:child_process';
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

import { REPO_DIR } from './paths';
import { waitUntil } from './wait';

export const DOUBLES_BIN =
  process.env.KUBARR_DOUBLES_BIN ??
  path.join(process.env.CARGO_TARGET_DIR ?? path.join(REPO_DIR, 'target'), 'debug/kubarr-doubles');

export interface RunningDouble {
  url: string;
  /** What the app sees as `/` (its `/data/media/*` folders exist there). */
  fsRoot: string;
  stop: () => Promise<void>;
}

/**
 * A port below the kernel's ephemeral range that nothing listens on: outgoing connections never
 * take it between this reservation and the double's start, which comes minutes later.
 */
export async function reservePort(): Promise<number> {
  const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
    .trim()
    .split(/\s+/)
    .map(Number);
  const top = Math.min(low ?? 32768, 32768) - 1;
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20000 + Math.floor(Math.random() * (top - 20000));
    const free = await new Promise<boolean>((resolve) => {
      const server = net.createServer();
      server.once('error', () => {
        resolve(false);
      });
      server.listen(port, '127.0.0.1', () => {
        server.close(() => {
          resolve(true);
        });
      });
    });
    if (free) return port;
  }
  throw new Error('no free port below the ephemeral range');
}

/** Starts the `app` double (sonarr, radarr, …) on `port`; resolves once it answers `/ping`. */
export async function startArrDouble(
  app: string,
  port: number,
  apiKey: string,
  logFile: string,
): Promise<RunningDouble> {
  if (!existsSync(DOUBLES_BIN)) {
    throw new Error(`${DOUBLES_BIN} not found: build it (cargo build -p kubarr-doubles)`);
  }
  const fsRoot = mkdtempSync(path.join(os.tmpdir(), `kubarr-e2e-${app}-`));
  for (const dir of ['tv', 'movies', 'music']) {
    mkdirSync(path.join(fsRoot, 'data/media', dir), { recursive: true });
    mkdirSync(path.join(fsRoot, 'data/torrents', dir), { recursive: true });
  }
  const out = createWriteStream(logFile, { flags: 'a' });
  const child: ChildProcess = spawn(
    DOUBLES_BIN,
    [app, '--port', String(port), '--api-key', apiKey, '--fs-root', fsRoot],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout?.pipe(out);
  child.stderr?.pipe(out);
  let exited = false;
  child.on('exit', () => {
    exited = true;
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (!exited) {
      child.kill('SIGINT');
      await waitUntil(`the ${app} double to exit`, () => exited, {
        timeout: 10_000,
        interval: 100,
      }).catch(() => child.kill('SIGKILL'));
    }
    rmSync(fsRoot, { recursive: true, force: true });
  };
  try {
    await waitUntil(
      `the ${app} double at ${url}`,
      async () => {
        if (exited) throw new Error(`kubarr-doubles exited; see ${logFile}`);
        return (await fetch(`${url}/ping`).catch(() => null))?.ok ?? false;
      },
      { timeout: 30_000, interval: 100 },
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, fsRoot, stop };
}
