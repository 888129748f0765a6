// The stack diagram as data: words for kinds and states, the column each app sits in, and the
// positions of nodes and edges. Pure (no DOM, no measuring), so the drawing is the same in every
// browser and in tests.

import type { StatusTone } from '@/components/ui/status-badge';

import type { WiringApp, WiringGraph, WiringKind, WiringLink, WiringState } from '../api/types';

// ---- words ---------------------------------------------------------------------------------------

const KIND_LABELS: Record<WiringKind, string> = {
  'download-client': 'Download client',
  'root-folder': 'Root folder',
  application: 'Indexer sync',
  subtitles: 'Subtitles',
  requests: 'Requests',
  'media-server': 'Media server',
  library: 'Library',
  'indexer-proxy': 'Indexer proxy',
};

/** A link's kind in words; an unknown kind (a newer server's) in its own words. */
export function kindLabel(kind: string): string {
  if (Object.hasOwn(KIND_LABELS, kind)) return KIND_LABELS[kind as WiringKind];
  const words = kind.replace(/[-_]+/g, ' ').trim();
  return words ? words.charAt(0).toUpperCase() + words.slice(1) : 'Link';
}

export interface LinkStateInfo {
  label: string;
  /** One sentence for the legend and the details. */
  description: string;
  tone: StatusTone;
  busy: boolean;
  /** A mark drawn on the edge, so the state does not rest on colour alone. */
  glyph: string;
}

const STATES: Record<WiringState, LinkStateInfo> = {
  ok: {
    label: 'Connected',
    description: 'Set up and working.',
    tone: 'success',
    busy: false,
    glyph: '✓',
  },
  pending: {
    label: 'Setting up',
    description: 'Kubarr is setting it up or checking it.',
    tone: 'progress',
    busy: true,
    glyph: '…',
  },
  drifted: {
    label: 'Changed',
    description: 'The setting was changed in the app. Repair puts it back.',
    tone: 'warning',
    busy: false,
    glyph: '!',
  },
  failed: {
    label: 'Failed',
    description: 'The app refused it. Its message says why.',
    tone: 'danger',
    busy: false,
    glyph: '×',
  },
  disabled: {
    label: 'Off',
    description: 'Turned off: Kubarr leaves this setting alone.',
    tone: 'neutral',
    busy: false,
    glyph: '–',
  },
};

/** Every state, in the legend's order. */
export const LINK_STATES: readonly WiringState[] = [
  'ok',
  'pending',
  'drifted',
  'failed',
  'disabled',
];

/** How a link state is shown. Unknown states (a newer server) fall back to a neutral one. */
export function linkStateInfo(state: string): LinkStateInfo {
  if (Object.hasOwn(STATES, state)) return STATES[state as WiringState];
  return {
    label: state ? state.replaceAll('_', ' ') : 'Unknown',
    description: '',
    tone: 'neutral',
    busy: false,
    glyph: '?',
  };
}

/** Display names by app name; an app the caller cannot see keeps its name. */
export type NameOf = (app: string) => string;

export function nameLookup(apps: readonly WiringApp[]): NameOf {
  const names = new Map(apps.map((app) => [app.name, app.display_name || app.name]));
  return (app) => names.get(app) ?? app;
}

/** "Sonarr → qBittorrent", or just "Sonarr" for a root folder. */
export function linkTitle(link: WiringLink, nameOf: NameOf): string {
  return link.kind === 'root-folder' || link.from === link.to
    ? nameOf(link.from)
    : `${nameOf(link.from)} → ${nameOf(link.to)}`;
}

/** What the link does, for someone who does not know the apps' settings. */
export function linkSentence(link: WiringLink, nameOf: NameOf): string {
  const from = nameOf(link.from);
  const to = nameOf(link.to);
  switch (link.kind) {
    case 'download-client':
      return `${from} sends what it wants to download to ${to}.`;
    case 'application':
      return `${from} gives ${to} its indexers (the sites it searches).`;
    case 'root-folder':
      return `${from} keeps its media library in this folder.`;
    default:
      return `Kubarr connects ${from} to ${to}.`;
  }
}

// ---- the graph -------------------------------------------------------------------------------

/** The graph with one link replaced by a newer copy (from a mutation); unchanged otherwise. */
export function replaceLink(
  graph: WiringGraph | undefined,
  link: WiringLink,
): WiringGraph | undefined {
  if (!graph) return graph;
  const index = graph.links.findIndex((candidate) => candidate.id === link.id);
  if (index < 0) return { ...graph, links: [...graph.links, link] };
  const links = [...graph.links];
  links[index] = link;
  return { ...graph, links };
}

/** The links from or to an app. */
export function linksOfApp(links: readonly WiringLink[], app: string): WiringLink[] {
  return links.filter((link) => link.from === app || link.to === app);
}

const KIND_ORDER: Record<string, number> = {
  'download-client': 0,
  application: 1,
  'root-folder': 2,
};

/** Links in reading order: by app, then kind, then the other app. */
export function sortLinks(links: readonly WiringLink[], nameOf: NameOf): WiringLink[] {
  return [...links].sort(
    (a, b) =>
      nameOf(a.from).localeCompare(nameOf(b.from)) ||
      (KIND_ORDER[a.kind] ?? 9) - (KIND_ORDER[b.kind] ?? 9) ||
      nameOf(a.to).localeCompare(nameOf(b.to)) ||
      a.id.localeCompare(b.id),
  );
}

/** The diagram's columns, left to right: who feeds whom. */
export const COLUMNS = [
  { key: 'indexer', title: 'Indexers' },
  { key: 'media-manager', title: 'Media managers' },
  { key: 'download-client', title: 'Download clients' },
  { key: 'other', title: 'Other apps' },
] as const;

/** The column of an app's catalog category: 0 indexers … 3 everything else. */
export function columnOf(category: string): number {
  const slug = category.trim().toLowerCase();
  const index = COLUMNS.findIndex((column) => column.key === slug);
  return index < 0 ? COLUMNS.length - 1 : index;
}

export const NODE_WIDTH = 200;
/** Icon and name. */
export const NODE_HEADER_HEIGHT = 56;
/** One root-folder row under the header. */
export const NODE_ROW_HEIGHT = 30;
const NODE_GAP = 24;
const COLUMN_GAP = 112;
const PADDING = 16;
const HEADING_HEIGHT = 28;
/** Room on the right for an edge between two apps of the last column. */
const LOOP_ROOM = 56;

export interface GraphNode {
  app: WiringApp;
  column: number;
  x: number;
  y: number;
  height: number;
  /** Root-folder links: shown on the node, not as edges. */
  rootFolders: WiringLink[];
}

export interface GraphEdge {
  link: WiringLink;
  /** SVG path data. */
  path: string;
  /** Where the state mark sits (the curve's midpoint). */
  mid: { x: number; y: number };
}

export interface GraphLayout {
  width: number;
  height: number;
  columns: { title: string; x: number }[];
  nodes: GraphNode[];
  edges: GraphEdge[];
}

interface Point {
  x: number;
  y: number;
}

function cubic(start: Point, c1: Point, c2: Point, end: Point): Omit<GraphEdge, 'link'> {
  const round = (value: number) => Math.round(value * 10) / 10;
  return {
    path: `M ${round(start.x)} ${round(start.y)} C ${round(c1.x)} ${round(c1.y)}, ${round(c2.x)} ${round(c2.y)}, ${round(end.x)} ${round(end.y)}`,
    mid: {
      x: round((start.x + 3 * c1.x + 3 * c2.x + end.x) / 8),
      y: round((start.y + 3 * c1.y + 3 * c2.y + end.y) / 8),
    },
  };
}

/**
 * Places the apps in columns by role (only the columns that have apps) and draws each link
 * between two apps as a curve from the source's side to the target's. Several edges at one side
 * of a node are spread over its header so they do not overlap. Links to an app the caller cannot
 * see are left out of the drawing (the list shows them).
 */
export function layoutGraph(graph: WiringGraph): GraphLayout {
  const nameOf = nameLookup(graph.apps);
  const byColumn = new Map<number, WiringApp[]>();
  for (const app of graph.apps) {
    const column = columnOf(app.category);
    byColumn.set(column, [...(byColumn.get(column) ?? []), app]);
  }
  const used = [...byColumn.keys()].sort((a, b) => a - b);

  const rootFolders = new Map<string, WiringLink[]>();
  for (const link of graph.links) {
    if (link.kind !== 'root-folder') continue;
    rootFolders.set(link.from, [...(rootFolders.get(link.from) ?? []), link]);
  }

  const nodes: GraphNode[] = [];
  const columns: GraphLayout['columns'] = [];
  let height = 0;
  used.forEach((column, position) => {
    const x = PADDING + position * (NODE_WIDTH + COLUMN_GAP);
    columns.push({ title: COLUMNS[column]?.title ?? 'Other apps', x });
    let y = PADDING + HEADING_HEIGHT;
    const apps = [...(byColumn.get(column) ?? [])].sort((a, b) =>
      nameOf(a.name).localeCompare(nameOf(b.name)),
    );
    for (const app of apps) {
      const folders = sortLinks(rootFolders.get(app.name) ?? [], nameOf);
      const nodeHeight =
        NODE_HEADER_HEIGHT + folders.length * NODE_ROW_HEIGHT + (folders.length ? 8 : 0);
      nodes.push({ app, column: position, x, y, height: nodeHeight, rootFolders: folders });
      y += nodeHeight + NODE_GAP;
    }
    height = Math.max(height, y - NODE_GAP + PADDING);
  });

  const nodeByName = new Map(nodes.map((node) => [node.app.name, node]));
  const drawn = sortLinks(
    graph.links.filter(
      (link) =>
        link.kind !== 'root-folder' &&
        link.from !== link.to &&
        nodeByName.has(link.from) &&
        nodeByName.has(link.to),
    ),
    nameOf,
  );

  // Which side of which node each edge leaves or enters, to spread the anchors.
  const side = (from: GraphNode, to: GraphNode, end: 'start' | 'end'): 'left' | 'right' => {
    if (from.column === to.column) return 'right';
    const rightwards = to.column > from.column;
    return end === 'start' ? (rightwards ? 'right' : 'left') : rightwards ? 'left' : 'right';
  };
  const anchors = new Map<string, string[]>();
  const anchorKey = (node: GraphNode, where: 'left' | 'right') => `${node.app.name}:${where}`;
  for (const link of drawn) {
    const from = nodeByName.get(link.from);
    const to = nodeByName.get(link.to);
    if (!from || !to) continue;
    for (const [node, end] of [
      [from, 'start'],
      [to, 'end'],
    ] as const) {
      const key = anchorKey(node, side(from, to, end));
      anchors.set(key, [...(anchors.get(key) ?? []), `${link.id}:${end}`]);
    }
  }
  const anchorY = (node: GraphNode, where: 'left' | 'right', slot: string) => {
    const slots = anchors.get(anchorKey(node, where)) ?? [slot];
    const index = Math.max(0, slots.indexOf(slot));
    const spacing = Math.min(10, (NODE_HEADER_HEIGHT - 16) / Math.max(1, slots.length - 1));
    return node.y + NODE_HEADER_HEIGHT / 2 + (index - (slots.length - 1) / 2) * spacing;
  };

  const edges: GraphEdge[] = [];
  let loops = false;
  for (const link of drawn) {
    const from = nodeByName.get(link.from);
    const to = nodeByName.get(link.to);
    if (!from || !to) continue;
    const startSide = side(from, to, 'start');
    const endSide = side(from, to, 'end');
    const start = {
      x: startSide === 'right' ? from.x + NODE_WIDTH : from.x,
      y: anchorY(from, startSide, `${link.id}:start`),
    };
    const end = {
      x: endSide === 'right' ? to.x + NODE_WIDTH : to.x,
      y: anchorY(to, endSide, `${link.id}:end`),
    };
    let shape: Omit<GraphEdge, 'link'>;
    if (from.column === to.column) {
      loops = true;
      const out = LOOP_ROOM - 8;
      shape = cubic(start, { x: start.x + out, y: start.y }, { x: end.x + out, y: end.y }, end);
    } else {
      const bend = (end.x - start.x) / 2;
      shape = cubic(start, { x: start.x + bend, y: start.y }, { x: end.x - bend, y: end.y }, end);
    }
    edges.push({ link, ...shape });
  }

  const width =
    used.length === 0
      ? 0
      : PADDING * 2 +
        used.length * NODE_WIDTH +
        (used.length - 1) * COLUMN_GAP +
        (loops ? LOOP_ROOM : 0);
  return { width, height, columns, nodes, edges };
}
