import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { apiError, mockFetch } from '@/testing/mock-fetch';
import { makeUser, renderWithProviders } from '@/testing/test-utils';

import { groupSecret, TwoFactorSection } from '../two-factor-section';

const setup = {
  secret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP',
  otpauth_uri: 'otpauth://totp/Kubarr:alice?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Kubarr',
};
const codes = Array.from({ length: 10 }, (_, i) => `code-${i}-abcd`);

describe('TwoFactorSection', () => {
  it('enrols: QR code drawn locally, key for manual entry, code check, recovery codes once', async () => {
    const { calls } = mockFetch([
      { method: 'POST', path: '/api/users/me/2fa/setup', reply: { body: setup } },
      {
        method: 'POST',
        path: '/api/users/me/2fa/enable',
        reply: (request) =>
          (request.body as { code: string }).code === '123456'
            ? { body: { recovery_codes: codes } }
            : apiError(400, 'invalid_code', 'The code is not valid.', { field: 'code' }),
      },
      { path: '/api/auth/me', reply: { body: makeUser({ totp_enabled: true }) } },
    ]);
    const { user } = renderWithProviders(<TwoFactorSection user={makeUser()} />, {
      user: makeUser(),
    });

    await user.click(screen.getByRole('button', { name: 'Set up two-factor authentication' }));
    const qr = await screen.findByRole('img', { name: /QR code/ });
    expect(qr.querySelector('path')?.getAttribute('d')).toMatch(/^M\d+ \d+h1v1h-1z/);
    expect(screen.getByTestId('totp-secret')).toHaveTextContent(
      'JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP',
    );
    // Nothing but the API was asked for: the QR code is not fetched from anywhere.
    expect(calls.map((c) => c.path)).toEqual(['/api/users/me/2fa/setup']);

    const field = screen.getByLabelText(/Code from your authenticator app/);
    const password = screen.getByLabelText(/Your password/);
    await user.click(screen.getByRole('button', { name: 'Turn on' }));
    expect(field).toHaveAccessibleDescription(
      'Enter the 6-digit code from your authenticator app.',
    );
    expect(password).toHaveAccessibleDescription('Enter your password.');
    await user.click(password);
    await user.paste('my passphrase');
    await user.type(field, '12345');
    await user.click(screen.getByRole('button', { name: 'Turn on' }));
    expect(field).toHaveAccessibleDescription('The code has 6 digits.');

    await user.clear(field);
    await user.type(field, '654321');
    await user.click(screen.getByRole('button', { name: 'Turn on' }));
    await waitFor(() => expect(field).toHaveAccessibleDescription('The code is not valid.'));

    await user.clear(field);
    await user.type(field, '123 456');
    await user.click(screen.getByRole('button', { name: 'Turn on' }));
    const list = await screen.findByRole('list', { name: 'Recovery codes' });
    expect(within(list).getAllByRole('listitem')).toHaveLength(10);
    expect(calls.filter((c) => c.path === '/api/users/me/2fa/enable').at(-1)?.body).toEqual({
      password: 'my passphrase',
      code: '123456',
    });
    expect(screen.getByRole('button', { name: 'Copy all codes' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Download .txt' })).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'I have saved them' }));
    expect(screen.queryByRole('list', { name: 'Recovery codes' })).not.toBeInTheDocument();
  }, 15_000);

  it('turns 2FA off with password and code', async () => {
    const { calls } = mockFetch([
      { method: 'POST', path: '/api/users/me/2fa/disable', reply: { status: 204 } },
      { path: '/api/auth/me', reply: { body: makeUser({ totp_enabled: false }) } },
    ]);
    const enabled = makeUser({ totp_enabled: true });
    const { user } = renderWithProviders(<TwoFactorSection user={enabled} />, { user: enabled });
    expect(screen.getByText(/is/)).toHaveTextContent('Two-factor authentication is on.');
    await user.click(screen.getByRole('button', { name: 'Turn off…' }));
    await user.click(screen.getByRole('button', { name: 'Turn off two-factor authentication' }));
    expect(screen.getByLabelText(/^Password/)).toHaveAccessibleDescription('Enter your password.');
    await user.type(screen.getByLabelText(/^Password/), 'secret pass');
    await user.type(screen.getByLabelText(/Code from your authenticator app/), '111222');
    await user.click(screen.getByRole('button', { name: 'Turn off two-factor authentication' }));
    await waitFor(() =>
      expect(calls.find((c) => c.path === '/api/users/me/2fa/disable')?.body).toEqual({
        password: 'secret pass',
        code: '111222',
      }),
    );
  });

  it('warns when a role requires 2FA', () => {
    mockFetch([]);
    const required = makeUser({ two_factor_enrollment_required: true });
    renderWithProviders(<TwoFactorSection user={required} />, { user: required });
    expect(screen.getByText('Two-factor authentication is required')).toBeInTheDocument();
  });

  it('groups a secret in fours', () => {
    expect(groupSecret('ABCDEFGHIJ')).toBe('ABCD EFGH IJ');
    expect(groupSecret('ABCD')).toBe('ABCD');
  });
});
