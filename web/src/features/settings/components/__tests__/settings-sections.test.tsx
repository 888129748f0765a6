import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import type { SettingValues } from '@/api/types';
import { apiError, mockFetch } from '@/testing/mock-fetch';
import { makeUser, renderWithProviders } from '@/testing/test-utils';

import { RegistrationSection } from '../registration-section';
import { SessionSection } from '../session-section';
import { DEFAULT_VALUES, storageErrorField } from '../settings-model';

const saved: SettingValues = {
  ...DEFAULT_VALUES,
  session_idle_timeout_minutes: 720,
  session_absolute_lifetime_hours: 168,
};
const admin = makeUser({ permissions: ['settings.view', 'settings.manage'] });
const settingsList = { path: '/api/settings', reply: { body: [] } };

describe('SessionSection', () => {
  it('saves in the order the server’s rule needs and puts its complaint on the right field', async () => {
    const { calls } = mockFetch([
      {
        method: 'PUT',
        path: '/api/settings/session_absolute_lifetime_hours',
        reply: { body: { key: 'session_absolute_lifetime_hours', value: 1000, description: '' } },
      },
      {
        method: 'PUT',
        path: '/api/settings/session_idle_timeout_minutes',
        reply: apiError(422, 'invalid_setting', 'At most 43200 minutes.', { field: 'value' }),
      },
      settingsList,
    ]);
    const { user } = renderWithProviders(<SessionSection saved={saved} readOnly={false} />, {
      user: admin,
    });
    const idle = screen.getByLabelText(/^Idle timeout/);
    await user.clear(idle);
    await user.type(idle, '50000');
    const lifetime = screen.getByLabelText(/^Session lifetime/);
    await user.clear(lifetime);
    await user.type(lifetime, '1000');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() =>
      expect(screen.getByLabelText(/^Idle timeout/)).toHaveAccessibleDescription(
        /At most 43200 minutes\./,
      ),
    );
    // Both grow: the lifetime first, so idle ≤ lifetime holds after each step.
    expect(calls.filter((c) => c.method === 'PUT').map((c) => c.path)).toEqual([
      '/api/settings/session_absolute_lifetime_hours',
      '/api/settings/session_idle_timeout_minutes',
    ]);
    expect(screen.getByLabelText(/^Session lifetime/)).not.toHaveAccessibleDescription(/At most/);
  });
});

describe('RegistrationSection', () => {
  it('checks the public address, then shows the server’s complaint next to it', async () => {
    const { calls } = mockFetch([
      {
        method: 'PUT',
        path: '/api/settings/public_url',
        reply: apiError(422, 'invalid_setting', 'Must not point at a link-local address.', {
          field: 'value',
        }),
      },
      settingsList,
    ]);
    const { user } = renderWithProviders(
      <RegistrationSection saved={saved} readOnly={false} roles={['viewer']} />,
      { user: admin },
    );
    const url = screen.getByLabelText(/^Public address/);
    await user.type(url, 'kubarr.example.com');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(url).toHaveAccessibleDescription(/Start with http:\/\/ or https:\/\//);
    expect(calls.filter((c) => c.method === 'PUT')).toHaveLength(0);

    await user.clear(url);
    await user.type(url, 'http://169.254.169.254/');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() =>
      expect(url).toHaveAccessibleDescription(/Must not point at a link-local address\./),
    );
    expect(calls.find((c) => c.method === 'PUT')?.body).toEqual({
      value: 'http://169.254.169.254',
    });
    // Shown next to the field, so not a second time on top of the form.
    expect(
      within(screen.getByRole('region', { name: 'Registration' })).getAllByText(/link-local/),
    ).toHaveLength(1);
  });
});

describe('storageErrorField', () => {
  it.each([
    ['value.nfs_path', 'nfs_path'],
    ['value.host_path', 'host_path'],
    ['value.nfs_server', 'nfs_server'],
    ['value', null],
    ['value.type', null],
    ['nfs_path', null],
    [undefined, null],
  ])('%j → %j', (field, expected) => {
    expect(storageErrorField(field)).toBe(expected);
  });
});
