import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import type { CatalogAppDetail, CurrentUser, InstalledApp } from '@/api/types';
import { apiError, mockFetch, type MockRoute } from '@/testing/mock-fetch';
import { makeUser, renderWithProviders } from '@/testing/test-utils';

import { AppDetail, busyReason } from '../app-detail';

const sonarr: InstalledApp = {
  name: 'sonarr',
  state: 'installed',
  message: 'Running',
  version: '1.0.0',
  app_version: '4.0.20',
  namespace: 'sonarr',
  ready_pods: 1,
  total_pods: 1,
  updated_at: '2026-01-01T00:00:00Z',
  stale: false,
};

const catalogDetail: CatalogAppDetail = {
  name: 'sonarr',
  display_name: 'Sonarr',
  description: 'TV',
  category: 'media-manager',
  version: '1.1.0',
  app_version: '4.1.0',
  icon_url: '',
  installed: true,
  peers: [],
  pod_security: 'baseline',
  trusts_gateway: false,
  values_schema: {
    type: 'object',
    properties: {
      persistence: {
        type: 'object',
        properties: { size: { type: 'string', title: 'Size' } },
      },
    },
  },
  default_values: { persistence: { size: '5Gi' } },
};

const admin = makeUser({
  permissions: [
    'apps.view',
    'apps.install',
    'apps.upgrade',
    'apps.restart',
    'apps.delete',
    'logs.view',
  ],
});
const viewer = makeUser({ username: 'vic', permissions: ['apps.view', 'logs.view'] });

function routes(app: InstalledApp = sonarr, extra: MockRoute[] = []): MockRoute[] {
  return [
    ...extra,
    { path: '/api/apps', reply: { body: [app] } },
    {
      path: '/api/apps/sonarr/pods',
      reply: {
        body: [
          {
            name: 'sonarr-abc',
            phase: 'Running',
            ready: true,
            restarts: 2,
            node: 'kwok-node-0',
            age_seconds: 3700,
            containers: ['sonarr'],
          },
        ],
      },
    },
    {
      path: '/api/apps/sonarr/events',
      reply: {
        body: [
          {
            type: 'Warning',
            reason: 'BackOff',
            message: 'Back-off restarting',
            object: 'Pod/sonarr-abc',
            count: 3,
            last_seen: '2026-01-01T00:00:00Z',
          },
        ],
      },
    },
  ];
}

function renderDetail(user: CurrentUser, route = '/apps/sonarr') {
  return renderWithProviders(
    <AppDetail name="sonarr" catalog={{ data: catalogDetail, isPending: false, error: null }} />,
    { user, route, path: '/apps/:name', routes: [{ path: '/', element: <p>dashboard</p> }] },
  );
}

describe('AppDetail', () => {
  it('shows status, pods and events, and every action for an admin', async () => {
    mockFetch(routes());
    renderDetail(admin);
    expect(await screen.findByRole('heading', { name: 'sonarr' })).toBeInTheDocument();
    expect(screen.getByText('Running')).toBeInTheDocument();
    const podsTable = await screen.findByRole('table', { name: 'Pods' });
    expect(within(podsTable).getByText('sonarr-abc')).toBeInTheDocument();
    expect(within(podsTable).getByText('1h 1m')).toBeInTheDocument();
    expect(await screen.findByText('Back-off restarting')).toBeInTheDocument();
    for (const action of ['Upgrade', 'Restart', 'Uninstall']) {
      expect(screen.getByRole('button', { name: action })).toBeEnabled();
    }
    expect(screen.getByRole('tab', { name: 'Logs' })).toBeInTheDocument();
  });

  it('offers a viewer no actions, and no Logs tab without logs.view', async () => {
    mockFetch(routes());
    renderDetail(makeUser({ permissions: ['apps.view'] }));
    await screen.findByRole('heading', { name: 'sonarr' });
    expect(screen.queryByRole('group', { name: 'App actions' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Uninstall' })).not.toBeInTheDocument();
    expect(screen.queryByRole('tab', { name: 'Logs' })).not.toBeInTheDocument();
  });

  it('offers per-app grants only for that app', async () => {
    mockFetch(routes());
    renderDetail(
      makeUser({
        permissions: ['apps.view'],
        app_permissions: { sonarr: ['apps.restart'], radarr: ['apps.delete'] },
      }),
    );
    await screen.findByRole('heading', { name: 'sonarr' });
    expect(screen.getByRole('button', { name: 'Restart' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Uninstall' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Upgrade' })).not.toBeInTheDocument();
  });

  it('disables actions with a reason while an operation runs', async () => {
    mockFetch(routes({ ...sonarr, state: 'upgrading', message: 'Upgrading' }));
    renderDetail(admin);
    const restart = await screen.findByRole('button', { name: 'Restart' });
    expect(restart).toBeDisabled();
    expect(restart).toHaveAttribute('title', 'Wait until the current operation finishes.');
    expect(screen.getByRole('button', { name: 'Uninstall' })).toBeEnabled();
    expect(busyReason({ ...sonarr, state: 'uninstalling' })).toBe('The app is being uninstalled.');
    expect(busyReason(sonarr)).toBeNull();
  });

  it('restarts after confirmation', async () => {
    const { calls } = mockFetch(
      routes(sonarr, [
        {
          method: 'POST',
          path: '/api/apps/sonarr/restart',
          reply: { status: 202, body: { app_name: 'sonarr', state: 'upgrading' } },
        },
      ]),
    );
    const { user } = renderDetail(admin);
    await user.click(await screen.findByRole('button', { name: 'Restart' }));
    const dialog = screen.getByRole('dialog', { name: 'Restart sonarr?' });
    await user.click(within(dialog).getByRole('button', { name: 'Restart' }));
    await waitFor(() =>
      expect(calls.some((c) => c.method === 'POST' && c.path === '/api/apps/sonarr/restart')).toBe(
        true,
      ),
    );
    expect(await screen.findByText('Restarting sonarr')).toBeInTheDocument();
  });

  it('uninstalls only once the name is typed, keeping data unless unticked', async () => {
    const { calls } = mockFetch(
      routes(sonarr, [
        {
          method: 'DELETE',
          path: '/api/apps/sonarr',
          reply: { status: 202, body: { app_name: 'sonarr', state: 'uninstalling' } },
        },
      ]),
    );
    const { user, router } = renderDetail(admin);
    await user.click(await screen.findByRole('button', { name: 'Uninstall' }));
    const dialog = screen.getByRole('dialog', { name: 'Uninstall sonarr?' });
    const confirm = within(dialog).getByRole('button', { name: 'Uninstall' });
    expect(within(dialog).getByLabelText('Keep the app’s data')).toBeChecked();
    expect(confirm).toBeDisabled();
    await user.type(within(dialog).getByLabelText(/Type/), 'sonar');
    expect(confirm).toBeDisabled();
    await user.type(within(dialog).getByLabelText(/Type/), 'r');
    expect(confirm).toBeEnabled();
    await user.click(within(dialog).getByLabelText('Keep the app’s data'));
    await user.click(confirm);
    await waitFor(() => expect(router.state.location.pathname).toBe('/'));
    const call = calls.find((c) => c.method === 'DELETE');
    expect(call?.path).toBe('/api/apps/sonarr?delete_data=true');
    expect(call?.headers.get('X-Kubarr-Csrf')).toBe('1');
  });

  it('upgrades keeping the values, or with new values from the generated form', async () => {
    const { calls } = mockFetch(
      routes(sonarr, [
        {
          method: 'POST',
          path: '/api/apps/sonarr/upgrade',
          reply: { status: 202, body: { app_name: 'sonarr', state: 'upgrading' } },
        },
      ]),
    );
    const { user } = renderDetail(admin);
    await user.click(await screen.findByRole('button', { name: 'Upgrade' }));
    let dialog = screen.getByRole('dialog', { name: 'Upgrade sonarr' });
    expect(within(dialog).getByLabelText('Chart version')).toHaveValue('1.1.0');
    await user.click(within(dialog).getByRole('button', { name: 'Upgrade' }));
    await waitFor(() => expect(calls.filter((c) => c.method === 'POST')).toHaveLength(1));
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ version: '1.1.0' });

    await user.click(await screen.findByRole('button', { name: 'Upgrade' }));
    dialog = screen.getByRole('dialog', { name: 'Upgrade sonarr' });
    await user.click(within(dialog).getByLabelText('Replace the app’s values'));
    const size = within(dialog).getByLabelText('Size');
    expect(size).toHaveValue('5Gi');
    await user.clear(size);
    await user.type(size, '20Gi');
    await user.click(within(dialog).getByRole('button', { name: 'Upgrade' }));
    await waitFor(() => expect(calls.filter((c) => c.method === 'POST')).toHaveLength(2));
    expect(calls.filter((c) => c.method === 'POST')[1]?.body).toEqual({
      version: '1.1.0',
      values: { persistence: { size: '20Gi' } },
    });
  });

  it('shows a 422 about a value next to that field of the upgrade form', async () => {
    mockFetch(
      routes(sonarr, [
        {
          method: 'POST',
          path: '/api/apps/sonarr/upgrade',
          reply: apiError(422, 'invalid_values', 'must match pattern', {
            field: 'values.persistence.size',
          }),
        },
      ]),
    );
    const { user } = renderDetail(admin);
    await user.click(await screen.findByRole('button', { name: 'Upgrade' }));
    const dialog = screen.getByRole('dialog', { name: 'Upgrade sonarr' });
    await user.click(within(dialog).getByLabelText('Replace the app’s values'));
    await user.click(within(dialog).getByRole('button', { name: 'Upgrade' }));
    const size = within(dialog).getByLabelText('Size');
    await waitFor(() => expect(size).toHaveAttribute('aria-invalid', 'true'));
    expect(size).toHaveAccessibleDescription('must match pattern');
  });

  it('says so when the app is not installed (or not visible)', async () => {
    mockFetch([{ path: '/api/apps', reply: { body: [] } }]);
    renderDetail(viewer);
    expect(await screen.findByText('sonarr is not installed')).toBeInTheDocument();
  });
});
