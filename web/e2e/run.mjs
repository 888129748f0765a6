#!/usr/bin/env node
// End-to-end suite in Debian's Chromium (driven by playwright-core) against the real `kubarr`
// server, a fresh SQLite database and the local test cluster.
//
//   npm run e2e            (after `npm run build`; needs a built kubarr binary and the test bed)
//
// Environment: KUBARR_BIN (default $CARGO_TARGET_DIR/debug/kubarr), KUBARR_TEST_KUBECONFIG (default:
// run testbed/up), CHROMIUM_PATH (default /usr/bin/chromium), E2E_HEADED=1 to watch.
// Screenshots and the server log go to web/e2e-artifacts/. The last line printed is
// "N passed, N failed[, N skipped]"; the exit code is non-zero unless everything passed.
import { appendFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

import jsQR from 'jsqr';
import { chromium } from 'playwright-core';

import { removeAppFromCluster, startServer, testCluster } from './lib/backend.mjs';
import { createRunner } from './lib/runner.mjs';
import { timeStep, totp } from './lib/totp.mjs';
import { waitFor, waitUntil } from './lib/wait.mjs';

const WEB = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const REPO = path.resolve(WEB, '..');
const ARTIFACTS = path.join(WEB, 'e2e-artifacts');
const APP = 'sonarr';

const ADMIN = { username: 'admin', email: 'admin@example.test', password: 'e2e admin passphrase' };
const VIEWER = {
  username: 'viewer1',
  email: 'viewer1@example.test',
  password: 'e2e viewer passphrase',
};

const log = (message) => console.log(`  · ${message}`);
const started = Date.now();

if (!existsSync(path.join(WEB, 'dist/index.html'))) {
  console.error('e2e: web/dist is missing; run `npm run build` first.');
  console.log('0 passed, 1 failed');
  process.exit(1);
}
mkdirSync(ARTIFACTS, { recursive: true });
for (const file of readdirSync(ARTIFACTS)) {
  if (file.endsWith('.png') || file.endsWith('.log') || file.endsWith('.txt')) {
    rmSync(path.join(ARTIFACTS, file));
  }
}

let server = null;
let cluster = null;
let browser = null;
let adminPage = null;
let viewerPage = null;
const pageErrors = [];
let shotNumber = 0;

async function screenshot(page, name, options = {}) {
  shotNumber += 1;
  const file = path.join(ARTIFACTS, `${String(shotNumber).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file, fullPage: true, ...options });
  return file;
}

const runner = createRunner({
  onFailure: async (name) => {
    const page = viewerPage && name.includes('viewer') ? viewerPage : adminPage;
    if (page && !page.isClosed()) {
      await screenshot(page, `FAILED-${name.replace(/[^a-z0-9]+/gi, '-').slice(0, 50)}`);
    }
  },
});
const { step } = runner;

function watchErrors(page, who) {
  page.on('pageerror', (error) => pageErrors.push(`${who}: ${error.message}`));
}

/** Calls the API from inside the page (same cookies and origin as the SPA). */
function apiFromPage(page, method, url, body) {
  return page.evaluate(
    async ({ method, url, body }) => {
      const response = await fetch(url, {
        method,
        credentials: 'same-origin',
        headers: {
          Accept: 'application/json',
          ...(method === 'GET' ? {} : { 'X-Kubarr-Csrf': '1' }),
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, text };
    },
    { method, url, body },
  );
}

async function signIn(page, account, { totpSecret, minStep } = {}) {
  await page.goto(`${server.baseUrl}/login`);
  await waitFor(page.getByRole('heading', { name: 'Sign in to Kubarr' }), 'the sign-in form');
  await page.getByLabel('Username or email').fill(account.username);
  await page.getByLabel('Password').fill(account.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  if (totpSecret) {
    const codeField = await waitFor(page.getByLabel('Authentication code'), 'the 2FA code field');
    await screenshot(page, 'login-2fa');
    // A code is accepted once: wait for a time step after the last one used.
    await waitUntil('a fresh TOTP time step', () => timeStep() > (minStep ?? -1), {
      timeout: 35_000,
      interval: 500,
    });
    const step = timeStep();
    await codeField.fill(totp(totpSecret, step));
    await page.getByRole('button', { name: 'Verify' }).click();
    await waitFor(page.getByRole('heading', { name: 'Dashboard' }), 'the dashboard after 2FA');
    return step;
  }
  await waitFor(page.getByRole('heading', { name: 'Dashboard' }), 'the dashboard');
  return null;
}

async function signOut(page) {
  await page.getByRole('button', { name: /Account menu/ }).click();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await waitFor(page.getByRole('heading', { name: 'Sign in to Kubarr' }), 'the sign-in page');
}

/** Navigates inside the SPA (no reload) through the main navigation. */
async function navTo(page, label) {
  const nav = page.getByRole('navigation', { name: 'Main' });
  if (!(await nav.isVisible())) {
    await page.getByRole('button', { name: 'Open navigation' }).click();
  }
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: label })
    .first()
    .click();
}

/** The dashboard card of an app (its list item). */
function appCard(page, name) {
  return page
    .getByRole('list', { name: 'Installed apps' })
    .getByRole('listitem')
    .filter({
      has: page.getByRole('heading', { name }),
    });
}

/** Decodes the QR code drawn as SVG in the page: rasterised by the browser, read with jsQR. */
async function readQrCode(page) {
  const pixels = await page.evaluate(async () => {
    const svg = document.querySelector('svg[data-qr-version]');
    if (!svg) throw new Error('no QR code in the page');
    const source = new XMLSerializer().serializeToString(svg);
    const image = new Image();
    image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(source)}`;
    await image.decode();
    const [, , w] = svg.getAttribute('viewBox').split(' ').map(Number);
    const scale = 6;
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = w * scale;
    const context = canvas.getContext('2d');
    context.imageSmoothingEnabled = false;
    context.drawImage(image, 0, 0, canvas.width, canvas.height);
    const data = context.getImageData(0, 0, canvas.width, canvas.height);
    return { width: data.width, height: data.height, data: Array.from(data.data) };
  });
  const result = jsQR(Uint8ClampedArray.from(pixels.data), pixels.width, pixels.height);
  return result?.data ?? null;
}

function appendPodLog(text) {
  const now = new Date();
  const nanos = `${now.toISOString().slice(0, 19)}.${String(now.getMilliseconds()).padStart(3, '0')}000000Z`;
  appendFileSync(cluster.podLog, `${nanos} stdout F ${text}\n`);
}

async function main() {
  let totpSecret = null;
  let lastStep = -1;
  let inviteLink = null;

  const infra = await step(
    'start the test cluster, the kubarr server and Chromium',
    async () => {
      cluster = await testCluster(REPO, log);
      log(`cluster: ${cluster.kubeconfig}; pod log: ${cluster.podLog}`);
      // Leftovers of an interrupted run would make the install conflict.
      await removeAppFromCluster(cluster, APP);
      server = await startServer({
        repo: REPO,
        cluster,
        logFile: path.join(ARTIFACTS, 'server.log'),
      });
      log(`server: ${server.baseUrl} (data ${server.dataDir})`);
      browser = await chromium.launch({
        executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
        headless: process.env.E2E_HEADED !== '1',
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
      });
      const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
      context.setDefaultTimeout(15_000);
      adminPage = await context.newPage();
      watchErrors(adminPage, 'admin');
    },
    { timeout: 50 * 60_000 },
  );
  if (!infra) return;
  const page = adminPage;

  await step(
    'first start: /setup creates the administrator, who lands on the dashboard',
    async () => {
      await page.goto(`${server.baseUrl}/`);
      await waitFor(page.getByRole('heading', { name: 'Welcome to Kubarr' }), 'the setup page');
      await page.waitForURL('**/setup');
      await screenshot(page, 'setup');
      await page.getByLabel(/^Username/).fill(ADMIN.username);
      await page.getByLabel(/^Email/).fill(ADMIN.email);
      await page.getByLabel(/^Password/).fill(ADMIN.password);
      await page.getByLabel(/^Confirm password/).fill(ADMIN.password);
      await page.getByRole('button', { name: 'Create administrator' }).click();
      await waitFor(page.getByRole('heading', { name: 'Dashboard' }), 'the dashboard');
      await waitFor(page.getByText('No apps installed yet'), 'the empty dashboard');
      await screenshot(page, 'dashboard-empty');
    },
  );

  await step(
    'sign out, then sign in with username and password',
    async () => {
      await signOut(page);
      await screenshot(page, 'login');
      await signIn(page, ADMIN);
    },
    { needs: ['first start: /setup creates the administrator, who lands on the dashboard'] },
  );

  const enrol = 'enrol 2FA: QR code drawn in the page decodes to the otpauth URI; code turns it on';
  await step(
    enrol,
    async () => {
      await page.goto(`${server.baseUrl}/account`);
      await page.getByRole('button', { name: 'Set up two-factor authentication' }).click();
      const secretText = await waitFor(page.getByTestId('totp-secret'), 'the TOTP key');
      totpSecret = (await secretText.textContent()).replace(/\s+/g, '');
      const qr = await waitFor(
        page.getByRole('img', { name: /QR code to add Kubarr/ }),
        'the QR code',
      );
      const decoded = await readQrCode(page);
      if (!decoded?.startsWith('otpauth://totp/') || !decoded.includes(`secret=${totpSecret}`)) {
        throw new Error(`the QR code decodes to ${JSON.stringify(decoded)}`);
      }
      log(`QR code (version ${await qr.getAttribute('data-qr-version')}) reads back as the URI`);
      await screenshot(page, 'account-2fa-enrol');
      lastStep = timeStep();
      await page.getByLabel('Your password').fill(ADMIN.password);
      await page.getByLabel('Code from your authenticator app').fill(totp(totpSecret, lastStep));
      await page.getByRole('button', { name: 'Turn on' }).click();
      const codes = await waitFor(
        page.getByRole('list', { name: 'Recovery codes' }),
        'the recovery codes',
      );
      const count = await codes.getByRole('listitem').count();
      if (count !== 10) throw new Error(`expected 10 recovery codes, saw ${count}`);
      await screenshot(page, 'account-recovery-codes');
      await page.getByRole('button', { name: 'I have saved them' }).click();
      await waitFor(page.getByText(/Two-factor authentication is\s+on/), 'the 2FA-on state');
    },
    { needs: ['sign out, then sign in with username and password'] },
  );

  const twoFactorLogin = 'sign out and sign in again with a TOTP code';
  await step(
    twoFactorLogin,
    async () => {
      await signOut(page);
      lastStep = await signIn(page, ADMIN, { totpSecret, minStep: lastStep });
    },
    { needs: [enrol] },
  );

  const install =
    'install Sonarr from the catalog; the dashboard shows it Running without a reload';
  await step(
    install,
    async () => {
      // A second tab stays on the dashboard the whole time: the app must appear there and reach
      // Running through the status stream alone (a reload would lose the mark set here).
      const dashboard = await page.context().newPage();
      watchErrors(dashboard, 'admin dashboard tab');
      await dashboard.goto(`${server.baseUrl}/`);
      await waitFor(dashboard.getByText('No apps installed yet'), 'the empty dashboard');
      await dashboard.evaluate(() => {
        window.__kubarrE2eNoReload = true;
      });

      await page.bringToFront();
      await navTo(page, 'Catalog');
      await waitFor(page.getByRole('heading', { name: 'Catalog' }), 'the catalog');
      await page.getByRole('button', { name: 'Install Sonarr' }).click();
      const dialog = await waitFor(
        page.getByRole('dialog', { name: 'Install Sonarr' }),
        'the install dialog',
      );
      await waitFor(dialog.locator('form input, form select').first(), 'the generated form');
      await screenshot(page, 'catalog-install-dialog', { fullPage: false });
      const clicked = Date.now();
      await dialog.getByRole('button', { name: 'Install', exact: true }).click();
      await waitFor(page.getByText('Installing Sonarr'), 'the install toast');
      await screenshot(page, 'catalog');

      // Every state the dashboard tab shows, until Running.
      const card = appCard(dashboard, APP);
      const seen = [];
      await waitUntil(
        'Sonarr to be Running on the dashboard tab',
        async () => {
          const badge = await card
            .locator('[data-tone]')
            .first()
            .textContent({ timeout: 500 })
            .catch(() => null);
          if (badge && seen.at(-1) !== badge) seen.push(badge);
          return badge === 'Running' && (await card.textContent()).includes('1/1');
        },
        { timeout: 240_000, interval: 100 },
      );
      log(
        `dashboard tab showed ${seen.join(' → ')} within ${((Date.now() - clicked) / 1000).toFixed(1)} s of Install`,
      );
      if (!(await dashboard.evaluate(() => window.__kubarrE2eNoReload === true))) {
        throw new Error('the dashboard tab was reloaded');
      }
      await dashboard.bringToFront();
      await screenshot(dashboard, 'dashboard');
      await dashboard.close();
      await page.bringToFront();
      await navTo(page, 'Dashboard');
      await waitFor(appCard(page, APP), 'the Sonarr card');
    },
    { needs: [twoFactorLogin], timeout: 300_000 },
  );

  const logs =
    'logs: a line appended to the pod log appears live in the viewer, and search finds it';
  await step(
    logs,
    async () => {
      await appCard(page, APP)
        .getByRole('link', { name: `Logs of ${APP}` })
        .click();
      await page.waitForURL(`**/apps/${APP}?tab=logs`);
      const viewer = page.getByRole('log', { name: 'Log lines' });
      await waitFor(viewer, 'the log viewer');
      await waitFor(page.getByText('Live', { exact: true }), 'the live log stream');
      const marker = `kubarr-e2e-${Date.now().toString(36)}`;
      // Appended after the stream opened, so it can only arrive by following.
      await waitUntil(
        `the line ${marker} in the viewer`,
        async () => {
          appendPodLog(`${marker} hello from the e2e suite`);
          return viewer
            .getByText(marker)
            .first()
            .waitFor({ timeout: 3_000 })
            .then(() => true);
        },
        { timeout: 60_000, interval: 0 },
      );
      await page.getByLabel('Search the loaded lines').fill(marker);
      await waitFor(viewer.locator('mark', { hasText: marker }), 'the highlighted match');
      await page.getByLabel('Search the loaded lines').press('Enter');
      await waitFor(page.getByText(/^1 of \d+$/), 'the match counter');
      await screenshot(page, 'app-logs', { fullPage: false });
      await page.getByLabel('Search the loaded lines').fill('');
    },
    { needs: [install] },
  );

  const restart = 'restart Sonarr from its page; it comes back Running';
  await step(
    restart,
    async () => {
      await page.getByRole('tab', { name: 'Pods & events' }).click();
      await waitFor(page.getByRole('table', { name: 'Pods' }), 'the pods table');
      await screenshot(page, 'app-detail');
      const before = await page
        .getByRole('table', { name: 'Pods' })
        .locator('tbody tr td')
        .first()
        .textContent();
      await page.getByRole('button', { name: 'Restart' }).click();
      const dialog = await waitFor(
        page.getByRole('dialog', { name: `Restart ${APP}?` }),
        'the restart dialog',
      );
      await dialog.getByRole('button', { name: 'Restart' }).click();
      await waitFor(page.getByText(`Restarting ${APP}`), 'the restart toast');
      await waitUntil(
        `the pod ${before} to be replaced`,
        async () => {
          const table = await page
            .getByRole('table', { name: 'Pods' })
            .textContent({ timeout: 2_000 });
          return !table.includes(before);
        },
        { timeout: 120_000, interval: 1_000 },
      );
      await waitFor(
        page
          .getByRole('heading', { name: APP })
          .locator('..')
          .getByText('Running', { exact: true }),
        'Running after the restart',
        { timeout: 120_000 },
      );
      const upgrade = page.getByRole('button', { name: 'Upgrade' });
      await upgrade.click();
      await waitFor(page.getByRole('dialog', { name: `Upgrade ${APP}` }), 'the upgrade dialog');
      await page.getByLabel('Replace the app’s values').check();
      await waitFor(
        page.getByRole('dialog').locator('fieldset, input[name]').nth(2),
        'the values form',
      );
      await screenshot(page, 'app-upgrade-dialog', { fullPage: false });
      await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    },
    { needs: [install], timeout: 240_000 },
  );

  const pages = 'users, invites, roles, audit, settings and account pages render with live data';
  await step(
    pages,
    async () => {
      await navTo(page, 'Users');
      await waitFor(
        page.getByRole('table', { name: 'Users' }).getByText('admin@example.test'),
        'the admin in the users list',
      );
      await screenshot(page, 'users');
      await navTo(page, 'Roles');
      await waitFor(
        page.getByRole('table', { name: 'Permissions of each role' }),
        'the permission matrix',
      );
      await screenshot(page, 'roles');
      await navTo(page, 'Audit log');
      await waitFor(
        page.getByRole('table', { name: /Audit log/ }).getByText('App installed'),
        'the install in the audit log',
      );
      await page
        .getByRole('button', { name: /^Details/ })
        .first()
        .click();
      await screenshot(page, 'audit');
      await navTo(page, 'Settings');
      await waitFor(page.getByRole('heading', { name: 'Media storage' }), 'the settings');
      await page.getByLabel('NFS share').check();
      await page.getByLabel('NFS server').fill('nas.local');
      await page.getByLabel('Export path').fill('/export/media');
      await page
        .getByRole('region', { name: 'Media storage' })
        .getByRole('button', { name: 'Save' })
        .click();
      await waitFor(page.getByText('Media storage saved'), 'the saved toast');
      await screenshot(page, 'settings');
      await page.goto(`${server.baseUrl}/account`);
      await waitFor(page.getByText('This device'), 'the current session');
      await screenshot(page, 'account');
      await page.setViewportSize({ width: 390, height: 844 });
      await page.goto(`${server.baseUrl}/`);
      await waitFor(appCard(page, APP), 'the Sonarr card at phone width');
      await screenshot(page, 'dashboard-phone');
      await page.setViewportSize({ width: 1280, height: 860 });
      await page.goto(`${server.baseUrl}/apps/${APP}`);
      await page.getByRole('button', { name: 'Switch to dark theme' }).click();
      await waitFor(page.locator('html.dark'), 'the dark theme', { state: 'attached' });
      await waitFor(page.getByRole('table', { name: 'Pods' }), 'the pods table');
      // Colours fade between themes: wait for the transitions to finish.
      await page.waitForFunction(
        () => document.getAnimations().every((a) => !(a instanceof CSSTransition)),
        null,
        {
          timeout: 5_000,
        },
      );
      await screenshot(page, 'app-detail-dark', { fullPage: false });
      await page.getByRole('button', { name: 'Switch to light theme' }).click();
    },
    { needs: [install] },
  );

  const invite = 'an invite link lets a viewer register in a second browser context';
  await step(
    invite,
    async () => {
      await page.goto(`${server.baseUrl}/invites`);
      await page.getByRole('button', { name: 'Create invite' }).click();
      const linkField = await waitFor(page.getByLabel('Invite link'), 'the new invite link');
      inviteLink = await linkField.inputValue();
      if (!inviteLink.includes('/register?invite='))
        throw new Error(`odd invite link ${inviteLink}`);
      await screenshot(page, 'invites');

      const viewerContext = await browser.newContext({ viewport: { width: 1280, height: 860 } });
      viewerContext.setDefaultTimeout(15_000);
      viewerPage = await viewerContext.newPage();
      watchErrors(viewerPage, 'viewer');
      await viewerPage.goto(inviteLink);
      await waitFor(
        viewerPage.getByRole('heading', { name: 'Create your account' }),
        'the register form',
      );
      await viewerPage.getByLabel(/^Username/).fill(VIEWER.username);
      await viewerPage.getByLabel(/^Email/).fill(VIEWER.email);
      await viewerPage.getByLabel(/^Password/).fill(VIEWER.password);
      await viewerPage.getByLabel(/^Confirm password/).fill(VIEWER.password);
      await screenshot(viewerPage, 'register');
      await viewerPage.getByRole('button', { name: 'Create account' }).click();
      await waitFor(
        viewerPage.getByRole('heading', { name: 'Account created' }),
        'the confirmation',
      );
      await signIn(viewerPage, VIEWER);
    },
    { needs: [install] },
  );

  await step(
    'the viewer is not offered install, restart or uninstall, and the API refuses them',
    async () => {
      const v = viewerPage;
      const card = await waitFor(appCard(v, APP), 'Sonarr on the viewer’s dashboard');
      await waitFor(card.getByText('Running', { exact: true }), 'Sonarr Running for the viewer');
      if (await v.getByRole('link', { name: 'Install apps' }).count()) {
        throw new Error('the viewer is offered "Install apps"');
      }
      for (const hidden of ['Users', 'Invites', 'Roles', 'Audit log', 'Settings']) {
        if (
          await v
            .getByRole('navigation', { name: 'Main' })
            .getByRole('link', { name: hidden })
            .count()
        ) {
          throw new Error(`the viewer sees the ${hidden} section`);
        }
      }
      await screenshot(v, 'viewer-dashboard');
      await navTo(v, 'Catalog');
      await waitFor(v.getByRole('heading', { name: 'Catalog' }), 'the catalog for the viewer');
      await waitFor(v.getByText('Sonarr').first(), 'the catalog entries');
      const installButtons = await v.getByRole('button', { name: /^Install / }).count();
      if (installButtons > 0)
        throw new Error(`the viewer is offered ${installButtons} Install buttons`);
      await screenshot(v, 'viewer-catalog');
      await v.goto(`${server.baseUrl}/apps/${APP}`);
      await waitFor(v.getByRole('heading', { name: APP }), 'the app page for the viewer');
      await waitFor(v.getByRole('table', { name: 'Pods' }), 'the pods for the viewer');
      for (const action of ['Upgrade', 'Restart', 'Uninstall']) {
        if (await v.getByRole('button', { name: action }).count()) {
          throw new Error(`the viewer is offered ${action}`);
        }
      }
      await screenshot(v, 'viewer-app-detail');
      const installCall = await apiFromPage(v, 'POST', '/api/apps/install', { app_name: 'radarr' });
      const deleteCall = await apiFromPage(v, 'DELETE', `/api/apps/${APP}?delete_data=true`);
      const restartCall = await apiFromPage(v, 'POST', `/api/apps/${APP}/restart`);
      log(
        `viewer API: install ${installCall.status}, uninstall ${deleteCall.status}, restart ${restartCall.status}`,
      );
      for (const [what, call] of [
        ['install', installCall],
        ['uninstall', deleteCall],
        ['restart', restartCall],
      ]) {
        if (call.status !== 403 && call.status !== 404) {
          throw new Error(`the API answered ${call.status} to the viewer's ${what}: ${call.text}`);
        }
      }
    },
    { needs: [invite] },
  );

  await step(
    'uninstall Sonarr with its data; it leaves the dashboard live',
    async () => {
      await page.goto(`${server.baseUrl}/apps/${APP}`);
      await page.getByRole('button', { name: 'Uninstall' }).click();
      const dialog = await waitFor(
        page.getByRole('dialog', { name: `Uninstall ${APP}?` }),
        'the uninstall dialog',
      );
      const confirm = dialog.getByRole('button', { name: 'Uninstall' });
      if (await confirm.isEnabled())
        throw new Error('Uninstall is enabled before the name is typed');
      await dialog.getByLabel('Keep the app’s data').uncheck();
      await dialog.getByLabel(/^Type/).fill(APP);
      await screenshot(page, 'app-uninstall-dialog', { fullPage: false });
      await confirm.click();
      await page.waitForURL(`${server.baseUrl}/`);
      await page.evaluate(() => {
        window.__kubarrE2eNoReload = true;
      });
      await waitFor(appCard(page, APP), 'the Sonarr card', { state: 'detached', timeout: 180_000 });
      await waitFor(page.getByText('No apps installed yet'), 'the empty dashboard');
      if (!(await page.evaluate(() => window.__kubarrE2eNoReload === true))) {
        throw new Error('the page was reloaded');
      }
      await screenshot(page, 'dashboard-after-uninstall');
    },
    { needs: [install], timeout: 240_000 },
  );

  await step('no uncaught errors in the pages', async () => {
    if (pageErrors.length > 0) throw new Error(pageErrors.join('\n'));
  });
}

async function cleanUp() {
  // Whatever happened above: no app left behind, no server, no browser.
  try {
    if (server?.isRunning() && adminPage && !adminPage.isClosed()) {
      const list = await apiFromPage(adminPage, 'GET', '/api/apps').catch(() => null);
      if (list?.status === 200 && JSON.parse(list.text).some((app) => app.name === APP)) {
        log(`cleanup: uninstalling ${APP} through the API`);
        await apiFromPage(adminPage, 'DELETE', `/api/apps/${APP}?delete_data=true`);
        await waitUntil(
          `${APP} to be gone`,
          async () => {
            const now = await apiFromPage(adminPage, 'GET', '/api/apps');
            return now.status === 200 && !JSON.parse(now.text).some((app) => app.name === APP);
          },
          { timeout: 120_000, interval: 1_000 },
        ).catch((error) => log(`cleanup: ${error.message}`));
      }
    }
  } catch (error) {
    log(`cleanup through the API failed: ${error.message}`);
  }
  await browser?.close().catch(() => undefined);
  await server?.stop().catch((error) => log(`cleanup: stopping the server: ${error.message}`));
  if (cluster) await removeAppFromCluster(cluster, APP);
}

let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    interrupted = true;
    console.log(`\ne2e: ${signal}, cleaning up…`);
    void cleanUp().finally(() => {
      console.log('0 passed, 1 failed');
      process.exit(130);
    });
  });
}

try {
  await main();
} catch (error) {
  console.error(error);
  runner.results.set('suite', { status: 'failed', error });
} finally {
  if (!interrupted) await cleanUp();
}
await sleep(0);

const { passed, failed, skipped } = runner.summary();
const seconds = ((Date.now() - started) / 1000).toFixed(1);
console.log(
  `\nScreenshots and server log: ${path.relative(process.cwd(), ARTIFACTS) || ARTIFACTS}/ · ${seconds} s`,
);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || skipped > 0 ? 1 : 0);
