import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import type { Role, User } from '@/api/types';
import { apiError, mockFetch } from '@/testing/mock-fetch';
import { makeUser, renderWithProviders } from '@/testing/test-utils';

import { UsersView } from '../users-view';

function user(overrides: Partial<User>): User {
  return {
    id: 1,
    username: 'admin',
    email: 'admin@example.test',
    is_active: true,
    is_approved: true,
    totp_enabled: true,
    roles: ['admin'],
    role_ids: [1],
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z',
    last_login_at: null,
    ...overrides,
  };
}

function role(id: number, name: string, is_system = true): Role {
  return {
    id,
    name,
    description: `${name} role`,
    is_system,
    requires_2fa: false,
    permissions: [],
    app_grants: [],
    user_count: 0,
    created_at: '',
    updated_at: '',
  };
}

const roles = [role(1, 'admin'), role(2, 'operator'), role(3, 'viewer'), role(4, 'family', false)];
const admin = user({});
const pending = user({
  id: 2,
  username: 'bob',
  email: 'bob@example.test',
  is_approved: false,
  roles: ['viewer'],
  role_ids: [3],
  totp_enabled: false,
});
const manager = makeUser({
  id: 1,
  username: 'admin',
  permissions: ['users.view', 'users.manage', 'users.reset_password', 'roles.view'],
});

function renderUsers(me = manager, createOpen = false) {
  return renderWithProviders(
    <UsersView roles={roles} createOpen={createOpen} onCloseCreate={() => undefined} />,
    { user: me },
  );
}

describe('UsersView', () => {
  it('lists users page by page with "Load more"', async () => {
    const { calls } = mockFetch([
      {
        path: '/api/users',
        reply: (request) =>
          request.path.includes('cursor=c1')
            ? { body: { items: [pending], next_cursor: null } }
            : { body: { items: [admin], next_cursor: 'c1' } },
      },
    ]);
    const { user: u } = renderUsers();
    expect(await screen.findByText('admin@example.test')).toBeInTheDocument();
    await u.click(screen.getByRole('button', { name: 'Load more' }));
    expect(await screen.findByText('bob@example.test')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Load more' })).not.toBeInTheDocument();
    expect(calls.map((c) => c.path)).toEqual([
      '/api/users?limit=50',
      '/api/users?limit=50&cursor=c1',
    ]);
  });

  it('approves a pending user', async () => {
    let approved = false;
    const { calls } = mockFetch([
      {
        path: '/api/users',
        reply: () => ({
          body: { items: [admin, { ...pending, is_approved: approved }], next_cursor: null },
        }),
      },
      {
        method: 'PATCH',
        path: '/api/users/2',
        reply: () => {
          approved = true;
          return { body: { ...pending, is_approved: true } };
        },
      },
      { path: '/api/roles', reply: { body: roles } },
      { path: '/api/auth/me', reply: { body: manager } },
    ]);
    const { user: u } = renderUsers();
    expect(await screen.findByText('1 waiting for approval')).toBeInTheDocument();
    const row = screen.getByRole('row', { name: /bob/ });
    expect(within(row).getByText('Waiting for approval')).toBeInTheDocument();
    await u.click(within(row).getByRole('button', { name: 'Approve' }));
    await waitFor(() => expect(screen.queryByText('Waiting for approval')).not.toBeInTheDocument());
    expect(calls.find((c) => c.method === 'PATCH')?.body).toEqual({ is_approved: true });
  });

  it('offers nothing to change without users.manage or users.reset_password', async () => {
    mockFetch([
      { path: '/api/users', reply: { body: { items: [admin, pending], next_cursor: null } } },
    ]);
    renderUsers(makeUser({ permissions: ['users.view'] }));
    await screen.findByText('bob@example.test');
    expect(screen.queryByRole('button', { name: /Actions for/ })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Approve' })).not.toBeInTheDocument();
    expect(screen.queryByText(/waiting for approval$/)).not.toBeInTheDocument();
  });

  it('with only users.reset_password, the menu offers just the password reset', async () => {
    const { calls } = mockFetch([
      { path: '/api/users', reply: { body: { items: [admin, pending], next_cursor: null } } },
      { method: 'PUT', path: '/api/users/2/password', reply: { status: 204 } },
    ]);
    const { user: u } = renderUsers(
      makeUser({ permissions: ['users.view', 'users.reset_password'] }),
    );
    await u.click(await screen.findByRole('button', { name: 'Actions for bob' }));
    const menu = screen.getByRole('menu');
    expect(
      within(menu)
        .getAllByRole('menuitem')
        .map((item) => item.textContent),
    ).toEqual(['Reset password']);
    await u.click(within(menu).getByRole('menuitem', { name: 'Reset password' }));
    const dialog = screen.getByRole('dialog', { name: 'Reset the password of bob' });
    await u.type(within(dialog).getByLabelText(/^New password/), 'temporary pass');
    await u.type(within(dialog).getByLabelText(/^Confirm/), 'temporary pass');
    await u.click(within(dialog).getByRole('button', { name: 'Reset password' }));
    await waitFor(() =>
      expect(calls.find((c) => c.method === 'PUT')?.body).toEqual({
        new_password: 'temporary pass',
      }),
    );
  });

  it('does not let you deactivate or delete yourself, and says why', async () => {
    mockFetch([{ path: '/api/users', reply: { body: { items: [admin], next_cursor: null } } }]);
    const { user: u } = renderUsers();
    await u.click(await screen.findByRole('button', { name: 'Actions for admin' }));
    const deactivate = screen.getByRole('menuitem', { name: /Deactivate/ });
    expect(deactivate).toHaveAttribute('aria-disabled', 'true');
    expect(deactivate).toHaveTextContent('You cannot deactivate yourself');
    expect(screen.getByRole('menuitem', { name: /Delete/ })).toHaveAttribute(
      'aria-disabled',
      'true',
    );
  });

  it('edits roles with checkboxes and sends role_ids', async () => {
    const { calls } = mockFetch([
      { path: '/api/users', reply: { body: { items: [admin, pending], next_cursor: null } } },
      { method: 'PATCH', path: '/api/users/2', reply: { body: pending } },
      { path: '/api/roles', reply: { body: roles } },
      { path: '/api/auth/me', reply: { body: manager } },
    ]);
    const { user: u } = renderUsers();
    await u.click(await screen.findByRole('button', { name: 'Actions for bob' }));
    await u.click(screen.getByRole('menuitem', { name: 'Edit roles' }));
    const dialog = screen.getByRole('dialog', { name: 'Roles of bob' });
    expect(within(dialog).getByLabelText('viewer')).toBeChecked();
    const save = within(dialog).getByRole('button', { name: 'Save roles' });
    expect(save).toBeDisabled();
    await u.click(within(dialog).getByLabelText('family'));
    await u.click(save);
    await waitFor(() =>
      expect(calls.find((c) => c.method === 'PATCH')?.body).toEqual({ role_ids: [3, 4] }),
    );
  });

  it('creates a user (viewer by default) and shows a duplicate name at the field', async () => {
    const { calls } = mockFetch([
      { path: '/api/users', reply: { body: { items: [admin], next_cursor: null } } },
      {
        method: 'POST',
        path: '/api/users',
        reply: apiError(409, 'username_taken', 'That username is taken.', { field: 'username' }),
      },
    ]);
    const { user: u } = renderUsers(manager, true);
    const dialog = await screen.findByRole('dialog', { name: 'Create a user' });
    await u.click(within(dialog).getByRole('button', { name: 'Create user' }));
    expect(within(dialog).getByLabelText(/^Username/)).toHaveAccessibleDescription(
      'Choose a username.',
    );
    await u.type(within(dialog).getByLabelText(/^Username/), 'carol');
    await u.type(within(dialog).getByLabelText(/^Email/), 'carol@example.test');
    await u.type(within(dialog).getByLabelText(/^Password/), 'carols passphrase');
    expect(within(dialog).getByLabelText('viewer')).toBeChecked();
    await u.click(within(dialog).getByRole('button', { name: 'Create user' }));
    await waitFor(() =>
      expect(within(dialog).getByLabelText(/^Username/)).toHaveAccessibleDescription(
        'That username is taken.',
      ),
    );
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({
      username: 'carol',
      email: 'carol@example.test',
      password: 'carols passphrase',
      role_ids: [3],
    });
  });
});
