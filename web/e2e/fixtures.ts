// The suite's `test`: Playwright's, plus what every journey needs from the server under test.
//
// - `kubarr`: the server the global setup started (its URL; `baseURL` points at it) and the
//   test cluster.
// - `adminApi`: an API client with the administrator's session, for arranging and cleaning up.
// - `adminPage`: a page signed in as the administrator (the session the global setup saved).
// - `withApp(name)`: the app installed through the API (Running, every pod Ready) for this test,
//   uninstalled with its data when the test ends however it ended.
// - `shot(page, name)`: a full-page screenshot kept in e2e-artifacts/screenshots/<spec>/ and
//   attached to the report.
// - Every page of the test's contexts is watched for uncaught errors: any fails the test.
import { mkdirSync } from 'node:fs';
import path from 'node:path';

import { test as base, expect, type APIRequestContext, type Page } from '@playwright/test';

import { apiContext, installApp, uninstallApp } from './lib/api';
import { clusterFromEnv, type TestCluster } from './lib/cluster';
import { ADMIN_STORAGE_STATE, SCREENSHOTS_DIR } from './lib/paths';

export interface Kubarr {
  baseUrl: string;
  cluster: TestCluster;
}

type Shot = (page: Page, name: string, options?: { fullPage?: boolean }) => Promise<void>;

interface Fixtures {
  adminApi: APIRequestContext;
  withApp: (app: string) => Promise<void>;
  adminPage: Page;
  shot: Shot;
  pageErrors: string[];
}

interface WorkerFixtures {
  kubarr: Kubarr;
}

export const test = base.extend<Fixtures, WorkerFixtures>({
  kubarr: [
    // eslint-disable-next-line no-empty-pattern -- Playwright reads the fixtures a fixture uses from its first parameter
    async ({}, use) => {
      const baseUrl = process.env.KUBARR_E2E_BASE_URL;
      if (!baseUrl)
        throw new Error('KUBARR_E2E_BASE_URL is not set: run the suite with `npm run e2e`');
      await use({ baseUrl, cluster: clusterFromEnv() });
    },
    { scope: 'worker' },
  ],

  baseURL: async ({ kubarr }, use) => {
    await use(kubarr.baseUrl);
  },

  pageErrors: [
    async ({ context }, use) => {
      const errors: string[] = [];
      const watch = (page: Page) => {
        page.on('pageerror', (error) => errors.push(`${page.url()}: ${error.message}`));
      };
      context.pages().forEach(watch);
      context.on('page', watch);
      await use(errors);
      // After the test: no page of it threw an uncaught error (what the user would have hit).
      expect(errors, 'uncaught errors in the pages').toEqual([]);
    },
    { auto: true },
  ],

  adminApi: async ({ kubarr }, use) => {
    const api = await apiContext(kubarr.baseUrl, ADMIN_STORAGE_STATE);
    await use(api);
    await api.dispose();
  },

  withApp: async ({ adminApi }, use) => {
    const installed: string[] = [];
    await use(async (app) => {
      installed.push(app);
      await installApp(adminApi, app);
    });
    for (const app of installed) await uninstallApp(adminApi, app);
  },

  adminPage: async ({ browser, kubarr, pageErrors }, use) => {
    const context = await browser.newContext({
      baseURL: kubarr.baseUrl,
      storageState: ADMIN_STORAGE_STATE,
    });
    context.on('page', (page) => {
      page.on('pageerror', (error) => pageErrors.push(`admin ${page.url()}: ${error.message}`));
    });
    const page = await context.newPage();
    await use(page);
    await context.close();
  },

  // eslint-disable-next-line no-empty-pattern -- Playwright reads the fixtures a fixture uses from its first parameter
  shot: async ({}, use, testInfo) => {
    const spec = path.basename(testInfo.file).replace(/\.spec\.ts$/, '');
    const dir = path.join(SCREENSHOTS_DIR, spec);
    mkdirSync(dir, { recursive: true });
    let count = 0;
    await use(async (page, name, options = {}) => {
      count += 1;
      const file = path.join(dir, `${String(count).padStart(2, '0')}-${name}.png`);
      await page.screenshot({ path: file, fullPage: options.fullPage ?? true });
      await testInfo.attach(name, { path: file, contentType: 'image/png' });
    });
  },
});

export { expect };
