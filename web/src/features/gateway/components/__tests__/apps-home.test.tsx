import { screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';

import type { OpenableApp } from '@/api/types';
import { apiError, mockFetch } from '@/testing/mock-fetch';
import { makeUser, renderWithProviders } from '@/testing/test-utils';

import { AppsHome } from '../apps-home';

const member = makeUser({
  roles: ['household'],
  permissions: [],
  app_permissions: { qbittorrent: ['apps.open'] },
});

const qbittorrent: OpenableApp = {
  name: 'qbittorrent',
  display_name: 'qBittorrent',
  icon_url: '/api/apps/catalog/qbittorrent/icon',
  state: 'installed',
  access_mode: 'gated',
};

/** A tab as window.open returns it, recording where it was sent and whether it was closed. */
function fakeTab() {
  return {
    opener: {} as unknown,
    closed: false,
    location: { href: 'about:blank' },
    close: vi.fn(function (this: { closed: boolean }) {
      this.closed = true;
    }),
  };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('AppsHome', () => {
  it('lists exactly the apps the server says the member may open, with state and Open', async () => {
    const { calls } = mockFetch([{ path: '/api/gateway/apps', reply: { body: [qbittorrent] } }]);
    renderWithProviders(<AppsHome />, { user: member });

    const list = await screen.findByRole('list', { name: 'Your apps' });
    const items = within(list).getAllByRole('listitem');
    expect(items).toHaveLength(1);
    expect(within(items[0]!).getByRole('heading', { name: 'qBittorrent' })).toBeInTheDocument();
    expect(within(items[0]!).getByText('Running')).toBeInTheDocument();
    expect(within(items[0]!).getByRole('button', { name: 'Open qBittorrent' })).toBeEnabled();
    // The list is the gateway's, not every installed app.
    expect(calls.map((c) => c.path)).toEqual(['/api/gateway/apps']);
  });

  it('says what to ask an administrator for when there is nothing to open', async () => {
    mockFetch([{ path: '/api/gateway/apps', reply: { body: [] } }]);
    renderWithProviders(<AppsHome />, { user: member });
    expect(await screen.findByRole('heading', { name: 'No apps for you yet' })).toBeInTheDocument();
    expect(screen.getByText(/Ask an administrator to give you access/)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /^Open / })).not.toBeInTheDocument();
  });

  it('shows the error a failed launch on the way here left', async () => {
    mockFetch([{ path: '/api/gateway/apps', reply: { body: [qbittorrent] } }]);
    renderWithProviders(<AppsHome notice="You may not open sonarr." />, { user: member });
    expect(await screen.findByRole('alert')).toHaveTextContent('You may not open sonarr.');
  });
});

describe('Open', () => {
  it('opens a blank tab in the click, then sends it to the launch URL', async () => {
    const tab = fakeTab();
    const { calls } = mockFetch([
      { path: '/api/gateway/apps', reply: { body: [qbittorrent] } },
      {
        method: 'POST',
        path: '/api/apps/qbittorrent/launch',
        reply: () => {
          // The tab must exist before the server answers: it was opened in the click itself.
          expect(open).toHaveBeenCalledTimes(1);
          return {
            body: {
              url: 'http://qbittorrent.apps.localhost:8081/_kubarr/auth?ticket=abc&next=%2F',
              expires_at: '2099-01-01T00:00:00Z',
            },
          };
        },
      },
    ]);
    const open = vi.spyOn(window, 'open').mockReturnValue(tab as unknown as Window);
    const { user } = renderWithProviders(<AppsHome />, { user: member });

    await user.click(await screen.findByRole('button', { name: 'Open qBittorrent' }));

    expect(open).toHaveBeenCalledWith('about:blank', '_blank');
    expect(tab.opener).toBeNull();
    await waitFor(() => {
      expect(tab.location.href).toBe(
        'http://qbittorrent.apps.localhost:8081/_kubarr/auth?ticket=abc&next=%2F',
      );
    });
    const launch = calls.find((c) => c.method === 'POST');
    expect(launch).toMatchObject({ path: '/api/apps/qbittorrent/launch', body: {} });
    expect(launch?.headers.get('X-Kubarr-Csrf')).toBe('1');
    expect(tab.close).not.toHaveBeenCalled();
  });

  it('closes the tab and shows the server’s reason when the launch fails', async () => {
    const tab = fakeTab();
    mockFetch([
      { path: '/api/gateway/apps', reply: { body: [qbittorrent] } },
      {
        method: 'POST',
        path: '/api/apps/qbittorrent/launch',
        reply: apiError(
          409,
          'app_access_off',
          'This app is not served through Kubarr (its access mode is off).',
        ),
      },
    ]);
    vi.spyOn(window, 'open').mockReturnValue(tab as unknown as Window);
    const { user } = renderWithProviders(<AppsHome />, { user: member });

    await user.click(await screen.findByRole('button', { name: 'Open qBittorrent' }));

    const toast = await screen.findByRole('alert');
    expect(toast).toHaveTextContent('Could not open qBittorrent');
    expect(toast).toHaveTextContent('its access mode is off');
    expect(tab.close).toHaveBeenCalled();
    expect(tab.location.href).toBe('about:blank');
  });
});
