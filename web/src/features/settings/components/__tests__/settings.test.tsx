import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import type { Setting } from '@/api/types';
import { apiError, mockFetch, type MockRoute } from '@/testing/mock-fetch';
import { makeUser, renderWithProviders } from '@/testing/test-utils';

import {
  sessionProblems,
  sessionSaveOrder,
  settingValues,
  storagePayload,
  storageProblems,
} from '../settings-model';
import { SettingsView } from '../settings-view';

const setting = (key: string, value: unknown): Setting => ({
  key,
  value,
  description: '',
  updated_at: null,
  updated_by: null,
});

const settings = [
  setting('registration_enabled', false),
  setting('registration_requires_approval', true),
  setting('registration_default_role', 'viewer'),
  setting('session_idle_timeout_minutes', 720),
  setting('session_absolute_lifetime_hours', 168),
  setting('media_storage', { type: 'none' }),
  setting('public_url', null),
];

describe('settings model', () => {
  it('reads typed values, falling back to defaults', () => {
    const values = settingValues(settings);
    expect(values.session_idle_timeout_minutes).toBe(720);
    expect(values.media_storage).toEqual({
      type: 'none',
      host_path: null,
      nfs_server: null,
      nfs_path: null,
    });
    expect(settingValues([]).registration_requires_approval).toBe(true);
  });

  it('sends only the storage fields its type uses, and checks them', () => {
    expect(
      storagePayload({ type: 'nfs', nfs_server: ' nas ', nfs_path: '/m', host_path: '/x' }),
    ).toEqual({
      type: 'nfs',
      nfs_server: 'nas',
      nfs_path: '/m',
    });
    expect(storagePayload({ type: 'none', host_path: '/x' })).toEqual({ type: 'none' });
    expect(storageProblems({ type: 'host_path', host_path: 'media' })).toHaveProperty('host_path');
    expect(storageProblems({ type: 'host_path', host_path: '/srv/../etc' })).toHaveProperty(
      'host_path',
    );
    expect(storageProblems({ type: 'nfs', nfs_server: 'nas local', nfs_path: '/m' })).toEqual({
      nfs_server: 'Enter the NFS server’s host name or IP address.',
    });
    expect(storageProblems({ type: 'none' })).toEqual({});
  });

  it('checks session lifetimes and orders their saving for the server’s rule', () => {
    expect(sessionProblems(4, 1).idle).toBeDefined();
    expect(sessionProblems(120, 1).idle).toMatch(/cannot be longer/);
    expect(sessionProblems(60, 1)).toEqual({});
    const saved = { session_idle_timeout_minutes: 60, session_absolute_lifetime_hours: 2 };
    expect(
      sessionSaveOrder(saved, {
        session_idle_timeout_minutes: 600,
        session_absolute_lifetime_hours: 24,
      }),
    ).toEqual(['session_absolute_lifetime_hours', 'session_idle_timeout_minutes']);
    expect(
      sessionSaveOrder(saved, {
        session_idle_timeout_minutes: 30,
        session_absolute_lifetime_hours: 1,
      }),
    ).toEqual(['session_idle_timeout_minutes', 'session_absolute_lifetime_hours']);
  });
});

function routes(extra: MockRoute[] = []): MockRoute[] {
  return [...extra, { path: '/api/settings', reply: { body: settings } }];
}

describe('SettingsView', () => {
  it('is read-only with settings.view alone', async () => {
    mockFetch(routes());
    renderWithProviders(<SettingsView roles={['viewer']} />, {
      user: makeUser({ permissions: ['settings.view'] }),
    });
    expect(await screen.findByText(/changing them needs settings.manage/)).toBeInTheDocument();
    expect(screen.getByLabelText('Anyone can register')).toBeDisabled();
    expect(screen.queryByRole('button', { name: 'Save' })).not.toBeInTheDocument();
  });

  it('shows who last changed the public address', async () => {
    const changed = settings.map((s) =>
      s.key === 'public_url'
        ? {
            ...s,
            value: 'https://kubarr.example.org',
            updated_at: '2026-01-02T03:04:05Z',
            updated_by: 7,
          }
        : s,
    );
    mockFetch([{ path: '/api/settings', reply: { body: changed } }]);
    renderWithProviders(<SettingsView roles={['admin']} />, {
      user: makeUser({ permissions: ['settings.view', 'settings.manage'] }),
    });
    const note = await screen.findByTestId('public-url-changed');
    expect(note).toHaveTextContent(/by user #7/);
    expect(note).toHaveTextContent(/audit log/);
  });

  it('saves registration toggles key by key', async () => {
    const { calls } = mockFetch(
      routes([
        {
          method: 'PUT',
          path: /^\/api\/settings\/registration_/,
          reply: (request) => ({ body: setting('x', (request.body as { value: unknown }).value) }),
        },
      ]),
    );
    const { user } = renderWithProviders(<SettingsView roles={['viewer', 'operator']} />, {
      user: makeUser({ permissions: ['settings.view', 'settings.manage'] }),
    });
    await user.click(await screen.findByLabelText('Anyone can register'));
    await user.selectOptions(screen.getByLabelText('Role for new accounts'), 'operator');
    const section = screen.getByRole('region', { name: 'Registration' });
    await user.click(within(section).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(calls.filter((c) => c.method === 'PUT')).toHaveLength(2));
    expect(calls.filter((c) => c.method === 'PUT').map((c) => [c.path, c.body])).toEqual([
      ['/api/settings/registration_enabled', { value: true }],
      ['/api/settings/registration_default_role', { value: 'operator' }],
    ]);
  });

  it('sets NFS media storage, showing the server’s complaint next to its field', async () => {
    const { calls } = mockFetch(
      routes([
        {
          method: 'PUT',
          path: '/api/settings/media_storage',
          reply: apiError(422, 'invalid_setting', 'An absolute NFS export path is required.', {
            field: 'value.nfs_path',
          }),
        },
      ]),
    );
    const { user } = renderWithProviders(<SettingsView roles={undefined} />, {
      user: makeUser({ permissions: ['settings.view', 'settings.manage'] }),
    });
    await user.click(await screen.findByLabelText(/NFS share/));
    await user.type(screen.getByLabelText(/^NFS server/), 'nas.local');
    await user.type(screen.getByLabelText(/^Export path/), 'export');
    const section = screen.getByRole('region', { name: 'Media storage' });
    await user.click(within(section).getByRole('button', { name: 'Save' }));
    expect(screen.getByLabelText(/^Export path/)).toHaveAccessibleDescription(
      'Enter the absolute export path, such as /export/media.',
    );
    expect(calls.filter((c) => c.method === 'PUT')).toHaveLength(0);
    await user.clear(screen.getByLabelText(/^Export path/));
    await user.type(screen.getByLabelText(/^Export path/), '/export/media');
    await user.click(within(section).getByRole('button', { name: 'Save' }));
    await waitFor(() =>
      expect(screen.getByLabelText(/^Export path/)).toHaveAccessibleDescription(
        'An absolute NFS export path is required.',
      ),
    );
    expect(calls.find((c) => c.method === 'PUT')?.body).toEqual({
      value: { type: 'nfs', nfs_server: 'nas.local', nfs_path: '/export/media' },
    });
  });
});
