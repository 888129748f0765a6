import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { mockFetch } from '@/testing/mock-fetch';
import { makeUser, renderWithProviders } from '@/testing/test-utils';

import { AppLayout } from '../layouts/app-layout';

function renderLayout(user: ReturnType<typeof makeUser>) {
  return renderWithProviders(<AppLayout />, {
    route: '/',
    user,
    routes: [{ path: '/login', element: <p>login page</p> }],
  });
}

const navLinks = () =>
  within(screen.getAllByRole('navigation', { name: 'Main' })[0]!)
    .getAllByRole('link')
    .map((link) => link.textContent);

describe('AppLayout', () => {
  it('sends a user whose role requires 2FA to the account page until it is on', async () => {
    const { router } = renderWithProviders(<AppLayout />, {
      route: '/',
      user: makeUser({ two_factor_enrollment_required: true }),
      routes: [{ path: '/account', element: <p>account page</p> }],
    });
    expect(await screen.findByText('account page')).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/account');
  });

  it('shows a viewer only the sections their permissions allow', () => {
    renderLayout(
      makeUser({ roles: ['viewer'], permissions: ['apps.view', 'logs.view', 'monitoring.view'] }),
    );
    expect(navLinks()).toEqual(['Dashboard', 'Apps', 'Stack', 'Catalog']);
  });

  it('shows a household member who may only open apps just the Apps page', () => {
    renderLayout(
      makeUser({
        roles: ['member'],
        permissions: [],
        app_permissions: { qbittorrent: ['apps.open'] },
      }),
    );
    expect(navLinks()).toEqual(['Apps']);
  });

  it('shows the catalog to a user with a per-app grant only', () => {
    renderLayout(
      makeUser({ roles: ['custom'], permissions: [], app_permissions: { sonarr: ['apps.view'] } }),
    );
    expect(navLinks()).toEqual(['Dashboard', 'Apps', 'Stack', 'Catalog']);
  });

  it('shows an admin every section', () => {
    renderLayout(
      makeUser({
        permissions: [
          'apps.view',
          'users.view',
          'users.manage',
          'roles.view',
          'audit.view',
          'settings.view',
        ],
      }),
    );
    expect(navLinks()).toEqual([
      'Dashboard',
      'Apps',
      'Stack',
      'Catalog',
      'Users',
      'Invites',
      'Roles',
      'Audit log',
      'Settings',
    ]);
  });

  it('toggles and remembers the theme', async () => {
    const { user } = renderLayout(makeUser());
    const initiallyDark = document.documentElement.classList.contains('dark');
    await user.click(screen.getByRole('button', { name: /Switch to (dark|light) theme/ }));
    expect(document.documentElement.classList.contains('dark')).toBe(!initiallyDark);
    expect(window.localStorage.getItem('kubarr-theme')).toBe(initiallyDark ? 'light' : 'dark');
  });

  it('signs out through the user menu', async () => {
    const { calls } = mockFetch([
      { method: 'POST', path: '/api/auth/logout', reply: { status: 204 } },
    ]);
    const { user } = renderLayout(makeUser());
    const menuButton = screen.getByRole('button', { name: /Account menu/ });
    expect(menuButton).toHaveAttribute('aria-expanded', 'false');
    await user.click(menuButton);
    expect(menuButton).toHaveAttribute('aria-expanded', 'true');
    await user.click(screen.getByRole('button', { name: 'Sign out' }));
    expect(await screen.findByText('login page')).toBeInTheDocument();
    expect(calls[0]).toMatchObject({ method: 'POST', path: '/api/auth/logout' });
    expect(calls[0]?.headers.get('X-Kubarr-Csrf')).toBe('1');
  });
});
