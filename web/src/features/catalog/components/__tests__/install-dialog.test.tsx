import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';

import type { CatalogAppDetail, CatalogEntry } from '@/api/types';
import { apiError, mockFetch } from '@/testing/mock-fetch';
import { makeUser, renderWithProviders } from '@/testing/test-utils';

import { CatalogView } from '../catalog-view';
import { InstallDialog } from '../install-dialog';

const sonarr: CatalogEntry = {
  name: 'sonarr',
  display_name: 'Sonarr',
  description: 'TV series manager',
  category: 'Media management',
  version: '1.2.0',
  app_version: '4.0.0',
  icon_url: '/api/apps/catalog/sonarr/icon',
  installed: false,
  peers: [],
  pod_security: 'baseline',
  trusts_gateway: false,
};

const detail: CatalogAppDetail = {
  ...sonarr,
  values_schema: {
    type: 'object',
    properties: {
      persistence: {
        type: 'object',
        properties: { size: { type: 'string', title: 'Size', default: '5Gi' } },
      },
    },
  },
  default_values: { persistence: { size: '10Gi' } },
};

describe('InstallDialog', () => {
  it('posts {app_name, values} and closes', async () => {
    const { calls } = mockFetch([
      { path: '/api/apps/catalog/sonarr', reply: { body: detail } },
      {
        method: 'POST',
        path: '/api/apps/install',
        reply: { status: 202, body: { app_name: 'sonarr', state: 'installing' } },
      },
    ]);
    const onClose = vi.fn();
    const { user } = renderWithProviders(<InstallDialog app={sonarr} onClose={onClose} />);

    expect(await screen.findByLabelText('Size')).toHaveValue('10Gi');
    await user.click(screen.getByRole('button', { name: 'Install' }));

    await waitFor(() => expect(onClose).toHaveBeenCalled());
    const post = calls.find((c) => c.method === 'POST');
    expect(post?.body).toEqual({ app_name: 'sonarr', values: { persistence: { size: '10Gi' } } });
    expect(post?.headers.get('X-Kubarr-Csrf')).toBe('1');
    expect(await screen.findByText('Installing Sonarr')).toBeInTheDocument();
  });

  it('says why a retired app is retired, and still installs it', async () => {
    mockFetch([{ path: '/api/apps/catalog/sonarr', reply: { body: detail } }]);
    const retired = { ...sonarr, retired: 'Its upstream project was archived; it gets no fixes.' };
    renderWithProviders(<InstallDialog app={retired} onClose={vi.fn()} />);
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Sonarr is retiredIts upstream project was archived; it gets no fixes.',
    );
    expect(await screen.findByLabelText('Size')).toHaveValue('10Gi');
    expect(screen.getByRole('button', { name: 'Install' })).toBeEnabled();
  });

  it('shows a 422 that names a value next to that field', async () => {
    mockFetch([
      { path: '/api/apps/catalog/sonarr', reply: { body: detail } },
      {
        method: 'POST',
        path: '/api/apps/install',
        reply: apiError(
          422,
          'invalid_values',
          'values.persistence.size: "10Gi" is not allowed here',
        ),
      },
    ]);
    const onClose = vi.fn();
    const { user } = renderWithProviders(<InstallDialog app={sonarr} onClose={onClose} />);
    await user.click(await screen.findByRole('button', { name: 'Install' }));

    const size = screen.getByLabelText('Size');
    await waitFor(() => expect(size).toHaveAttribute('aria-invalid', 'true'));
    expect(size).toHaveAccessibleDescription('values.persistence.size: "10Gi" is not allowed here');
    expect(onClose).not.toHaveBeenCalled();
  });

  it('shows other failures (409) above the form', async () => {
    mockFetch([
      { path: '/api/apps/catalog/sonarr', reply: { body: detail } },
      {
        method: 'POST',
        path: '/api/apps/install',
        reply: apiError(409, 'already_installed', 'Sonarr is already installed.'),
      },
    ]);
    const { user } = renderWithProviders(<InstallDialog app={sonarr} onClose={vi.fn()} />);
    await user.click(await screen.findByRole('button', { name: 'Install' }));
    expect(await screen.findByText('Sonarr is already installed.')).toBeInTheDocument();
  });
});

describe('CatalogView', () => {
  const radarr: CatalogEntry = {
    ...sonarr,
    name: 'radarr',
    display_name: 'Radarr',
    description: 'Movie manager',
  };
  const jellyfin: CatalogEntry = {
    ...sonarr,
    name: 'jellyfin',
    display_name: 'Jellyfin',
    description: 'Media server',
    category: 'Media servers',
    installed: true,
  };

  it('groups by category, searches, and offers Install only where allowed', async () => {
    const { user } = renderWithProviders(
      <CatalogView
        entries={[sonarr, radarr, jellyfin]}
        appStates={{ jellyfin: 'installing' }}
        canInstall={(app) => app === 'sonarr'}
      />,
      { user: makeUser() },
    );
    expect(screen.getByRole('heading', { name: 'Media management' })).toBeInTheDocument();
    expect(screen.getByRole('heading', { name: 'Media servers' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Install Sonarr' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Install Radarr' })).not.toBeInTheDocument();
    expect(screen.getByText('Installing')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Open Jellyfin' })).toHaveAttribute(
      'href',
      '/apps/jellyfin',
    );

    await user.type(screen.getByLabelText('Search the catalog'), 'movie');
    await waitFor(() => expect(screen.queryByText('Sonarr')).not.toBeInTheDocument());
    expect(screen.getByText('Radarr')).toBeInTheDocument();
  });

  it('shows category slugs as words, one heading each', () => {
    renderWithProviders(
      <CatalogView
        entries={[
          { ...sonarr, category: 'media-manager' },
          { ...radarr, category: 'media-manager' },
          { ...jellyfin, category: 'download-client', installed: false },
          { ...sonarr, name: 'other', display_name: 'Other app', category: 'home_automation' },
        ]}
        canInstall={() => true}
      />,
      { user: makeUser() },
    );
    expect(screen.getAllByRole('heading', { level: 2 }).map((h) => h.textContent)).toEqual([
      'Download clients',
      'Home automation',
      'Media managers',
    ]);
    expect(screen.queryByText('download-client')).not.toBeInTheDocument();
  });
});
