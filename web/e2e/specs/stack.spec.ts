// Stack wiring: an administrator installs Sonarr before its process is up, finds on the Stack
// page that Kubarr could not set up its root folder yet, and once Sonarr answers, repairs the
// link from its details: the page turns it Connected through the event stream, and Sonarr (a
// contract double holding the API key Kubarr generated for it) has the root folder. Turning the
// link off shows it Off and leaves Sonarr's folder alone.
import path from 'node:path';

import type { APIRequestContext } from '@playwright/test';

import { expect, test } from '../fixtures';
import { E2E_STACK_APP } from '../lib/accounts';
import { appCredential } from '../lib/cluster';
import { startArrDouble, type RunningDouble } from '../lib/doubles';
import { ARTIFACTS_DIR } from '../lib/paths';
import { markNoReload, navTo, wasNotReloaded } from '../lib/ui';

const APP = E2E_STACK_APP;
const TITLE = 'Sonarr';
const LINK = `${APP}:root-folder:${APP}`;
const port = Number(process.env.KUBARR_E2E_STACK_PORT);

test.skip(!port, 'the global setup reserves the arr port (KUBARR_E2E_STACK_PORT)');

let sonarr: RunningDouble | undefined;

test.afterEach(async () => {
  await sonarr?.stop();
  sonarr = undefined;
});

interface RootFolder {
  path: string;
}

async function rootFolders(double: RunningDouble, apiKey: string): Promise<string[]> {
  const response = await fetch(`${double.url}/api/v3/rootfolder`, {
    headers: { 'X-Api-Key': apiKey },
  });
  if (!response.ok) throw new Error(`GET /api/v3/rootfolder: HTTP ${response.status}`);
  return ((await response.json()) as RootFolder[]).map((folder) => folder.path.replace(/\/$/, ''));
}

async function linkState(api: APIRequestContext): Promise<string | undefined> {
  const response = await api.get('/api/stack/wiring');
  if (!response.ok()) throw new Error(`GET /api/stack/wiring: HTTP ${response.status()}`);
  const body = (await response.json()) as { links: { id: string; state: string }[] };
  return body.links.find((link) => link.id === LINK)?.state;
}

test('a link Kubarr could not set up is repaired from the Stack page once the app answers', async ({
  adminPage: page,
  adminApi,
  withApp,
  kubarr,
  shot,
}) => {
  await withApp(APP);
  // Its pod is Ready but nothing answers on its address yet: the first attempt fails.
  await expect
    .poll(() => linkState(adminApi), { message: 'the root folder link failed', timeout: 60_000 })
    .toBe('failed');

  await page.goto('/');
  await navTo(page, 'Stack');
  await expect(page.getByRole('heading', { name: 'Stack', exact: true })).toBeVisible();
  await expect(page.getByRole('group', { name: 'Stack diagram' })).toBeVisible();
  const links = page.getByRole('list', { name: 'All links' });
  const row = links.locator(`[data-link="${LINK}"]`);
  await expect(row).toHaveAccessibleName(`${TITLE}, Root folder: Failed`);
  await expect(row).toContainText('cannot reach');
  await markNoReload(page);
  await shot(page, 'stack-failed');

  const apiKey = await appCredential(kubarr.cluster, APP, 'api-key');
  sonarr = await startArrDouble(APP, port, apiKey, path.join(ARTIFACTS_DIR, `double-${APP}.log`));
  expect(await rootFolders(sonarr, apiKey)).toEqual([]);

  await row.click();
  const dialog = page.getByRole('dialog', { name: TITLE });
  await expect(dialog).toContainText('Root folder');
  await expect(dialog).toContainText(`Message from ${TITLE}`);
  await shot(page, 'stack-link-dialog', { fullPage: false });
  const repairedFrom = new Date().toISOString();
  await dialog.getByRole('button', { name: 'Repair', exact: true }).click();
  await expect(page.getByText('Repair started')).toBeVisible();

  // The attempt runs in the background; its outcome reaches the open page and its dialog
  // through the event stream.
  await expect(dialog.getByText('Connected', { exact: true })).toBeVisible({ timeout: 30_000 });
  await expect(dialog).not.toContainText(`Message from ${TITLE}`);
  await dialog.getByRole('button', { name: 'Close', exact: true }).click();
  await expect(row).toHaveAccessibleName(`${TITLE}, Root folder: Connected`);
  expect(await wasNotReloaded(page), 'the Stack page was not reloaded').toBe(true);
  await shot(page, 'stack-connected');

  // What the user would check in Sonarr itself: the folder is there.
  expect(await rootFolders(sonarr, apiKey)).toEqual(['/data/media/tv']);
  // The repair is on record as the administrator's.
  const audit = await adminApi.get(
    `/api/audit?action=wiring_link_repaired&since=${encodeURIComponent(repairedFrom)}`,
  );
  expect(audit.ok()).toBe(true);
  expect(JSON.stringify(await audit.json())).toContain(LINK);

  // Off: Kubarr leaves the folder alone from now on, and says so.
  await row.click();
  await dialog.getByRole('button', { name: 'Disable', exact: true }).click();
  await expect(dialog.getByText('Off', { exact: true })).toBeVisible();
  await dialog.getByRole('button', { name: 'Close', exact: true }).click();
  await expect(row).toHaveAccessibleName(`${TITLE}, Root folder: Off`);
  expect(await linkState(adminApi)).toBe('disabled');
  expect(await rootFolders(sonarr, apiKey)).toEqual(['/data/media/tv']);
  await shot(page, 'stack-off');
});
