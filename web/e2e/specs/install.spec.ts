// Installing an app from the catalog while a second tab sits on the dashboard: the app must
// appear there and reach Running through the status stream alone, without a reload.
import { expect, test } from '../fixtures';
import { E2E_APPS } from '../lib/accounts';
import { uninstallApp } from '../lib/api';
import { appCard, markNoReload, navTo, wasNotReloaded } from '../lib/ui';

const APP = E2E_APPS.install;
const TITLE = 'Sonarr';

test.afterEach(async ({ adminApi }) => {
  await uninstallApp(adminApi, APP);
});

test('install Sonarr from the catalog; the dashboard shows it Running without a reload', async ({
  adminPage: page,
  shot,
}) => {
  const dashboard = await page.context().newPage();
  await dashboard.goto('/');
  await expect(dashboard.getByText('No apps installed yet')).toBeVisible();
  await markNoReload(dashboard);

  await page.bringToFront();
  await page.goto('/');
  await navTo(page, 'Catalog');
  await expect(page.getByRole('heading', { name: 'Catalog' })).toBeVisible();
  await page.getByRole('button', { name: `Install ${TITLE}` }).click();
  const dialog = page.getByRole('dialog', { name: `Install ${TITLE}` });
  await expect(dialog.locator('form input, form select').first()).toBeVisible();
  await shot(page, 'catalog-install-dialog', { fullPage: false });
  const clicked = Date.now();
  await dialog.getByRole('button', { name: 'Install', exact: true }).click();
  await expect(page.getByText(`Installing ${TITLE}`)).toBeVisible();
  await shot(page, 'catalog');

  // Every state the dashboard tab shows, until Running with its pod ready.
  const card = appCard(dashboard, APP);
  const seen: string[] = [];
  await expect
    .poll(
      async () => {
        const badge = await card
          .locator('[data-tone]')
          .first()
          .textContent({ timeout: 500 })
          .catch(() => null);
        if (badge && seen.at(-1) !== badge) seen.push(badge);
        return badge === 'Running' && ((await card.textContent()) ?? '').includes('1/1');
      },
      { message: `${TITLE} Running on the dashboard tab`, timeout: 240_000, intervals: [100] },
    )
    .toBe(true);
  const seconds = ((Date.now() - clicked) / 1000).toFixed(1);
  console.log(`  · the dashboard tab showed ${seen.join(' → ')} within ${seconds} s of Install`);
  expect(await wasNotReloaded(dashboard), 'the dashboard tab was not reloaded').toBe(true);
  // The card is titled and drawn from the catalog entry.
  await expect(card.getByRole('heading', { name: TITLE, exact: true })).toBeVisible();
  await expect(card.locator('img')).toHaveAttribute('src', `/api/apps/catalog/${APP}/icon`);
  await dashboard.bringToFront();
  await shot(dashboard, 'dashboard');
  await dashboard.close();

  await page.bringToFront();
  await navTo(page, 'Dashboard');
  await expect(appCard(page, APP)).toBeVisible();
});
