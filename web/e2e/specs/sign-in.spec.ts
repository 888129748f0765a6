// Signing in with username and password, out, and in again — in a browser with no session.
import { expect, test } from '../fixtures';
import { ADMIN } from '../lib/accounts';
import { signIn, signOut } from '../lib/ui';

test('sign in with username and password, sign out, sign in again', async ({ page, shot }) => {
  await signIn(page, ADMIN);
  await signOut(page);
  await expect(page).toHaveURL(/\/login$/);
  await shot(page, 'login');
  await signIn(page, ADMIN);
  await expect(page.getByRole('button', { name: /Account menu/ })).toContainText(ADMIN.username);
});
