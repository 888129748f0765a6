// Uninstalling an app with its data from its page: the name must be typed first, and the card
// leaves the dashboard live, without a reload.
import { expect, test } from '../fixtures';
import { E2E_APPS } from '../lib/accounts';
import { appCard, markNoReload, wasNotReloaded } from '../lib/ui';

const APP = E2E_APPS.uninstall;

test('uninstall with its data; it leaves the dashboard live', async ({
  adminPage: page,
  withApp,
  shot,
}) => {
  await withApp(APP);
  await page.goto(`/apps/${APP}`);
  await page.getByRole('button', { name: 'Uninstall' }).click();
  const dialog = page.getByRole('dialog', { name: `Uninstall ${APP}?` });
  const confirm = dialog.getByRole('button', { name: 'Uninstall' });
  await expect(confirm, 'Uninstall before the name is typed').toBeDisabled();
  await dialog.getByLabel('Keep the app’s data').uncheck();
  await dialog.getByLabel(/^Type/).fill(APP);
  await shot(page, 'app-uninstall-dialog', { fullPage: false });
  await confirm.click();
  await expect(page).toHaveURL(/\/$/);
  await markNoReload(page);
  // Gone once helm and the namespace are: the status stream takes the card away.
  await expect(page.getByText('No apps installed yet')).toBeVisible({ timeout: 180_000 });
  await expect(appCard(page, APP)).toHaveCount(0);
  expect(await wasNotReloaded(page), 'the dashboard was not reloaded').toBe(true);
  await shot(page, 'dashboard-after-uninstall');
});
