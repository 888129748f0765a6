import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import type { GatewayOverview } from '@/api/types';
import { apiError, mockFetch } from '@/testing/mock-fetch';
import { makeUser, renderWithProviders } from '@/testing/test-utils';

import { GatewaySettings } from '../gateway-settings';

const admin = makeUser({ permissions: ['settings.view', 'settings.manage'] });

function overview(credentialsSet = false): GatewayOverview {
  return {
    enabled: true,
    mode: 'host',
    apps_domain: 'apps.home.example',
    port_range: null,
    dns_hint:
      'Point *.apps.home.example at the gateway (the address of the machine or Ingress that serves it), e.g. a wildcard A record.',
    apps: [
      {
        name: 'qbittorrent',
        access_mode: 'gated',
        credentials_set: credentialsSet,
        origin: 'https://qbittorrent.apps.home.example',
        trusts_gateway: false,
      },
      {
        name: 'sonarr',
        access_mode: 'gated',
        credentials_set: false,
        origin: 'https://sonarr.apps.home.example',
        trusts_gateway: true,
      },
      {
        name: 'jellyfin',
        access_mode: 'native',
        credentials_set: false,
        origin: 'https://jellyfin.apps.home.example',
        trusts_gateway: false,
      },
    ],
  };
}

const row = (name: string) => screen.getByRole('row', { name: new RegExp(`^${name}`) });

describe('GatewaySettings', () => {
  it('shows the mode, the apps domain, the DNS line and each app’s origin', async () => {
    mockFetch([{ path: '/api/gateway', reply: { body: overview() } }]);
    renderWithProviders(<GatewaySettings readOnly={false} />, { user: admin });
    expect(await screen.findByText('apps.home.example')).toBeInTheDocument();
    expect(screen.getByTestId('dns-hint')).toHaveTextContent('Point *.apps.home.example at');
    expect(screen.getByText('*.apps.home.example')).toBeInTheDocument();
    expect(screen.getByText('https://qbittorrent.apps.home.example')).toBeInTheDocument();
    expect(screen.getByLabelText('Access to jellyfin')).toHaveValue('native');
  });

  it('offers no native mode for an app that signs people in through Kubarr only', async () => {
    mockFetch([{ path: '/api/gateway', reply: { body: overview() } }]);
    renderWithProviders(<GatewaySettings readOnly={false} />, { user: admin });
    const select = await screen.findByLabelText('Access to sonarr');
    expect(within(select).getByRole('option', { name: 'Native' })).toBeDisabled();
    expect(within(select).getByRole('option', { name: 'Off' })).toBeEnabled();
    expect(screen.getByText(/signs people in through Kubarr only/)).toBeInTheDocument();
    const other = screen.getByLabelText('Access to qbittorrent');
    expect(within(other).getByRole('option', { name: 'Native' })).toBeEnabled();
  });

  it('changes an app’s access mode and explains the choice', async () => {
    let mode = 'gated';
    const { calls } = mockFetch([
      {
        path: '/api/gateway',
        reply: () => {
          const body = overview();
          body.apps[0]!.access_mode = mode as 'gated';
          return { body };
        },
      },
      {
        method: 'PUT',
        path: '/api/apps/qbittorrent/access',
        reply: (request) => {
          mode = (request.body as { mode: string }).mode;
          return { body: { app_name: 'qbittorrent', mode } };
        },
      },
      { path: '/api/gateway/apps', reply: { body: [] } },
    ]);
    const { user } = renderWithProviders(<GatewaySettings readOnly={false} />, { user: admin });
    const select = await screen.findByLabelText('Access to qbittorrent');
    expect(within(row('qbittorrent')).getByText(/Kubarr’s sign-in and grants/)).toBeInTheDocument();

    await user.selectOptions(select, 'native');

    await waitFor(() => {
      expect(screen.getByLabelText('Access to qbittorrent')).toHaveValue('native');
    });
    expect(within(row('qbittorrent')).getByText(/The app’s own login/)).toBeInTheDocument();
    const put = calls.find((c) => c.method === 'PUT');
    expect(put).toMatchObject({ path: '/api/apps/qbittorrent/access', body: { mode: 'native' } });
    expect(put?.headers.get('X-Kubarr-Csrf')).toBe('1');
  });

  it('shows the server’s message next to the access select it is about', async () => {
    mockFetch([
      { path: '/api/gateway', reply: { body: overview() } },
      {
        method: 'PUT',
        path: '/api/apps/qbittorrent/access',
        reply: apiError(404, 'app_not_found', 'qbittorrent is not installed.'),
      },
      { path: '/api/gateway/apps', reply: { body: [] } },
    ]);
    const { user } = renderWithProviders(<GatewaySettings readOnly={false} />, { user: admin });
    await user.selectOptions(await screen.findByLabelText('Access to qbittorrent'), 'off');
    const select = screen.getByLabelText('Access to qbittorrent');
    expect(
      await within(row('qbittorrent')).findByText('qbittorrent is not installed.'),
    ).toBeInTheDocument();
    expect(select).toHaveAttribute('aria-invalid', 'true');
    expect(select).toHaveValue('gated');
  });

  it('stores app credentials write-only: the password is sent, never shown back', async () => {
    let stored = false;
    const { calls } = mockFetch([
      { path: '/api/gateway', reply: () => ({ body: overview(stored) }) },
      {
        method: 'PUT',
        path: '/api/apps/qbittorrent/gateway-credentials',
        reply: () => {
          stored = true;
          return { status: 204 };
        },
      },
    ]);
    const { user, container } = renderWithProviders(<GatewaySettings readOnly={false} />, {
      user: admin,
    });
    expect(await screen.findByTestId('credentials-qbittorrent')).toHaveTextContent('Not set');

    await user.click(screen.getByRole('button', { name: 'Set credentials for qbittorrent' }));
    const form = screen.getByRole('form', { name: 'Credentials for qbittorrent' });
    const password = within(form).getByLabelText(/^App password/);
    expect(password).toHaveAttribute('type', 'password');
    expect(password).toHaveValue('');
    await user.type(within(form).getByLabelText(/^App user name/), 'admin');
    await user.type(password, 's3cret-pass');
    await user.click(within(form).getByRole('button', { name: 'Save credentials' }));

    await waitFor(() => {
      expect(screen.getByTestId('credentials-qbittorrent')).toHaveTextContent('Set');
    });
    expect(calls.find((c) => c.method === 'PUT')?.body).toEqual({
      username: 'admin',
      password: 's3cret-pass',
    });
    // The form is gone and nothing in the page holds the password.
    expect(screen.queryByRole('form', { name: 'Credentials for qbittorrent' })).toBeNull();
    expect(container.innerHTML).not.toContain('s3cret-pass');
    for (const input of container.querySelectorAll('input')) {
      expect(input.value).not.toBe('s3cret-pass');
    }
    expect(
      screen.getByRole('button', { name: 'Replace credentials for qbittorrent' }),
    ).toBeVisible();
  });

  it('puts a refused field’s message next to it and empties the password', async () => {
    mockFetch([
      { path: '/api/gateway', reply: { body: overview() } },
      {
        method: 'PUT',
        path: '/api/apps/qbittorrent/gateway-credentials',
        reply: apiError(
          400,
          'validation_failed',
          '1 to 256 characters, without `:` or control characters.',
          { field: 'username' },
        ),
      },
    ]);
    const { user } = renderWithProviders(<GatewaySettings readOnly={false} />, { user: admin });
    await user.click(
      await screen.findByRole('button', { name: 'Set credentials for qbittorrent' }),
    );
    const form = screen.getByRole('form', { name: 'Credentials for qbittorrent' });
    await user.type(within(form).getByLabelText(/^App user name/), 'a:b');
    await user.type(within(form).getByLabelText(/^App password/), 'pw');
    await user.click(within(form).getByRole('button', { name: 'Save credentials' }));

    const username = within(form).getByLabelText(/^App user name/);
    await waitFor(() => {
      expect(username).toHaveAttribute('aria-invalid', 'true');
    });
    expect(within(form).getByText(/without `:` or control characters/)).toBeInTheDocument();
    expect(within(form).getByLabelText(/^App password/)).toHaveValue('');
  });

  it('clears stored credentials', async () => {
    let stored = true;
    const { calls } = mockFetch([
      { path: '/api/gateway', reply: () => ({ body: overview(stored) }) },
      {
        method: 'DELETE',
        path: '/api/apps/qbittorrent/gateway-credentials',
        reply: () => {
          stored = false;
          return { status: 204 };
        },
      },
    ]);
    const { user } = renderWithProviders(<GatewaySettings readOnly={false} />, { user: admin });
    await user.click(
      await screen.findByRole('button', { name: 'Clear credentials for qbittorrent' }),
    );
    await waitFor(() => {
      expect(screen.getByTestId('credentials-qbittorrent')).toHaveTextContent('Not set');
    });
    expect(calls.some((c) => c.method === 'DELETE')).toBe(true);
  });

  it('offers no changes to a viewer of the settings', async () => {
    mockFetch([{ path: '/api/gateway', reply: { body: overview(true) } }]);
    renderWithProviders(<GatewaySettings readOnly />, {
      user: makeUser({ permissions: ['settings.view'] }),
    });
    expect(await screen.findByLabelText('Access to qbittorrent')).toBeDisabled();
    expect(screen.getByTestId('credentials-qbittorrent')).toHaveTextContent('Set');
    expect(screen.queryByRole('button', { name: /credentials for/ })).not.toBeInTheDocument();
  });

  it('says the gateway is off when it is not configured', async () => {
    mockFetch([
      {
        path: '/api/gateway',
        reply: {
          body: { ...overview(), enabled: false, mode: 'off', apps_domain: null, dns_hint: null },
        },
      },
    ]);
    renderWithProviders(<GatewaySettings readOnly={false} />, { user: admin });
    expect(await screen.findByText('The gateway is off')).toBeInTheDocument();
  });
});
