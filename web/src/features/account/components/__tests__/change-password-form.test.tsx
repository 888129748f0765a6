import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { apiError, mockFetch } from '@/testing/mock-fetch';
import { makeUser, renderWithProviders } from '@/testing/test-utils';

import { ChangePasswordForm } from '../change-password-form';

describe('ChangePasswordForm', () => {
  it('checks the fields before asking the server', async () => {
    const { calls } = mockFetch([]);
    const { user } = renderWithProviders(<ChangePasswordForm />, { user: makeUser() });
    await user.click(screen.getByRole('button', { name: 'Change password' }));
    expect(screen.getByLabelText(/^Current password/)).toHaveAccessibleDescription(
      'Enter your current password.',
    );
    await user.type(screen.getByLabelText(/^Current password/), 'old password');
    await user.type(screen.getByLabelText(/^New password/), 'short');
    await user.click(screen.getByRole('button', { name: 'Change password' }));
    expect(screen.getByLabelText(/^New password/)).toHaveAccessibleDescription(
      /Use at least 8 characters/,
    );
    await user.type(screen.getByLabelText(/^New password/), ' but longer');
    await user.type(screen.getByLabelText(/^Confirm the new password/), 'different');
    await user.click(screen.getByRole('button', { name: 'Change password' }));
    expect(screen.getByLabelText(/^Confirm the new password/)).toHaveAccessibleDescription(
      'The passwords do not match.',
    );
    expect(calls).toHaveLength(0);
  });

  it('sends the change, and shows a wrong current password next to that field', async () => {
    let attempts = 0;
    const { calls } = mockFetch([
      {
        method: 'PUT',
        path: '/api/users/me/password',
        reply: () =>
          ++attempts === 1
            ? apiError(400, 'invalid_credentials', 'The current password is not correct.', {
                field: 'current_password',
              })
            : { status: 204 },
      },
      { path: '/api/auth/sessions', reply: { body: [] } },
    ]);
    const { user } = renderWithProviders(<ChangePasswordForm />, { user: makeUser() });
    await user.type(screen.getByLabelText(/^Current password/), 'wrong one');
    await user.type(screen.getByLabelText(/^New password/), 'a new passphrase');
    await user.type(screen.getByLabelText(/^Confirm the new password/), 'a new passphrase');
    await user.click(screen.getByRole('button', { name: 'Change password' }));
    await waitFor(() =>
      expect(screen.getByLabelText(/^Current password/)).toHaveAccessibleDescription(
        'The current password is not correct.',
      ),
    );
    await user.clear(screen.getByLabelText(/^Current password/));
    await user.type(screen.getByLabelText(/^Current password/), 'right one');
    await user.click(screen.getByRole('button', { name: 'Change password' }));
    expect(await screen.findByText('Password changed')).toBeInTheDocument();
    expect(calls.filter((c) => c.method === 'PUT').at(-1)?.body).toEqual({
      current_password: 'right one',
      new_password: 'a new passphrase',
    });
    expect(screen.getByLabelText(/^New password/)).toHaveValue('');
  });
});
