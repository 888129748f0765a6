// Following an app's log: a line written to the pod's log after the stream opened appears in the
// viewer, and searching the loaded lines finds and highlights it.
import { expect, test } from '../fixtures';
import { E2E_APPS } from '../lib/accounts';
import { appendPodLog } from '../lib/cluster';
import { appCard } from '../lib/ui';

const APP = E2E_APPS.logs;

test('logs: a line appended to the pod log appears live in the viewer, and search finds it', async ({
  adminPage: page,
  kubarr,
  withApp,
  shot,
}) => {
  await withApp(APP);
  await page.goto('/');
  await appCard(page, APP)
    .getByRole('link', { name: `Logs of ${APP}` })
    .click();
  await expect(page).toHaveURL(new RegExp(`/apps/${APP}\\?tab=logs$`));
  const viewer = page.getByRole('log', { name: 'Log lines' });
  await expect(viewer).toBeVisible();
  await expect(page.getByText('Live', { exact: true })).toBeVisible();

  const marker = `kubarr-e2e-${Date.now().toString(36)}`;
  // Written after the stream opened, so it can only arrive by following. Written again on every
  // poll: the log file is read from its end, and the first line may land before the reader does.
  await expect
    .poll(
      async () => {
        appendPodLog(kubarr.cluster, `${marker} hello from the e2e suite`);
        return viewer.getByText(marker).first().isVisible();
      },
      { message: `the line ${marker} in the viewer`, timeout: 60_000, intervals: [1_000] },
    )
    .toBe(true);

  const search = page.getByLabel('Search the loaded lines');
  await search.fill(marker);
  await expect(viewer.locator('mark', { hasText: marker }).first()).toBeVisible();
  await search.press('Enter');
  await expect(page.getByText(/^1 of \d+$/)).toBeVisible();
  await shot(page, 'app-logs', { fullPage: false });
  await search.fill('');
  await expect(viewer.locator('mark')).toHaveCount(0);
});
