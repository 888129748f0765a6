import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { apiError, mockFetch } from '@/testing/mock-fetch';
import { renderWithProviders } from '@/testing/test-utils';

import { RegisterForm } from '../register-form';

async function fillAndSubmit(user: ReturnType<typeof renderWithProviders>['user']) {
  await user.type(screen.getByLabelText(/^Username/), 'dana');
  await user.type(screen.getByLabelText(/^Email/), 'dana@example.test');
  await user.type(screen.getByLabelText(/^Password/), 'danas passphrase');
  await user.type(screen.getByLabelText(/^Confirm password/), 'danas passphrase');
  await user.click(screen.getByRole('button', { name: 'Create account' }));
}

describe('RegisterForm', () => {
  it('registers with the invite token and says when approval is pending', async () => {
    const { calls } = mockFetch([
      {
        method: 'POST',
        path: '/api/auth/register',
        reply: {
          status: 201,
          body: { id: 5, username: 'dana', email: 'dana@example.test', pending_approval: true },
        },
      },
    ]);
    const { user } = renderWithProviders(<RegisterForm inviteToken="kbi_tok" />);
    await fillAndSubmit(user);
    expect(await screen.findByText('Waiting for approval')).toBeInTheDocument();
    expect(calls[0]?.body).toEqual({
      invite_token: 'kbi_tok',
      username: 'dana',
      email: 'dana@example.test',
      password: 'danas passphrase',
    });
  });

  it('invites to sign in when no approval is needed', async () => {
    mockFetch([
      {
        method: 'POST',
        path: '/api/auth/register',
        reply: {
          status: 201,
          body: { id: 5, username: 'dana', email: 'dana@example.test', pending_approval: false },
        },
      },
    ]);
    const { user } = renderWithProviders(<RegisterForm inviteToken="kbi_tok" />);
    await fillAndSubmit(user);
    expect(
      await screen.findByText('You can now sign in with your username and password.'),
    ).toBeInTheDocument();
  });

  it('explains a used or expired invite', async () => {
    mockFetch([
      {
        method: 'POST',
        path: '/api/auth/register',
        reply: apiError(400, 'invalid_invite', 'The invite is not valid.', {
          field: 'invite_token',
        }),
      },
    ]);
    const { user } = renderWithProviders(<RegisterForm inviteToken="kbi_old" />);
    await fillAndSubmit(user);
    expect(await screen.findByText('This invite cannot be used')).toBeInTheDocument();
  });

  it('shows an invite meant for another address at the email field', async () => {
    mockFetch([
      {
        method: 'POST',
        path: '/api/auth/register',
        reply: apiError(
          422,
          'invite_email_mismatch',
          'This invite is for another e-mail address.',
          {
            field: 'email',
          },
        ),
      },
    ]);
    const { user } = renderWithProviders(<RegisterForm inviteToken="kbi_tok" />);
    await fillAndSubmit(user);
    await waitFor(() =>
      expect(screen.getByLabelText(/^Email/)).toHaveAccessibleDescription(
        'This invite is for another e-mail address.',
      ),
    );
    expect(screen.queryByText('This invite cannot be used')).not.toBeInTheDocument();
  });
});
