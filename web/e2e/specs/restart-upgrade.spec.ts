// An app's page: restarting replaces its pod and it comes back Running; the upgrade dialog
// offers the values form generated from the chart's schema.
import { expect, test } from '../fixtures';
import { E2E_APPS } from '../lib/accounts';

const APP = E2E_APPS.restart;

test('restart from the app page: a new pod replaces the old and it comes back Running; the upgrade dialog', async ({
  adminPage: page,
  withApp,
  shot,
}) => {
  await withApp(APP);
  await page.goto(`/apps/${APP}`);
  await page.getByRole('tab', { name: 'Pods & events' }).click();
  const pods = page.getByRole('table', { name: 'Pods' });
  await expect(pods.locator('tbody tr td').first()).toHaveText(/\S/);
  await shot(page, 'app-detail');
  const before = ((await pods.locator('tbody tr td').first().textContent()) ?? '').trim();

  await test.step('restart', async () => {
    await page.getByRole('button', { name: 'Restart' }).click();
    const dialog = page.getByRole('dialog', { name: `Restart ${APP}?` });
    await dialog.getByRole('button', { name: 'Restart' }).click();
    await expect(page.getByText(`Restarting ${APP}`)).toBeVisible();
    await expect(pods, `the pod ${before} to be replaced`).not.toContainText(before, {
      timeout: 120_000,
    });
    await expect(
      page.getByRole('heading', { name: APP }).locator('..').getByText('Running', { exact: true }),
    ).toBeVisible({ timeout: 120_000 });
  });

  await test.step('the upgrade dialog offers the values form', async () => {
    await page.getByRole('button', { name: 'Upgrade' }).click();
    const dialog = page.getByRole('dialog', { name: `Upgrade ${APP}` });
    await expect(dialog).toBeVisible();
    await page.getByLabel('Replace the app’s values').check();
    await expect(dialog.locator('fieldset, input[name]').nth(2)).toBeVisible();
    await shot(page, 'app-upgrade-dialog', { fullPage: false });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(dialog).toBeHidden();
  });
});
