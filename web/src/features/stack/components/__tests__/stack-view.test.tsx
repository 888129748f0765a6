import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { mockFetch } from '@/testing/mock-fetch';
import { makeUser, renderWithProviders } from '@/testing/test-utils';

import type { WiringLink } from '@/features/stack/api/types';
import { AppConnections } from '../app-connections';
import { StackView } from '../stack-view';
import { graph, radarrRoot, sonarrRoot, sonarrToQbit } from './wiring-fixtures';

const admin = makeUser({ permissions: ['apps.view', 'apps.upgrade', 'apps.install'] });
const viewer = makeUser({ username: 'vic', permissions: ['apps.view'] });

function wiringRoute(links?: WiringLink[]) {
  return { path: '/api/stack/wiring', reply: { body: graph(links) } };
}

describe('StackView', () => {
  it('draws the apps as nodes and the links between them as edges named by their state', async () => {
    mockFetch([wiringRoute()]);
    renderWithProviders(<StackView />, { user: admin });
    const diagram = await screen.findByRole('group', { name: 'Stack diagram' });
    for (const name of ['Prowlarr', 'Sonarr', 'Radarr', 'qBittorrent', 'Jellyfin']) {
      expect(within(diagram).getByRole('group', { name })).toBeInTheDocument();
    }
    const edges = within(within(diagram).getByRole('group', { name: 'Links between apps' }))
      .getAllByRole('button')
      .map((edge) => edge.getAttribute('aria-label'));
    expect(edges.sort()).toEqual([
      'Prowlarr → Radarr, Indexer sync: Changed',
      'Prowlarr → Sonarr, Indexer sync: Setting up',
      'Radarr → qBittorrent, Download client: Failed',
      'Sonarr → qBittorrent, Download client: Connected',
    ]);
    // The legend says what each line means in words.
    const legend = screen.getByRole('list', { name: 'What the lines mean' });
    for (const label of ['Connected', 'Setting up', 'Changed', 'Failed', 'Off']) {
      expect(within(legend).getByText(label)).toBeInTheDocument();
    }
    expect(screen.getByText('6 links: 2 connected, 1 setting up, 1 changed, 1 failed, 1 off.'));
  });

  it('shows root folders as rows on their app, not as edges', async () => {
    mockFetch([wiringRoute([sonarrRoot, radarrRoot])]);
    renderWithProviders(<StackView />, { user: admin });
    const sonarr = await screen.findByRole('group', { name: 'Sonarr' });
    expect(
      within(sonarr).getByRole('button', { name: 'Sonarr root folder: Connected' }),
    ).toBeInTheDocument();
    expect(
      within(screen.getByRole('group', { name: 'Radarr' })).getByRole('button', {
        name: 'Radarr root folder: Off',
      }),
    ).toBeInTheDocument();
    expect(
      within(screen.getByRole('group', { name: 'Links between apps' })).queryAllByRole('button'),
    ).toHaveLength(0);
  });

  it('opens a link from the diagram with Enter and repairs it: the link shows Setting up', async () => {
    const failed = { ...sonarrToQbit, state: 'failed' as const, message: 'Connection refused' };
    const { calls } = mockFetch([
      wiringRoute([failed]),
      {
        method: 'POST',
        path: '/api/stack/wiring/sonarr%3Adownload-client%3Aqbittorrent/repair',
        reply: { status: 202, body: { ...failed, state: 'pending', message: null } },
      },
    ]);
    const { user } = renderWithProviders(<StackView />, { user: admin });
    const diagram = await screen.findByRole('group', { name: 'Links between apps' });
    const edge = within(diagram).getByRole('button', {
      name: 'Sonarr → qBittorrent, Download client: Failed',
    });
    edge.focus();
    await user.keyboard('{Enter}');
    const dialog = await screen.findByRole('dialog', { name: 'Sonarr → qBittorrent' });
    expect(within(dialog).getByText('Download client')).toBeInTheDocument();
    expect(within(dialog).getByText('Connection refused')).toBeInTheDocument();
    expect(within(dialog).getByText('category tv, saves to /data/torrents/tv')).toBeInTheDocument();

    await user.click(within(dialog).getByRole('button', { name: 'Repair' }));
    await waitFor(() => {
      expect(within(dialog).getByText('Setting up')).toBeInTheDocument();
    });
    const repair = calls.find((call) => call.method === 'POST');
    expect(repair?.headers.get('X-Kubarr-Csrf')).toBe('1');
    expect(repair?.body).toBeUndefined();
  });

  it('disables a link from the list with {enabled:false}', async () => {
    const { calls } = mockFetch([
      wiringRoute([sonarrToQbit]),
      {
        method: 'PUT',
        path: '/api/stack/wiring/sonarr%3Adownload-client%3Aqbittorrent',
        reply: { body: { ...sonarrToQbit, state: 'disabled', enabled: false } },
      },
    ]);
    const { user } = renderWithProviders(<StackView />, { user: admin });
    const list = await screen.findByRole('list', { name: 'All links' });
    await user.click(within(list).getByRole('button', { name: /Sonarr → qBittorrent/ }));
    const dialog = await screen.findByRole('dialog');
    await user.click(within(dialog).getByRole('button', { name: 'Disable' }));
    expect(await within(dialog).findByRole('button', { name: 'Enable' })).toBeInTheDocument();
    expect(within(dialog).getByText('Off')).toBeInTheDocument();
    expect(calls.find((call) => call.method === 'PUT')?.body).toEqual({ enabled: false });
  });

  it('offers the actions disabled, with the reason, to a caller who may not manage the link', async () => {
    mockFetch([wiringRoute([{ ...sonarrToQbit, can_manage: false }])]);
    const { user } = renderWithProviders(<StackView />, { user: viewer });
    const [edge] = await screen.findAllByRole('button', {
      name: /Sonarr → qBittorrent, Download client/,
    });
    await user.click(edge!);
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByRole('button', { name: 'Repair' })).toBeDisabled();
    expect(within(dialog).getByRole('button', { name: 'Disable' })).toBeDisabled();
    expect(
      within(dialog).getByText(
        'Changing this needs permission to upgrade both Sonarr and qBittorrent.',
      ),
    ).toBeInTheDocument();
  });

  it('shows the server’s message when an action is refused', async () => {
    mockFetch([
      wiringRoute([sonarrToQbit]),
      {
        method: 'POST',
        path: /\/repair$/,
        reply: {
          status: 404,
          body: { error: { code: 'link_not_found', message: 'No such link.' } },
        },
      },
    ]);
    const { user } = renderWithProviders(<StackView />, { user: admin });
    const [edge] = await screen.findAllByRole('button', {
      name: /Sonarr → qBittorrent, Download client/,
    });
    await user.click(edge!);
    const dialog = await screen.findByRole('dialog');
    await user.click(within(dialog).getByRole('button', { name: 'Repair' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('No such link.');
  });

  it('shows the error when the stack cannot be loaded', async () => {
    mockFetch([
      {
        path: '/api/stack/wiring',
        reply: { status: 403, body: { error: { code: 'forbidden', message: 'Not for you.' } } },
      },
    ]);
    renderWithProviders(<StackView />, { user: admin });
    expect(await screen.findByRole('alert')).toHaveTextContent('Not for you.');
  });

  it('says what to install when nothing is connected', async () => {
    mockFetch([wiringRoute([])]);
    renderWithProviders(<StackView />, { user: admin });
    expect(
      await screen.findByText(
        'Install two apps that work together (e.g. Sonarr and qBittorrent) and Kubarr connects them here.',
      ),
    ).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Open the catalog' })).toBeInTheDocument();
  });
});

describe('AppConnections', () => {
  it('lists the app’s links with their state and actions, and links to the stack', async () => {
    const { calls } = mockFetch([
      wiringRoute(),
      {
        method: 'PUT',
        path: /\/api\/stack\/wiring\/.+/,
        reply: { body: { ...sonarrToQbit, state: 'disabled', enabled: false } },
      },
    ]);
    const { user } = renderWithProviders(<AppConnections app="sonarr" />, { user: admin });
    const list = await screen.findByRole('list', { name: 'Sonarr connections' });
    const rows = within(list).getAllByRole('listitem');
    expect(rows.map((row) => row.getAttribute('aria-label'))).toEqual([
      'Prowlarr → Sonarr, Indexer sync',
      'Sonarr → qBittorrent, Download client',
      'Sonarr, Root folder',
    ]);
    expect(within(rows[0]!).getByText('Setting up')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'See the whole stack' })).toHaveAttribute(
      'href',
      '/stack',
    );
    await user.click(
      within(rows[1]!).getByRole('button', { name: 'Disable Sonarr → qBittorrent' }),
    );
    await waitFor(() => {
      expect(calls.find((call) => call.method === 'PUT')).toMatchObject({
        path: '/api/stack/wiring/sonarr%3Adownload-client%3Aqbittorrent',
        body: { enabled: false },
      });
    });
  });
});
