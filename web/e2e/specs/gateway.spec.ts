// The app gateway: a household member whose role may open qBittorrent only signs in, finds just
// that app on the Apps home, opens it in a new tab — qBittorrent's real Web UI, served through
// Kubarr on its own origin — and can neither see nor launch an app they were not given. A
// signed-out browser that goes to the app's address is sent to Kubarr's sign-in and back.
import { expect, test } from '../fixtures';
import { E2E_APPS, E2E_APPS_DOMAIN } from '../lib/accounts';
import {
  createRole,
  createUser,
  deleteRole,
  deleteUser,
  findUser,
  getSetting,
  putSetting,
} from '../lib/api';
import { apiFromPage, signIn, type Account } from '../lib/ui';

const APP = E2E_APPS.gateway;
const DENIED = E2E_APPS.gatewayDenied;
const ROLE = 'household-e2e';
const MEMBER: Account = {
  username: 'member1',
  email: 'member1@example.test',
  password: 'e2e member passphrase',
};
const APP_ORIGIN = new RegExp(`^http://${APP}\\.${E2E_APPS_DOMAIN.replace('.', '\\.')}:\\d+/`);

test.skip(
  !process.env.KUBARR_E2E_QBITTORRENT_URL,
  'needs qbittorrent-nox (the global setup starts it when installed)',
);

let savedPublicUrl: unknown;

test.beforeEach(async ({ adminApi, kubarr }) => {
  // The gateway sends a signed-out browser to the sign-in page at the public URL.
  savedPublicUrl = await getSetting(adminApi, 'public_url');
  await putSetting(adminApi, 'public_url', kubarr.baseUrl);
});

test.afterEach(async ({ adminApi }) => {
  const member = await findUser(adminApi, MEMBER.username);
  if (member) await deleteUser(adminApi, member.id);
  await deleteRole(adminApi, ROLE);
  await putSetting(adminApi, 'public_url', savedPublicUrl ?? null);
});

test('a member opens the one app they were given through the gateway, and no other', async ({
  adminApi,
  adminPage,
  browser,
  kubarr,
  pageErrors,
  withApp,
  shot,
}) => {
  await withApp(APP);
  await withApp(DENIED);
  await createRole(adminApi, {
    name: ROLE,
    permissions: [],
    grants: [{ app_name: APP, permission: 'apps.open' }],
  });
  await createUser(adminApi, { ...MEMBER, role: ROLE });

  await test.step('the administrator sees the gateway in the settings and sets app credentials', async () => {
    const page = adminPage;
    await page.goto('/settings');
    const section = page.getByRole('region', { name: 'App gateway' });
    await expect(section.getByText(E2E_APPS_DOMAIN, { exact: true })).toBeVisible();
    await expect(section.getByText(`*.${E2E_APPS_DOMAIN}`, { exact: true })).toBeVisible();
    await expect(section.getByTestId('dns-hint')).toContainText(`*.${E2E_APPS_DOMAIN}`);
    const row = section.getByRole('row', { name: new RegExp(`^${APP}`) });
    await expect(row.getByText(new RegExp(`^http://${APP}\\.`))).toBeVisible();
    await expect(row.getByLabel(`Access to ${APP}`)).toHaveValue('gated');

    // Access mode: saved on change (and put back, so the member's list stays theirs).
    const deniedRow = section.getByRole('row', { name: new RegExp(`^${DENIED}`) });
    const denied = deniedRow.getByLabel(`Access to ${DENIED}`);
    await denied.selectOption('off');
    await expect(deniedRow.getByText('Not reachable through the gateway.')).toBeVisible();
    const savedMode = async () => {
      const overview = (await (await adminApi.get('/api/gateway')).json()) as {
        apps: { name: string; access_mode: string }[];
      };
      return overview.apps.find((app) => app.name === DENIED)?.access_mode;
    };
    await expect.poll(savedMode).toBe('off');
    await denied.selectOption('gated');
    await expect.poll(savedMode).toBe('gated');
    await expect(denied).toBeEnabled();

    // Write-only credentials: qBittorrent starts with the account Kubarr generated for it (never
    // shown); an administrator's own replace it, typed once, and then only "Set" is shown.
    const status = section.getByTestId(`credentials-${APP}`);
    await expect(status).toHaveText('Set');
    await section.getByRole('button', { name: `Replace credentials for ${APP}` }).click();
    const form = section.getByRole('form', { name: `Credentials for ${APP}` });
    await form.getByLabel(/^App user name/).fill('admin');
    await form.getByLabel(/^App password/).fill('e2e-app-password');
    await form.getByRole('button', { name: 'Save credentials' }).click();
    await expect(status).toHaveText('Set');
    await expect(form).toHaveCount(0);
    expect(await page.content()).not.toContain('e2e-app-password');
    await section.scrollIntoViewIfNeeded();
    await shot(page, 'settings-gateway', { fullPage: false });
    await section.getByRole('button', { name: `Clear credentials for ${APP}` }).click();
    await expect(status).toHaveText('Not set');
  });

  const context = await browser.newContext({ baseURL: kubarr.baseUrl });
  context.on('page', (p) => {
    p.on('pageerror', (error) => pageErrors.push(`member ${p.url()}: ${error.message}`));
  });
  const page = await context.newPage();
  try {
    await test.step('the member signs in and lands on the Apps home with only their app', async () => {
      await signIn(page, MEMBER, { landsOn: 'Apps' });
      await expect(page).toHaveURL(/\/apps$/);
      const list = page.getByRole('list', { name: 'Your apps' });
      await expect(list.getByRole('listitem')).toHaveCount(1);
      await expect(list.getByRole('heading', { name: 'qBittorrent' })).toBeVisible();
      await expect(list.getByText('Running', { exact: true })).toBeVisible();
      await expect(page.getByRole('button', { name: /^Open / })).toHaveCount(1);
      const nav = page.getByRole('navigation', { name: 'Main' });
      await expect(nav.getByRole('link', { name: 'Dashboard' })).toHaveCount(0);
      await shot(page, 'apps-home');
    });

    await test.step('Open shows qBittorrent’s own Web UI in a new tab, on its own origin', async () => {
      const [tab] = await Promise.all([
        context.waitForEvent('page'),
        page.getByRole('button', { name: 'Open qBittorrent' }).click(),
      ]);
      await tab.waitForURL(APP_ORIGIN);
      // The ticket was redeemed and dropped from the address: the app's own path.
      expect(new URL(tab.url()).pathname).not.toContain('/_kubarr/');
      await expect(tab).toHaveTitle(/qBittorrent/);
      // The main window (not its login form): the gateway let the member through.
      await expect(tab.locator('#desktopNavbar')).toBeVisible();
      await expect(tab.locator('#torrentsTableDiv')).toBeVisible();
      await shot(tab, 'qbittorrent-through-gateway', { fullPage: false });
      // Its API answers through the gateway too, with the app cookie only.
      const version = await tab.evaluate(async () => {
        const response = await fetch('/api/v2/app/version');
        return response.ok ? response.text() : `HTTP ${response.status}`;
      });
      expect(version).toMatch(/^v\d+\.\d+/);
      await tab.close();
    });

    await test.step('an app the member was not given is neither listed nor launched', async () => {
      const listed = await apiFromPage(page, 'GET', '/api/gateway/apps');
      expect(listed.status).toBe(200);
      const names = (JSON.parse(listed.text) as { name: string }[]).map((a) => a.name);
      expect(names).toEqual([APP]);
      for (const app of [DENIED, 'sonarr']) {
        const launch = await apiFromPage(page, 'POST', `/api/apps/${app}/launch`, {});
        expect([403, 404], `launch ${app}: ${launch.text}`).toContain(launch.status);
      }
    });
  } finally {
    await context.close();
  }

  await test.step('a signed-out browser at the app’s address signs in and comes back', async () => {
    // The app's origin, learnt from a launch by the administrator (the gateway's port is the
    // kernel's choice).
    const launched = await adminApi.post(`/api/apps/${APP}/launch`, {
      data: {},
      headers: { Origin: kubarr.baseUrl },
    });
    expect(launched.status(), await launched.text()).toBe(200);
    const origin = new URL(((await launched.json()) as { url: string }).url).origin;

    const fresh = await browser.newContext();
    fresh.on('page', (p) => {
      p.on('pageerror', (error) => pageErrors.push(`signed-out ${p.url()}: ${error.message}`));
    });
    const visitor = await fresh.newPage();
    try {
      await visitor.goto(`${origin}/`);
      await expect(visitor.getByRole('heading', { name: `Sign in to open ${APP}` })).toBeVisible();
      const login = new URL(visitor.url());
      expect(login.origin).toBe(kubarr.baseUrl);
      expect(login.searchParams.get('app')).toBe(APP);
      expect(login.searchParams.get('next')).toBe('/');
      await shot(visitor, 'sign-in-to-open');
      await visitor.getByLabel('Username or email').fill(MEMBER.username);
      await visitor.getByLabel('Password').fill(MEMBER.password);
      await visitor.getByRole('button', { name: 'Sign in' }).click();
      // Signed in to Kubarr, launched, and back at the app with its own cookie.
      await visitor.waitForURL(APP_ORIGIN);
      await expect(visitor.locator('#desktopNavbar')).toBeVisible();
    } finally {
      await fresh.close();
    }
  });
});
