import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { describe, expect, it } from 'vitest';

import { apiError, mockFetch, type MockRoute } from '@/testing/mock-fetch';
import { createTestQueryClient, makeUser } from '@/testing/test-utils';

import { AppProvider } from '../provider';
import { routes } from '../router';

const anonymous: MockRoute[] = [
  { path: '/api/auth/me', reply: apiError(401, 'unauthenticated', 'Not signed in.') },
  { path: '/api/setup/status', reply: { body: { setup_required: false } } },
];

function renderApp(url: string, api: MockRoute[]) {
  const fetchMock = mockFetch(api);
  const router = createMemoryRouter(routes, { initialEntries: [url] });
  render(
    <AppProvider queryClient={createTestQueryClient()}>
      <RouterProvider router={router} />
    </AppProvider>,
  );
  return { router, user: userEvent.setup(), ...fetchMock };
}

describe('routes', () => {
  it('sends a signed-out deep link to /login and remembers where it was going', async () => {
    const { router } = renderApp('/catalog?q=son', anonymous);
    expect(await screen.findByRole('heading', { name: 'Sign in to Kubarr' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/login');
    expect(router.state.location.search).toBe('?redirect=%2Fcatalog%3Fq%3Dson');
  });

  it('shows a 404 page for unknown routes', async () => {
    renderApp('/no/such/page', anonymous);
    expect(await screen.findByRole('heading', { name: 'Page not found' })).toBeInTheDocument();
  });

  it('sends /login to /setup on first start, and /setup to /login afterwards', async () => {
    const first = renderApp('/login', [
      anonymous[0]!,
      { path: '/api/setup/status', reply: { body: { setup_required: true } } },
    ]);
    expect(await screen.findByRole('heading', { name: 'Welcome to Kubarr' })).toBeInTheDocument();
    expect(first.router.state.location.pathname).toBe('/setup');
  });

  it('redirects /setup to /login once setup is done', async () => {
    const { router } = renderApp('/setup', anonymous);
    await waitFor(() => expect(router.state.location.pathname).toBe('/login'));
  });

  it('creates the first admin and lands on the dashboard signed in', async () => {
    let signedIn = false;
    const admin = makeUser({ username: 'admin', permissions: ['apps.view', 'apps.install'] });
    const { user, router, calls } = renderApp('/setup', [
      {
        path: '/api/auth/me',
        reply: () =>
          signedIn ? { body: admin } : apiError(401, 'unauthenticated', 'Not signed in.'),
      },
      { path: '/api/setup/status', reply: { body: { setup_required: true } } },
      {
        method: 'POST',
        path: '/api/setup',
        reply: () => {
          signedIn = true;
          return { status: 201, body: { token: 't', user: admin } };
        },
      },
      { path: '/api/apps', reply: { body: [] } },
    ]);

    await user.type(await screen.findByLabelText(/^Username/), 'admin');
    await user.type(screen.getByLabelText(/^Email/), 'admin@example.test');
    await user.type(screen.getByLabelText(/^Password/), 'a long passphrase');
    await user.type(screen.getByLabelText(/^Confirm password/), 'a long passphrase');
    await user.click(screen.getByRole('button', { name: 'Create administrator' }));

    expect(await screen.findByText('No apps installed yet')).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/');
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({
      username: 'admin',
      email: 'admin@example.test',
      password: 'a long passphrase',
    });
    expect(screen.getByRole('link', { name: 'Browse the catalog' })).toBeInTheDocument();
  });

  it('tells a user without the permission that a page is not for them', async () => {
    renderApp('/users', [
      { path: '/api/auth/me', reply: { body: makeUser({ permissions: ['apps.view'] }) } },
    ]);
    expect(await screen.findByText('You don’t have access to this page')).toBeInTheDocument();
  });

  it('renders the dashboard cards with status, message, pods and version', async () => {
    renderApp('/', [
      {
        path: '/api/auth/me',
        reply: {
          body: makeUser({
            permissions: ['apps.view'],
            app_permissions: { sonarr: ['logs.view'] },
          }),
        },
      },
      {
        path: '/api/apps',
        reply: {
          body: [
            {
              name: 'sonarr',
              state: 'degraded',
              message: '1 of 2 pods not ready: CrashLoopBackOff',
              version: '1.2.0',
              app_version: '4.0.1',
              namespace: 'sonarr',
              ready_pods: 1,
              total_pods: 2,
              updated_at: '2026-03-01T12:00:00Z',
            },
            {
              name: 'radarr',
              state: 'installed',
              message: 'Running',
              version: '1.0.0',
              app_version: '5.2.0',
              namespace: 'radarr',
              ready_pods: 1,
              total_pods: 1,
              updated_at: '2026-03-01T12:00:00Z',
            },
          ],
        },
      },
    ]);
    expect(await screen.findByText('1 of 2 pods not ready: CrashLoopBackOff')).toBeInTheDocument();
    expect(screen.getByText('Degraded')).toBeInTheDocument();
    expect(screen.getByText('Running')).toBeInTheDocument();
    expect(screen.getByText('1/2')).toBeInTheDocument();
    expect(screen.getByText('4.0.1')).toBeInTheDocument();
    // logs only where the user holds logs.view for that app
    expect(screen.getByRole('link', { name: 'Logs of sonarr' })).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'Logs of radarr' })).not.toBeInTheDocument();
  });

  it('titles dashboard cards with the catalog’s display name and icon', async () => {
    renderApp('/', [
      { path: '/api/auth/me', reply: { body: makeUser({ permissions: ['apps.view'] }) } },
      {
        path: '/api/apps',
        reply: {
          body: [
            {
              name: 'sonarr',
              state: 'installed',
              message: 'Running',
              namespace: 'sonarr',
              ready_pods: 1,
              total_pods: 1,
              stale: false,
            },
            {
              name: 'qbittorrent',
              state: 'installed',
              message: 'Running',
              namespace: 'qbittorrent',
              ready_pods: 1,
              total_pods: 1,
              stale: false,
            },
          ],
        },
      },
      {
        path: '/api/apps/catalog',
        reply: {
          body: [
            {
              name: 'sonarr',
              display_name: 'Sonarr',
              description: 'TV series manager',
              category: 'media-manager',
              version: '1.2.0',
              app_version: '4.0.0',
              icon_url: '/api/apps/catalog/sonarr/icon',
              installed: true,
              peers: [],
            },
            {
              name: 'qbittorrent',
              display_name: 'qBittorrent',
              description: 'BitTorrent client',
              category: 'download-client',
              version: '1.0.0',
              app_version: '5.0.0',
              icon_url: null,
              installed: true,
              peers: [],
            },
          ],
        },
      },
    ]);
    const sonarr = await screen.findByRole('heading', { name: 'Sonarr' });
    const sonarrCard = sonarr.closest('li');
    expect(sonarrCard?.querySelector('img')).toHaveAttribute(
      'src',
      '/api/apps/catalog/sonarr/icon',
    );
    expect(screen.getByRole('link', { name: 'Sonarr' })).toHaveAttribute('href', '/apps/sonarr');
    // No icon in the chart: the initial of the display name instead.
    const qbittorrent = screen.getByRole('heading', { name: 'qBittorrent' }).closest('li');
    expect(qbittorrent?.querySelector('img')).toBeNull();
    expect(qbittorrent?.querySelector('[data-testid="app-icon-initial"]')).toHaveTextContent('q');
  });
  it('lands a member who may only open apps on the Apps home, with just their apps', async () => {
    const { router, calls } = renderApp('/', [
      {
        path: '/api/auth/me',
        reply: {
          body: makeUser({
            roles: ['household'],
            permissions: [],
            app_permissions: { qbittorrent: ['apps.open'] },
          }),
        },
      },
      {
        path: '/api/gateway/apps',
        reply: {
          body: [
            {
              name: 'qbittorrent',
              display_name: 'qBittorrent',
              icon_url: null,
              state: 'installed',
              access_mode: 'gated',
            },
          ],
        },
      },
    ]);
    expect(await screen.findByRole('button', { name: 'Open qBittorrent' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/apps');
    expect(screen.getByRole('heading', { name: 'Apps', level: 1 })).toBeInTheDocument();
    // Nothing a member cannot see was asked for.
    expect(calls.some((c) => c.path === '/api/apps')).toBe(false);
  });

  it('offers Open on the dashboard only for the apps the user may open', async () => {
    const app = (name: string) => ({
      name,
      state: 'installed',
      message: 'Running',
      namespace: name,
      ready_pods: 1,
      total_pods: 1,
      stale: false,
    });
    renderApp('/', [
      { path: '/api/auth/me', reply: { body: makeUser({ permissions: ['apps.view'] }) } },
      { path: '/api/apps', reply: { body: [app('sonarr'), app('qbittorrent')] } },
      { path: '/api/apps/catalog', reply: { body: [] } },
      {
        path: '/api/gateway/apps',
        reply: {
          body: [
            {
              name: 'qbittorrent',
              display_name: 'qBittorrent',
              icon_url: null,
              state: 'installed',
              access_mode: 'gated',
            },
          ],
        },
      },
    ]);
    expect(await screen.findByRole('button', { name: 'Open qbittorrent' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Details of sonarr' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Open sonarr' })).not.toBeInTheDocument();
  });
});
