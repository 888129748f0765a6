// Two-factor authentication as a person sets it up: the QR code drawn in the page decodes to the
// otpauth URI, a code from it turns 2FA on, ten recovery codes are shown once, and the next
// sign-in asks for a code. Done with an administrator of its own, so no other journey's sign-in
// meets a 2FA prompt.
import { expect, test } from '../fixtures';
import { createUser, deleteUser } from '../lib/api';
import { readQrCode } from '../lib/qr';
import { timeStep, totp } from '../lib/totp';
import { signIn, signOut, type Account } from '../lib/ui';

const ACCOUNT: Account = {
  username: 'twofactor',
  email: 'twofactor@example.test',
  password: 'e2e two-factor passphrase',
};

test('enrol 2FA from the QR code, then sign in with a TOTP code', async ({
  page,
  adminApi,
  shot,
}) => {
  const user = await createUser(adminApi, { ...ACCOUNT, role: 'admin' });
  try {
    await signIn(page, ACCOUNT);

    const secret =
      await test.step('the QR code drawn in the page decodes to the otpauth URI', async () => {
        await page.goto('/account');
        await page.getByRole('button', { name: 'Set up two-factor authentication' }).click();
        await expect(page.getByTestId('totp-secret')).toBeVisible();
        const secret = ((await page.getByTestId('totp-secret').textContent()) ?? '').replace(
          /\s+/g,
          '',
        );
        await expect(page.getByRole('img', { name: /QR code to add Kubarr/ })).toBeVisible();
        const decoded = await readQrCode(page);
        expect(decoded).toMatch(/^otpauth:\/\/totp\//);
        expect(decoded).toContain(`secret=${secret}`);
        await shot(page, 'account-2fa-enrol');
        return secret;
      });

    const enrolStep = timeStep();
    await test.step('the password and a code turn it on; ten recovery codes are shown once', async () => {
      await page.getByLabel('Your password').fill(ACCOUNT.password);
      await page.getByLabel('Code from your authenticator app').fill(totp(secret, enrolStep));
      await page.getByRole('button', { name: 'Turn on' }).click();
      const codes = page.getByRole('list', { name: 'Recovery codes' });
      await expect(codes.getByRole('listitem')).toHaveCount(10);
      await shot(page, 'account-recovery-codes');
      await page.getByRole('button', { name: 'I have saved them' }).click();
      await expect(page.getByText(/Two-factor authentication is\s+on/).first()).toBeVisible();
    });

    await test.step('sign out and in again: the sign-in asks for a code', async () => {
      await signOut(page);
      await signIn(page, ACCOUNT, {
        totpSecret: secret,
        afterStep: enrolStep,
        atCodePrompt: () => shot(page, 'login-2fa'),
      });
    });
  } finally {
    await deleteUser(adminApi, user.id);
  }
});
