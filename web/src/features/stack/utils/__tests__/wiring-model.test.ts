import { describe, expect, it } from 'vitest';

import {
  allLinks,
  apps,
  graph,
  link,
  sonarrToQbit,
} from '@/features/stack/components/__tests__/wiring-fixtures';
import {
  columnOf,
  kindLabel,
  layoutGraph,
  linkSentence,
  linkStateInfo,
  linksOfApp,
  linkTitle,
  nameLookup,
  NODE_WIDTH,
  replaceLink,
  sortLinks,
} from '../wiring-model';

const nameOf = nameLookup(apps);

describe('words', () => {
  it('names kinds and states in words, and copes with ones it does not know', () => {
    expect(kindLabel('download-client')).toBe('Download client');
    expect(kindLabel('root-folder')).toBe('Root folder');
    expect(kindLabel('application')).toBe('Indexer sync');
    expect(kindLabel('media-server_sync')).toBe('Media server sync');
    expect(linkStateInfo('ok').label).toBe('Connected');
    expect(linkStateInfo('drifted').label).toBe('Changed');
    expect(linkStateInfo('exploded')).toMatchObject({ label: 'exploded', tone: 'neutral' });
  });

  it('titles a link by its apps and says what it does', () => {
    expect(linkTitle(sonarrToQbit, nameOf)).toBe('Sonarr → qBittorrent');
    expect(linkTitle(link({ id: 'sonarr:root-folder:sonarr' }), nameOf)).toBe('Sonarr');
    expect(linkTitle(link({ id: 'lidarr:download-client:qbittorrent' }), nameOf)).toBe(
      'lidarr → qBittorrent',
    );
    expect(linkSentence(sonarrToQbit, nameOf)).toBe(
      'Sonarr sends what it wants to download to qBittorrent.',
    );
  });
});

describe('columnOf', () => {
  it('puts indexers, media managers, download clients and the rest left to right', () => {
    expect(columnOf('indexer')).toBe(0);
    expect(columnOf('media-manager')).toBe(1);
    expect(columnOf('Download-Client')).toBe(2);
    expect(columnOf('media-server')).toBe(3);
    expect(columnOf('')).toBe(3);
  });
});

describe('layoutGraph', () => {
  it('lays the apps out by role and draws every link between two apps, not root folders', () => {
    const layout = layoutGraph(graph());
    expect(layout.columns.map((column) => column.title)).toEqual([
      'Indexers',
      'Media managers',
      'Download clients',
      'Other apps',
    ]);
    const column = (name: string) => layout.nodes.find((node) => node.app.name === name)?.column;
    expect(column('prowlarr')).toBe(0);
    expect(column('radarr')).toBe(1);
    expect(column('sonarr')).toBe(1);
    expect(column('qbittorrent')).toBe(2);
    expect(column('jellyfin')).toBe(3);
    expect(layout.edges.map((edge) => edge.link.id).sort()).toEqual([
      'prowlarr:application:radarr',
      'prowlarr:application:sonarr',
      'radarr:download-client:qbittorrent',
      'sonarr:download-client:qbittorrent',
    ]);
    const sonarr = layout.nodes.find((node) => node.app.name === 'sonarr');
    expect(sonarr?.rootFolders.map((l) => l.id)).toEqual(['sonarr:root-folder:sonarr']);
    // Taller by its root-folder row than an app without one.
    const qbit = layout.nodes.find((node) => node.app.name === 'qbittorrent');
    expect(sonarr!.height).toBeGreaterThan(qbit!.height);
  });

  it('runs an edge from the source’s right side to the target’s left side', () => {
    const layout = layoutGraph(graph([sonarrToQbit]));
    const sonarr = layout.nodes.find((node) => node.app.name === 'sonarr')!;
    const qbit = layout.nodes.find((node) => node.app.name === 'qbittorrent')!;
    const edge = layout.edges[0]!;
    expect(edge.path.startsWith(`M ${sonarr.x + NODE_WIDTH} `)).toBe(true);
    expect(edge.path.endsWith(`${qbit.x} ${qbit.y + 28}`)).toBe(true);
    expect(layout.width).toBeGreaterThan(qbit.x + NODE_WIDTH);
  });

  it('leaves out the columns without apps and links to apps the caller cannot see', () => {
    const layout = layoutGraph({
      apps: apps.filter((app) => app.name === 'sonarr' || app.name === 'qbittorrent'),
      links: [sonarrToQbit, link({ id: 'prowlarr:application:sonarr' })],
    });
    expect(layout.columns.map((column) => column.title)).toEqual([
      'Media managers',
      'Download clients',
    ]);
    expect(layout.edges.map((edge) => edge.link.id)).toEqual([sonarrToQbit.id]);
  });

  it('draws nothing for an empty graph', () => {
    expect(layoutGraph({ apps: [], links: [] })).toMatchObject({ width: 0, nodes: [], edges: [] });
  });
});

describe('lists', () => {
  it('replaces a link by id, keeping the rest', () => {
    const before = graph();
    const after = replaceLink(before, { ...sonarrToQbit, state: 'pending' });
    expect(after?.links.find((l) => l.id === sonarrToQbit.id)?.state).toBe('pending');
    expect(after?.links).toHaveLength(before.links.length);
    expect(before.links.find((l) => l.id === sonarrToQbit.id)?.state).toBe('ok');
    expect(replaceLink(undefined, sonarrToQbit)).toBeUndefined();
  });

  it('finds an app’s links and sorts links by app, then kind', () => {
    expect(
      linksOfApp(allLinks(), 'qbittorrent')
        .map((l) => l.from)
        .sort(),
    ).toEqual(['radarr', 'sonarr']);
    expect(sortLinks(allLinks(), nameOf).map((l) => l.id)).toEqual([
      'prowlarr:application:radarr',
      'prowlarr:application:sonarr',
      'radarr:download-client:qbittorrent',
      'radarr:root-folder:radarr',
      'sonarr:download-client:qbittorrent',
      'sonarr:root-folder:sonarr',
    ]);
  });
});
