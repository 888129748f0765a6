// An invite link lets someone register in their own browser; as a viewer they see the installed
// app and the catalog but are offered no install, restart or uninstall — and the API refuses
// those too.
import { expect, test } from '../fixtures';
import { E2E_APPS } from '../lib/accounts';
import { deleteUser, findUser } from '../lib/api';
import { apiFromPage, appCard, navTo, signIn, type Account } from '../lib/ui';

const APP = E2E_APPS.viewer;
const VIEWER: Account = {
  username: 'viewer1',
  email: 'viewer1@example.test',
  password: 'e2e viewer passphrase',
};

test.afterEach(async ({ adminApi }) => {
  const viewer = await findUser(adminApi, VIEWER.username);
  if (viewer) await deleteUser(adminApi, viewer.id);
});

test('an invited viewer registers, is offered no install, restart or uninstall, and the API refuses them', async ({
  adminPage: page,
  browser,
  kubarr,
  pageErrors,
  withApp,
  shot,
}) => {
  await withApp(APP);

  const inviteLink = await test.step('the administrator creates an invite', async () => {
    await page.goto('/invites');
    await page.getByRole('button', { name: 'Create invite' }).click();
    const link = page.getByLabel('Invite link');
    await expect(link).toHaveValue(/\/register\?invite=/);
    await shot(page, 'invites');
    return link.inputValue();
  });

  // Another person, another browser: no cookie of the administrator's.
  const context = await browser.newContext({ baseURL: kubarr.baseUrl });
  context.on('page', (p) => {
    p.on('pageerror', (error) => pageErrors.push(`viewer ${p.url()}: ${error.message}`));
  });
  const v = await context.newPage();
  try {
    await test.step('the invite link registers the viewer, who signs in', async () => {
      await v.goto(inviteLink);
      await expect(v.getByRole('heading', { name: 'Create your account' })).toBeVisible();
      await v.getByLabel(/^Username/).fill(VIEWER.username);
      await v.getByLabel(/^Email/).fill(VIEWER.email);
      await v.getByLabel(/^Password/).fill(VIEWER.password);
      await v.getByLabel(/^Confirm password/).fill(VIEWER.password);
      await shot(v, 'register');
      await v.getByRole('button', { name: 'Create account' }).click();
      await expect(v.getByRole('heading', { name: 'Account created' })).toBeVisible();
      await signIn(v, VIEWER);
    });

    await test.step('the dashboard: the app Running, nothing to manage', async () => {
      const card = appCard(v, APP);
      await expect(card.getByText('Running', { exact: true })).toBeVisible();
      await expect(v.getByRole('link', { name: 'Install apps' })).toHaveCount(0);
      const nav = v.getByRole('navigation', { name: 'Main' });
      for (const hidden of ['Users', 'Invites', 'Roles', 'Audit log', 'Settings']) {
        await expect(nav.getByRole('link', { name: hidden }), `no ${hidden} section`).toHaveCount(
          0,
        );
      }
      await shot(v, 'viewer-dashboard');
    });

    await test.step('the catalog: entries, no Install buttons', async () => {
      await navTo(v, 'Catalog');
      await expect(v.getByRole('heading', { name: 'Catalog' })).toBeVisible();
      await expect(v.getByText('Sonarr').first()).toBeVisible();
      await expect(v.getByRole('button', { name: /^Install / })).toHaveCount(0);
      await shot(v, 'viewer-catalog');
    });

    await test.step('the app page: pods, no Upgrade, Restart or Uninstall', async () => {
      await v.goto(`/apps/${APP}`);
      await expect(v.getByRole('heading', { name: APP })).toBeVisible();
      await expect(v.getByRole('table', { name: 'Pods' })).toBeVisible();
      for (const action of ['Upgrade', 'Restart', 'Uninstall']) {
        await expect(v.getByRole('button', { name: action }), `no ${action}`).toHaveCount(0);
      }
      await shot(v, 'viewer-app-detail');
    });

    await test.step('the API refuses install, uninstall and restart', async () => {
      const calls = {
        install: await apiFromPage(v, 'POST', '/api/apps/install', { app_name: 'transmission' }),
        uninstall: await apiFromPage(v, 'DELETE', `/api/apps/${APP}?delete_data=true`),
        restart: await apiFromPage(v, 'POST', `/api/apps/${APP}/restart`),
      };
      for (const [what, call] of Object.entries(calls)) {
        expect([403, 404], `the API's answer to the viewer's ${what}: ${call.text}`).toContain(
          call.status,
        );
      }
    });
  } finally {
    await context.close();
  }
});
