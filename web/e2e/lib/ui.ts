// What a person does over and over in the SPA: sign in and out, use the main navigation, find an
// app's card on the dashboard. Each step waits for what the person would see next.
import { expect, type Locator, type Page } from '@playwright/test';

import { timeStep, totp } from './totp';

export interface Account {
  username: string;
  email: string;
  password: string;
}

/** Signs in from the login page; with a TOTP secret, answers the 2FA prompt with a fresh code. */
export async function signIn(
  page: Page,
  account: Account,
  {
    totpSecret,
    afterStep = -1,
    atCodePrompt,
    landsOn = 'Dashboard',
  }: {
    totpSecret?: string;
    /** The heading of the page the account lands on (members without apps.view: Apps). */
    landsOn?: string;
    /** The last time step whose code was used: a code is accepted once. */
    afterStep?: number;
    /** Runs while the 2FA prompt is on screen (a screenshot, say). */
    atCodePrompt?: () => Promise<void>;
  } = {},
): Promise<number | null> {
  await page.goto('/login');
  await expect(page.getByRole('heading', { name: 'Sign in to Kubarr' })).toBeVisible();
  await page.getByLabel('Username or email').fill(account.username);
  await page.getByLabel('Password').fill(account.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  if (!totpSecret) {
    await expect(page.getByRole('heading', { name: landsOn, exact: true })).toBeVisible();
    return null;
  }
  const codeField = page.getByLabel('Authentication code');
  await expect(codeField).toBeVisible();
  await atCodePrompt?.();
  // A code is accepted once: wait for a time step after the last one used.
  await expect
    .poll(() => timeStep(), { message: 'a fresh TOTP time step', timeout: 35_000 })
    .toBeGreaterThan(afterStep);
  const step = timeStep();
  await codeField.fill(totp(totpSecret, step));
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByRole('heading', { name: landsOn, exact: true })).toBeVisible();
  return step;
}

export async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: /Account menu/ }).click();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('heading', { name: 'Sign in to Kubarr' })).toBeVisible();
}

/** Navigates inside the SPA (no reload) through the main navigation, opening the drawer on phones. */
export async function navTo(page: Page, label: string): Promise<void> {
  const nav = page.getByRole('navigation', { name: 'Main' });
  const openDrawer = page.getByRole('button', { name: 'Open navigation' });
  // Wide screens show the navigation, phones a button that opens it: wait for one of them.
  await expect(nav.or(openDrawer).first()).toBeVisible();
  if (!(await nav.isVisible())) await openDrawer.click();
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: label })
    .first()
    .click();
}

/** An app's card on the dashboard (its item in the "Installed apps" list). */
export function appCard(page: Page, name: string): Locator {
  return page
    .getByRole('list', { name: 'Installed apps' })
    .getByRole('listitem')
    .filter({ has: page.getByRole('link', { name: `Details of ${name}`, exact: true }) });
}

/** Marks the page so a later check can tell it was not reloaded in between. */
export async function markNoReload(page: Page): Promise<void> {
  await page.evaluate(() => {
    (window as unknown as { kubarrE2eNoReload?: boolean }).kubarrE2eNoReload = true;
  });
}

export async function wasNotReloaded(page: Page): Promise<boolean> {
  return page.evaluate(
    () => (window as unknown as { kubarrE2eNoReload?: boolean }).kubarrE2eNoReload === true,
  );
}

/** Calls the API from inside the page: the same cookie, origin and CSRF rule as the SPA. */
export async function apiFromPage(
  page: Page,
  method: string,
  url: string,
  body?: unknown,
): Promise<{ status: number; text: string }> {
  return page.evaluate(
    async ({ method, url, body }) => {
      const response = await fetch(url, {
        method,
        credentials: 'same-origin',
        headers: {
          Accept: 'application/json',
          ...(method === 'GET' ? {} : { 'X-Kubarr-Csrf': '1' }),
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, text: await response.text() };
    },
    { method, url, body },
  );
}
