// First start: with no user yet, every page leads to /setup, which creates the administrator,
// who lands on an empty dashboard signed in. This journey needs a server nobody has set up, so
// it starts its own (the same binary, the same cluster) instead of the suite's.
import path from 'node:path';

import { test as base, expect } from '../fixtures';
import { ADMIN } from '../lib/accounts';
import { ARTIFACTS_DIR } from '../lib/paths';
import { startServer, type KubarrServer } from '../lib/server';

const test = base.extend<{ freshServer: KubarrServer }>({
  freshServer: async ({ kubarr }, use) => {
    const server = await startServer({
      cluster: kubarr.cluster,
      logFile: path.join(ARTIFACTS_DIR, 'server-setup.log'),
    });
    await use(server);
    await server.stop();
  },
  baseURL: async ({ freshServer }, use) => {
    await use(freshServer.baseUrl);
  },
});

test('first start: /setup creates the administrator, who lands on the dashboard', async ({
  page,
  shot,
}) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Welcome to Kubarr' })).toBeVisible();
  await expect(page).toHaveURL(/\/setup$/);
  await shot(page, 'setup');
  await page.getByLabel(/^Username/).fill(ADMIN.username);
  await page.getByLabel(/^Email/).fill(ADMIN.email);
  await page.getByLabel(/^Password/).fill(ADMIN.password);
  await page.getByLabel(/^Confirm password/).fill(ADMIN.password);
  await page.getByRole('button', { name: 'Create administrator' }).click();
  await expect(page.getByRole('heading', { name: 'Dashboard' })).toBeVisible();
  await expect(page.getByText('No apps installed yet')).toBeVisible();
  await shot(page, 'dashboard-empty');
});
