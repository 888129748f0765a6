import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { apiError, mockFetch } from '@/testing/mock-fetch';
import { makeUser, renderWithProviders } from '@/testing/test-utils';

import { AppAccountPanel } from '../app-account';

const admin = makeUser({ permissions: ['apps.view', 'apps.upgrade'] });
const viewer = makeUser({ username: 'vic', permissions: ['apps.view'] });
const none = { app_name: 'jellyfin', takes_account: true, username: null };

describe('AppAccountPanel', () => {
  it('shows nothing for an app Kubarr makes its own keys for', async () => {
    const { calls } = mockFetch([
      {
        path: '/api/apps/sonarr/account',
        reply: { body: { app_name: 'sonarr', takes_account: false, username: null } },
      },
    ]);
    const { queryClient } = renderWithProviders(<AppAccountPanel app="sonarr" label="Sonarr" />, {
      user: admin,
    });
    await waitFor(() => expect(calls).toHaveLength(1));
    // Once the answer is in, nothing is drawn.
    await waitFor(() =>
      expect(queryClient.getQueryState(['stack', 'account', 'sonarr'])?.status).toBe('success'),
    );
    expect(screen.queryByRole('heading', { name: 'Kubarr’s sign-in' })).not.toBeInTheDocument();
    expect(screen.queryByRole('form')).not.toBeInTheDocument();
  });

  it('asks for an administrator, says why one was refused, and shows whose account it holds', async () => {
    const { calls } = mockFetch([
      { path: '/api/apps/jellyfin/account', method: 'GET', reply: { body: none } },
      {
        path: '/api/apps/jellyfin/account',
        method: 'PUT',
        once: true,
        reply: apiError(422, 'app_refused_account', 'Jellyfin refused that user name or password'),
      },
      {
        path: '/api/apps/jellyfin/account',
        method: 'PUT',
        reply: { body: { ...none, username: 'household' } },
      },
      { path: '/api/stack/wiring', reply: { body: { apps: [], links: [] } } },
    ]);
    const { user } = renderWithProviders(<AppAccountPanel app="jellyfin" label="Jellyfin" />, {
      user: admin,
    });
    expect(await screen.findByText('Kubarr cannot connect Jellyfin yet')).toBeInTheDocument();
    const form = screen.getByRole('form', { name: 'Sign Kubarr in to Jellyfin' });
    await user.click(within(form).getByRole('button', { name: 'Sign in' }));
    expect(
      within(form).getByText('Enter the name of one of Jellyfin’s administrators.'),
    ).toBeInTheDocument();
    expect(calls.filter((c) => c.method === 'PUT')).toHaveLength(0);

    const name = within(form).getByLabelText(/Jellyfin administrator/);
    const password = within(form).getByLabelText(/Password/);
    await user.type(name, 'household');
    await user.type(password, 'not-it');
    await user.click(within(form).getByRole('button', { name: 'Sign in' }));
    expect(
      await within(form).findByText('Jellyfin refused that user name or password'),
    ).toBeInTheDocument();
    // The password does not stay in the page after a request was made with it.
    expect(password).toHaveValue('');

    await user.type(password, 'the-right-one');
    await user.click(within(form).getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByText('household')).toBeInTheDocument();
    expect(screen.getByText(/Kubarr signs in to Jellyfin as/)).toBeInTheDocument();
    expect(calls.filter((c) => c.method === 'PUT').at(-1)?.body).toEqual({
      username: 'household',
      password: 'the-right-one',
    });
    expect(screen.getByRole('button', { name: 'Change account' })).toBeInTheDocument();
  });

  it('tells a member without apps.upgrade who can sign Kubarr in, with no form', async () => {
    mockFetch([{ path: '/api/apps/jellyfin/account', reply: { body: none } }]);
    renderWithProviders(<AppAccountPanel app="jellyfin" label="Jellyfin" />, { user: viewer });
    expect(await screen.findByText(/ask someone who manages it/)).toBeInTheDocument();
    expect(screen.queryByRole('form')).not.toBeInTheDocument();
  });
});
