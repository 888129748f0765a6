import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import type { Permission, PermissionInfo, Role } from '@/api/types';
import { mockFetch, type MockRoute } from '@/testing/mock-fetch';
import { makeUser, renderWithProviders } from '@/testing/test-utils';

import {
  changedRoles,
  grantApps,
  groupPermissions,
  togglePermission,
  toggleGrant,
} from '../permission-matrix-model';
import { RolesView } from '../roles-view';

const permissions: PermissionInfo[] = [
  { name: 'users.view', description: 'See users.', app_scopable: false },
  { name: 'apps.view', description: 'See apps.', app_scopable: true },
  { name: 'apps.restart', description: 'Restart apps.', app_scopable: true },
  { name: 'logs.view', description: 'Read logs.', app_scopable: true },
];

function role(overrides: Partial<Role>): Role {
  return {
    id: 1,
    name: 'admin',
    description: '',
    is_system: true,
    requires_2fa: false,
    permissions: [],
    app_grants: [],
    user_count: 0,
    created_at: '',
    updated_at: '',
    ...overrides,
  };
}

const viewer = role({ id: 3, name: 'viewer', permissions: ['apps.view', 'logs.view'] });
const family = role({
  id: 4,
  name: 'family',
  is_system: false,
  permissions: ['apps.view'],
  app_grants: [{ app_name: 'jellyfin', permission: 'apps.restart' }],
  user_count: 2,
});

describe('permission matrix model', () => {
  it('groups permissions by area in a fixed order', () => {
    expect(groupPermissions(permissions).map((g) => [g.label, g.permissions.length])).toEqual([
      ['Apps', 2],
      ['Logs', 1],
      ['Users', 1],
    ]);
  });

  it('tracks edits per role and forgets a role toggled back to its saved set', () => {
    let draft = togglePermission({}, family, 'users.view', true);
    expect(draft).toEqual({ 4: ['apps.view', 'users.view'] });
    expect(changedRoles([viewer, family], draft)).toEqual([
      { role: family, permissions: ['apps.view', 'users.view'] },
    ]);
    draft = togglePermission(draft, family, 'users.view', false);
    expect(draft).toEqual({});
  });

  it('never saves system roles', () => {
    const draft = togglePermission({}, viewer, 'users.view', true);
    expect(changedRoles([viewer], draft)).toEqual([]);
  });

  it('edits per-app grants as a sorted set', () => {
    let grants = toggleGrant([], { app_name: 'sonarr', permission: 'logs.view' }, true);
    grants = toggleGrant(grants, { app_name: 'radarr', permission: 'apps.view' }, true);
    grants = toggleGrant(grants, { app_name: 'radarr', permission: 'apps.view' }, true);
    expect(grants).toEqual([
      { app_name: 'radarr', permission: 'apps.view' },
      { app_name: 'sonarr', permission: 'logs.view' },
    ]);
    expect(toggleGrant(grants, { app_name: 'radarr', permission: 'apps.view' }, false)).toEqual([
      { app_name: 'sonarr', permission: 'logs.view' },
    ]);
    expect(grantApps(['sonarr'], [{ app_name: 'old-app', permission: 'apps.view' }])).toEqual([
      'old-app',
      'sonarr',
    ]);
  });
});

function routes(extra: MockRoute[] = []): MockRoute[] {
  return [
    ...extra,
    { path: '/api/roles', reply: { body: [family, viewer] } },
    { path: '/api/permissions', reply: { body: permissions } },
    { path: '/api/auth/me', reply: { body: makeUser() } },
  ];
}

function renderRoles(permissionsHeld: Permission[]) {
  return renderWithProviders(
    <RolesView
      appNames={['jellyfin', 'sonarr']}
      createOpen={false}
      onCloseCreate={() => undefined}
    />,
    { user: makeUser({ permissions: permissionsHeld }) },
  );
}

describe('RolesView', () => {
  it('shows system roles read-only and saves a custom role’s permissions', async () => {
    const { calls } = mockFetch(
      routes([
        {
          method: 'PUT',
          path: '/api/roles/4/permissions',
          reply: { body: { ...family, permissions: ['apps.view', 'logs.view'] } },
        },
      ]),
    );
    const { user } = renderRoles(['roles.view', 'roles.manage']);
    const matrix = await screen.findByRole('table', { name: 'Permissions of each role' });
    expect(within(matrix).getByLabelText('viewer: logs.view')).toBeDisabled();
    expect(within(matrix).getByLabelText('viewer: logs.view')).toBeChecked();
    const cell = within(matrix).getByLabelText('family: logs.view');
    expect(cell).toBeEnabled();
    await user.click(cell);
    expect(screen.getByText('Unsaved changes to family.')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Save changes' }));
    await waitFor(() =>
      expect(calls.find((c) => c.method === 'PUT')?.body).toEqual({
        permissions: ['apps.view', 'logs.view'],
      }),
    );
  });

  it('is read-only without roles.manage', async () => {
    mockFetch(routes());
    const { user } = renderRoles(['roles.view']);
    const matrix = await screen.findByRole('table', { name: 'Permissions of each role' });
    expect(within(matrix).getByLabelText('family: logs.view')).toBeDisabled();
    await user.click(screen.getByRole('button', { name: 'Actions for role family' }));
    expect(screen.getAllByRole('menuitem').map((item) => item.textContent)).toEqual([
      'View per-app grants',
    ]);
  });

  it('edits per-app grants: apps × per-app permissions, global ones shown as granted', async () => {
    const { calls } = mockFetch(
      routes([{ method: 'PUT', path: '/api/roles/4/apps', reply: { body: family } }]),
    );
    const { user } = renderRoles(['roles.view', 'roles.manage']);
    await user.click(await screen.findByRole('button', { name: 'Actions for role family' }));
    await user.click(screen.getByRole('menuitem', { name: 'Edit per-app grants' }));
    const dialog = screen.getByRole('dialog', { name: 'Per-app grants of family' });
    expect(within(dialog).getByLabelText('apps.view on sonarr')).toBeDisabled();
    expect(within(dialog).getByLabelText('apps.restart on jellyfin')).toBeChecked();
    await user.click(within(dialog).getByLabelText('logs.view on sonarr'));
    await user.click(within(dialog).getByRole('button', { name: 'Save grants' }));
    await waitFor(() =>
      expect(calls.find((c) => c.method === 'PUT')?.body).toEqual({
        grants: [
          { app_name: 'jellyfin', permission: 'apps.restart' },
          { app_name: 'sonarr', permission: 'logs.view' },
        ],
      }),
    );
  });

  it('does not offer to delete a system role', async () => {
    mockFetch(routes());
    const { user } = renderRoles(['roles.view', 'roles.manage']);
    await user.click(await screen.findByRole('button', { name: 'Actions for role viewer' }));
    const remove = screen.getByRole('menuitem', { name: /Delete/ });
    expect(remove).toHaveAttribute('aria-disabled', 'true');
    expect(remove).toHaveTextContent('System roles cannot be deleted');
  });
});
