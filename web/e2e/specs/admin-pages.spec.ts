// The administrator's pages with live data: users, roles (the permission matrix), the audit log
// (an install recorded, its details open), settings (NFS media storage saved), the account with
// its sessions, the dashboard at phone width, and an app's page in the dark theme.
import { expect, test } from '../fixtures';
import { ADMIN, E2E_APPS } from '../lib/accounts';
import { getSetting, putSetting } from '../lib/api';
import { appCard, navTo } from '../lib/ui';

const APP = E2E_APPS.pages;

test('users, roles, audit, settings and account pages render with live data', async ({
  adminPage: page,
  adminApi,
  withApp,
  shot,
}) => {
  await withApp(APP);
  // The NFS share saved below is put back afterwards: apps installed later must not mount it.
  const storage = await getSetting(adminApi, 'media_storage');
  try {
    await page.goto('/');

    await test.step('users', async () => {
      await navTo(page, 'Users');
      await expect(page.getByRole('table', { name: 'Users' }).getByText(ADMIN.email)).toBeVisible();
      await shot(page, 'users');
    });

    await test.step('roles', async () => {
      await navTo(page, 'Roles');
      await expect(page.getByRole('table', { name: 'Permissions of each role' })).toBeVisible();
      await shot(page, 'roles');
    });

    await test.step('audit log', async () => {
      await navTo(page, 'Audit log');
      await expect(
        page
          .getByRole('table', { name: /Audit log/ })
          .getByText('App installed')
          .first(),
      ).toBeVisible();
      await page
        .getByRole('button', { name: /^Details/ })
        .first()
        .click();
      await shot(page, 'audit');
    });

    await test.step('settings: NFS media storage saved', async () => {
      await navTo(page, 'Settings');
      await expect(page.getByRole('heading', { name: 'Media storage' })).toBeVisible();
      await page.getByLabel('NFS share').check();
      await page.getByLabel('NFS server').fill('nas.local');
      await page.getByLabel('Export path').fill('/export/media');
      await page
        .getByRole('region', { name: 'Media storage' })
        .getByRole('button', { name: 'Save' })
        .click();
      await expect(page.getByText('Media storage saved')).toBeVisible();
      await shot(page, 'settings');
      expect(await getSetting(adminApi, 'media_storage')).toMatchObject({
        type: 'nfs',
        nfs_server: 'nas.local',
        nfs_path: '/export/media',
      });
    });

    await test.step('account and its sessions', async () => {
      await page.goto('/account');
      await expect(page.getByText('This device')).toBeVisible();
      await shot(page, 'account');
    });

    await test.step('the dashboard at phone width', async () => {
      await page.setViewportSize({ width: 390, height: 844 });
      await page.goto('/');
      await expect(appCard(page, APP)).toBeVisible();
      await shot(page, 'dashboard-phone');
      await page.setViewportSize({ width: 1280, height: 860 });
    });

    await test.step('the app page in the dark theme', async () => {
      await page.goto(`/apps/${APP}`);
      await page.getByRole('button', { name: 'Switch to dark theme' }).click();
      await expect(page.locator('html.dark')).toBeAttached();
      await expect(page.getByRole('table', { name: 'Pods' })).toBeVisible();
      // Colours fade between themes: wait for the transitions to finish.
      await page.waitForFunction(
        () => document.getAnimations().every((a) => !(a instanceof CSSTransition)),
        null,
        { timeout: 5_000 },
      );
      await shot(page, 'app-detail-dark', { fullPage: false });
      await page.getByRole('button', { name: 'Switch to light theme' }).click();
      await expect(page.locator('html.dark')).not.toBeAttached();
    });
  } finally {
    await putSetting(adminApi, 'media_storage', storage);
  }
});
