// A real qBittorrent (Debian's `qbittorrent-nox`) for the gateway journey: a throw-away profile,
// everything on loopback, no peer discovery of any kind (DHT, LSD, PeX, UPnP/NAT-PMP off), the
// legal notice accepted so it starts unattended. The Kubarr gateway is its only client: its Web
// UI trusts 127.0.0.1 as a reverse proxy and lets local clients in without its own login, so
// the page a member sees through the gateway is qBittorrent's real UI.
import { spawn, type ChildProcess } from 'node:child_process';
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

import { waitUntil } from './wait';

export const QBITTORRENT_BIN = process.env.QBITTORRENT_BIN ?? '/usr/bin/qbittorrent-nox';

export interface RunningQbittorrent {
  /** `http://127.0.0.1:<port>`: its Web UI. */
  url: string;
  port: number;
  stop: () => Promise<void>;
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

function profile(dir: string, webPort: number, torrentPort: number): string {
  const downloads = path.join(dir, 'downloads');
  return [
    '[LegalNotice]',
    'Accepted=true',
    '',
    '[Application]',
    'FileLogger\\Enabled=false',
    '',
    '[BitTorrent]',
    'Session\\DHTEnabled=false',
    'Session\\LSDEnabled=false',
    'Session\\PeXEnabled=false',
    'Session\\Interface=lo',
    'Session\\InterfaceName=lo',
    'Session\\InterfaceAddress=127.0.0.1',
    `Session\\Port=${torrentPort}`,
    'Session\\UseRandomPort=false',
    'Session\\AnonymousModeEnabled=true',
    'Session\\AddTrackersEnabled=false',
    `Session\\DefaultSavePath=${downloads}`,
    '',
    '[Network]',
    'PortForwardingEnabled=false',
    '',
    '[Preferences]',
    'WebUI\\Enabled=true',
    'WebUI\\Address=127.0.0.1',
    `WebUI\\Port=${webPort}`,
    'WebUI\\UseUPnP=false',
    // Behind the gateway: 127.0.0.1 is the trusted proxy, so CSRF and Host checks use the
    // browser's X-Forwarded-Host, and the member (a loopback client) needs no second login.
    'WebUI\\ReverseProxySupportEnabled=true',
    'WebUI\\TrustedReverseProxiesList=127.0.0.1',
    'WebUI\\LocalHostAuth=false',
    'WebUI\\CSRFProtection=true',
    'WebUI\\HostHeaderValidation=true',
    'WebUI\\Username=admin',
    'Connection\\UPnP=false',
    'Connection\\ResolvePeerCountries=false',
    'General\\Locale=en',
    `Downloads\\SavePath=${downloads}`,
    '',
  ].join('\n');
}

/** Starts qBittorrent; resolves once its Web API answers. */
export async function startQbittorrent(logFile: string): Promise<RunningQbittorrent> {
  if (!existsSync(QBITTORRENT_BIN)) {
    throw new Error(`${QBITTORRENT_BIN} not found (Debian: apt-get install qbittorrent-nox)`);
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kubarr-e2e-qbt-'));
  const confDir = path.join(dir, 'qBittorrent/config');
  mkdirSync(confDir, { recursive: true });
  mkdirSync(path.join(dir, 'downloads'), { recursive: true });
  const port = await freePort();
  const torrentPort = await freePort();
  writeFileSync(path.join(confDir, 'qBittorrent.conf'), profile(dir, port, torrentPort));

  const out = createWriteStream(logFile, { flags: 'a' });
  const child: ChildProcess = spawn(QBITTORRENT_BIN, [`--profile=${dir}`, `--webui-port=${port}`], {
    env: { ...process.env, HOME: dir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(out);
  child.stderr?.pipe(out);
  let exited = false;
  child.on('exit', () => {
    exited = true;
  });
  const url = `http://127.0.0.1:${port}`;

  const stop = async () => {
    if (!exited) {
      child.kill('SIGTERM');
      await waitUntil('qBittorrent to exit', () => exited, {
        timeout: 15_000,
        interval: 100,
      }).catch(() => child.kill('SIGKILL'));
    }
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    await waitUntil(
      `qBittorrent's Web API at ${url}`,
      async () => {
        if (exited) throw new Error(`qbittorrent-nox exited; see ${logFile}`);
        const response = await fetch(`${url}/api/v2/app/version`);
        return response.ok;
      },
      { timeout: 60_000, interval: 250 },
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, port, stop };
}
