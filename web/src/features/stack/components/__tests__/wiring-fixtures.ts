import type { WiringApp, WiringGraph, WiringLink } from '@/features/stack/api/types';

export const apps: WiringApp[] = [
  { name: 'prowlarr', display_name: 'Prowlarr', category: 'indexer' },
  { name: 'sonarr', display_name: 'Sonarr', category: 'media-manager' },
  { name: 'radarr', display_name: 'Radarr', category: 'media-manager' },
  { name: 'qbittorrent', display_name: 'qBittorrent', category: 'download-client' },
  { name: 'jellyfin', display_name: 'Jellyfin', category: 'media-server' },
];

export function link(overrides: Partial<WiringLink> & Pick<WiringLink, 'id'>): WiringLink {
  const [from = 'sonarr', kind = 'download-client', to = 'qbittorrent'] = overrides.id.split(':');
  return {
    from,
    to,
    kind: kind as WiringLink['kind'],
    state: 'ok',
    message: null,
    detail: null,
    checked_at: '2026-12-02T20:00:00Z',
    enabled: true,
    can_manage: true,
    ...overrides,
  };
}

export const sonarrToQbit = link({
  id: 'sonarr:download-client:qbittorrent',
  detail: 'category tv, saves to /data/torrents/tv',
});
export const radarrToQbit = link({
  id: 'radarr:download-client:qbittorrent',
  state: 'failed',
  message: 'Unable to connect to qBittorrent: authentication failed',
});
export const prowlarrToSonarr = link({ id: 'prowlarr:application:sonarr', state: 'pending' });
export const prowlarrToRadarr = link({ id: 'prowlarr:application:radarr', state: 'drifted' });
export const sonarrRoot = link({
  id: 'sonarr:root-folder:sonarr',
  detail: '/data/media/tv',
});
export const radarrRoot = link({
  id: 'radarr:root-folder:radarr',
  state: 'disabled',
  enabled: false,
});

export function graph(links: WiringLink[] = allLinks()): WiringGraph {
  return { apps, links };
}

export function allLinks(): WiringLink[] {
  return [sonarrToQbit, radarrToQbit, prowlarrToSonarr, prowlarrToRadarr, sonarrRoot, radarrRoot];
}
