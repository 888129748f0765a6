import { screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';

import type { CurrentUser } from '@/api/types';
import { leaveTo } from '@/lib/navigation';
import { apiError, mockFetch, type MockRoute } from '@/testing/mock-fetch';
import { makeUser, renderWithProviders } from '@/testing/test-utils';

import AppsHomeRoute from '../routes/apps-home';
import LoginRoute from '../routes/login';

vi.mock('@/lib/navigation', () => ({ leaveTo: vi.fn(), openBlankTab: vi.fn(() => null) }));

const member = makeUser({
  roles: ['household'],
  permissions: [],
  app_permissions: { qbittorrent: ['apps.open'] },
});
const LAUNCH_URL = 'http://qbittorrent.apps.localhost:8081/_kubarr/auth?ticket=t1&next=%2Fx';

/** The server: signed out until the login succeeds; then `launch` answers the launch. */
function server(launch: MockRoute['reply'], { signedIn = false }: { signedIn?: boolean } = {}) {
  let session: CurrentUser | null = signedIn ? member : null;
  return mockFetch([
    { path: '/api/setup/status', reply: { body: { setup_required: false } } },
    {
      path: '/api/auth/me',
      reply: () => (session ? { body: session } : apiError(401, 'unauthenticated', 'Sign in.')),
    },
    {
      method: 'POST',
      path: '/api/auth/login',
      reply: () => {
        session = member;
        return {
          body: { token: 't', expires_at: '2099-01-01T00:00:00Z', user: member },
        };
      },
    },
    { method: 'POST', path: '/api/apps/qbittorrent/launch', reply: launch },
    { path: '/api/gateway/apps', reply: { body: [] } },
  ]);
}

function renderLogin(query: string) {
  return renderWithProviders(<LoginRoute />, {
    route: `/login?${query}`,
    path: '/login',
    routes: [
      { path: '/', element: <p>dashboard page</p> },
      { path: '/apps', element: <AppsHomeRoute /> },
    ],
  });
}

async function signIn(user: ReturnType<typeof renderLogin>['user']) {
  await user.type(await screen.findByLabelText(/Username or email/), 'member');
  await user.type(screen.getByLabelText(/^Password/), 'a passphrase');
  await user.click(screen.getByRole('button', { name: 'Sign in' }));
}

afterEach(() => {
  vi.mocked(leaveTo).mockClear();
});

describe('sign-in hand-off to an app', () => {
  it('says which app, then launches it with the path and goes there in this tab', async () => {
    const { calls } = server({ body: { url: LAUNCH_URL, expires_at: '2099-01-01T00:00:00Z' } });
    const { user } = renderLogin('app=qbittorrent&next=%2Fx');

    expect(
      await screen.findByRole('heading', { name: 'Sign in to open qbittorrent' }),
    ).toBeInTheDocument();
    await signIn(user);

    await vi.waitFor(() => {
      expect(leaveTo).toHaveBeenCalledWith(LAUNCH_URL);
    });
    expect(calls.find((c) => c.path === '/api/apps/qbittorrent/launch')?.body).toEqual({
      next: '/x',
    });
  });

  it('launches after the second factor too', async () => {
    const { calls } = mockFetch([
      { path: '/api/setup/status', reply: { body: { setup_required: false } } },
      { path: '/api/auth/me', reply: apiError(401, 'unauthenticated', 'Sign in.'), once: true },
      { path: '/api/auth/me', reply: { body: member } },
      {
        method: 'POST',
        path: '/api/auth/login',
        reply: {
          body: { requires_2fa: true, challenge_id: 'ch-1', expires_at: '2099-01-01T00:00:00Z' },
        },
      },
      {
        method: 'POST',
        path: '/api/auth/2fa/verify',
        reply: { body: { token: 't', expires_at: '2099-01-01T00:00:00Z', user: member } },
      },
      {
        method: 'POST',
        path: '/api/apps/qbittorrent/launch',
        reply: { body: { url: LAUNCH_URL, expires_at: '2099-01-01T00:00:00Z' } },
      },
    ]);
    const { user } = renderLogin('app=qbittorrent&next=%2Fx');
    await signIn(user);
    await user.type(await screen.findByLabelText(/Authentication code/), '123456');
    expect(leaveTo).not.toHaveBeenCalled();
    await user.click(screen.getByRole('button', { name: 'Verify' }));
    await vi.waitFor(() => {
      expect(leaveTo).toHaveBeenCalledWith(LAUNCH_URL);
    });
    expect(calls.find((c) => c.path === '/api/apps/qbittorrent/launch')?.body).toEqual({
      next: '/x',
    });
  });

  it('leaves out a next that is not a path on the app’s origin', async () => {
    const { calls } = server({ body: { url: LAUNCH_URL, expires_at: '2099-01-01T00:00:00Z' } });
    const { user } = renderLogin(`app=qbittorrent&next=${encodeURIComponent('//evil.example/')}`);
    await signIn(user);
    await vi.waitFor(() => {
      expect(leaveTo).toHaveBeenCalledWith(LAUNCH_URL);
    });
    expect(calls.find((c) => c.path === '/api/apps/qbittorrent/launch')?.body).toEqual({});
  });

  it('goes back to the app at once when already signed in', async () => {
    const { calls } = server(
      { body: { url: LAUNCH_URL, expires_at: '2099-01-01T00:00:00Z' } },
      { signedIn: true },
    );
    renderLogin('app=qbittorrent&next=%2Fx');
    await vi.waitFor(() => {
      expect(leaveTo).toHaveBeenCalledWith(LAUNCH_URL);
    });
    expect(calls.some((c) => c.path === '/api/auth/login')).toBe(false);
  });

  it('lands on the Apps home with the server’s reason when the launch fails', async () => {
    server(apiError(403, 'forbidden', 'You may not open qbittorrent.'));
    const { user, router } = renderLogin('app=qbittorrent&next=%2Fx');
    await signIn(user);

    expect(await screen.findByRole('heading', { name: 'Apps' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/apps');
    expect(screen.getByRole('alert')).toHaveTextContent('You may not open qbittorrent.');
    expect(leaveTo).not.toHaveBeenCalled();
  });

  it('signs in as usual without an app', async () => {
    server({ body: { url: LAUNCH_URL, expires_at: '2099-01-01T00:00:00Z' } });
    const { user } = renderLogin('redirect=%2F');
    expect(await screen.findByRole('heading', { name: 'Sign in to Kubarr' })).toBeInTheDocument();
    await signIn(user);
    expect(await screen.findByText('dashboard page')).toBeInTheDocument();
    expect(leaveTo).not.toHaveBeenCalled();
  });
});
