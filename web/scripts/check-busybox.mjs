#!/usr/bin/env node
// Checks that the production build (web/dist) is served correctly by BusyBox httpd with
// web/busybox/httpd.conf — the way the deployment serves the SPA:
//   - `/` is index.html (200, text/html);
//   - every file of the build is served byte for byte with the right MIME type;
//   - deep links to client-side routes answer with index.html (status 404: BusyBox serves its
//     E404 page, it cannot rewrite) and, in Chromium when available, boot the app.
// /api is not served by BusyBox (no proxy in Debian's build): the Ingress routes it.
//
//   npm run build && npm run check:busybox       (needs `busybox`; Debian: apt-get install busybox)
//
// The last line is "N passed, N failed"; the exit code is non-zero on any failure.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const WEB = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIST = path.join(WEB, 'dist');
const CONF = path.join(WEB, 'busybox/httpd.conf');
const BUSYBOX = process.env.BUSYBOX ?? 'busybox';
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Client-side routes that must work as deep links (a reload on any page). */
const DEEP_LINKS = [
  '/login',
  '/setup',
  '/register?invite=abc',
  '/catalog',
  '/apps/sonarr',
  '/apps/sonarr?tab=logs',
  '/users',
  '/invites',
  '/roles',
  '/audit?action=login_failed',
  '/settings',
  '/account',
  '/no/such/page',
];

const EXPECTED_TYPES = {
  '.html': /^text\/html\b/,
  '.js': /^(text|application)\/javascript\b/,
  '.css': /^text\/css\b/,
  '.svg': /^image\/svg\+xml\b/,
  '.json': /^application\/json\b/,
  '.png': /^image\/png\b/,
  '.ico': /^image\/(x-icon|vnd\.microsoft\.icon)\b/,
  '.woff2': /^font\/woff2\b/,
  '.webmanifest': /^application\/manifest\+json\b/,
};

let passed = 0;
let failed = 0;
function check(name, ok, detail = '') {
  if (ok) {
    passed += 1;
    console.log(`✓ ${name}`);
  } else {
    failed += 1;
    console.log(`✗ ${name}${detail ? `\n    ${detail}` : ''}`);
  }
}

function finish() {
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed > 0 ? 1 : 0);
}

function filesUnder(dir, prefix = '') {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    const rel = `${prefix}/${name}`;
    // Build metadata, not part of the site.
    if (name === '.vite') return [];
    return statSync(full).isDirectory() ? filesUnder(full, rel) : [rel];
  });
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on 127.0.0.1:${port}`);
    await sleep(100);
  }
}

async function get(base, urlPath) {
  const response = await fetch(`${base}${urlPath}`, { redirect: 'manual' });
  const body = Buffer.from(await response.arrayBuffer());
  return { status: response.status, type: response.headers.get('content-type') ?? '', body };
}

if (!existsSync(path.join(DIST, 'index.html'))) {
  console.error('check:busybox: web/dist/index.html is missing; run `npm run build` first.');
  check('the build exists', false);
  finish();
}
const probe = spawnSync(BUSYBOX, ['httpd', '--help'], { encoding: 'utf8' });
if (probe.error) {
  console.error(
    `check:busybox: cannot run "${BUSYBOX}" (${probe.error.code}); install it (Debian: apt-get install busybox) or set BUSYBOX.`,
  );
  check('busybox is installed', false);
  finish();
}

const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const httpd = spawn(
  BUSYBOX,
  ['httpd', '-f', '-v', '-p', `127.0.0.1:${port}`, '-h', DIST, '-c', CONF],
  {
    stdio: ['ignore', 'ignore', 'pipe'],
  },
);
let stderr = '';
httpd.stderr.on('data', (chunk) => {
  stderr += chunk;
});

try {
  await waitForPort(port, 5000);
  console.log(`busybox httpd on ${base}, serving ${path.relative(process.cwd(), DIST) || DIST}`);
  const index = readFileSync(path.join(DIST, 'index.html'));

  const root = await get(base, '/');
  check(
    '/ answers 200 with index.html as text/html',
    root.status === 200 && /^text\/html\b/.test(root.type) && root.body.equals(index),
    `status ${root.status}, type "${root.type}"`,
  );

  // Every file of the build, byte for byte, with its MIME type.
  const files = filesUnder(DIST);
  const referenced = [...index.toString('utf8').matchAll(/(?:src|href)="(\/[^"]+)"/g)].map(
    (m) => m[1],
  );
  const missing = referenced.filter((ref) => !files.includes(ref));
  check(
    `index.html references only files of the build (${referenced.length})`,
    missing.length === 0,
    `missing: ${missing.join(', ')}`,
  );
  const wrong = [];
  for (const file of files) {
    const response = await get(base, file);
    const expected = EXPECTED_TYPES[path.extname(file)];
    const same = response.body.equals(readFileSync(path.join(DIST, file)));
    if (response.status !== 200 || !same || (expected && !expected.test(response.type))) {
      wrong.push(
        `${file}: ${response.status} "${response.type}"${same ? '' : ' (different bytes)'}`,
      );
    }
  }
  const hashed = files.filter((file) => /^\/assets\/.+-[A-Za-z0-9_-]{8}\.(js|css)$/.test(file));
  check(
    `all ${files.length} files are served with the right MIME type (${hashed.length} hashed assets)`,
    wrong.length === 0 && hashed.length > 0,
    wrong.slice(0, 10).join('\n    '),
  );

  // Deep links: index.html for every client-side route.
  const badLinks = [];
  const statuses = new Set();
  for (const link of DEEP_LINKS) {
    const response = await get(base, link);
    statuses.add(response.status);
    if (
      ![200, 404].includes(response.status) ||
      !/^text\/html\b/.test(response.type) ||
      !response.body.equals(index)
    ) {
      badLinks.push(
        `${link}: ${response.status} "${response.type}" (${response.body.length} bytes)`,
      );
    }
  }
  check(
    `deep links answer with index.html (${DEEP_LINKS.length} routes; status ${[...statuses].join('/')})`,
    badLinks.length === 0,
    badLinks.join('\n    '),
  );

  const manifest = await get(base, '/.vite/manifest.json');
  check(
    'build metadata (/.vite/manifest.json) is served like any file or not at all, never as an error',
    manifest.status === 200 || manifest.status === 404,
    `status ${manifest.status}`,
  );

  // In a real browser: a deep link boots the SPA (module scripts load only with a JS MIME type).
  if (existsSync(CHROMIUM)) {
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    try {
      const page = await browser.newPage();
      const errors = [];
      page.on('pageerror', (error) => errors.push(error.message));
      page.on('console', (message) => {
        if (message.type() === 'error' && /MIME|module script/i.test(message.text())) {
          errors.push(message.text());
        }
      });
      await page.goto(`${base}/apps/sonarr?tab=logs`);
      // Without /api the app cannot load a session; it must still render its own screen.
      const rendered = await page
        .waitForFunction(
          () => (document.getElementById('root')?.textContent ?? '').trim().length > 0,
          null,
          {
            timeout: 15_000,
          },
        )
        .then(() => true)
        .catch(() => false);
      const text = await page.locator('#root').innerText();
      check(
        'Chromium: a deep link boots the app from BusyBox (rendered, no MIME or script errors)',
        rendered && errors.length === 0,
        `rendered: ${rendered}; text: ${JSON.stringify(text.slice(0, 120))}; errors: ${errors.join(' | ')}`,
      );
    } finally {
      await browser.close();
    }
  } else {
    console.log(`- Chromium check skipped (${CHROMIUM} not found)`);
  }
} catch (error) {
  check('busybox httpd serves the build', false, String(error?.stack ?? error));
} finally {
  httpd.kill('SIGTERM');
  if (/config error/i.test(stderr)) {
    check('httpd.conf has no config errors', false, stderr.trim());
  }
}
finish();
