import { useMemo, useState } from 'react';
import { Link } from 'react-router';

import { Alert } from '@/components/ui/alert';
import { buttonClasses } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { PageSpinner } from '@/components/ui/spinner';
import { paths } from '@/config/paths';
import { errorMessage } from '@/lib/api-client';
import { useAuthorization } from '@/lib/auth';

import { useWiring } from '../api/get-wiring';
import type { WiringLink } from '../api/types';
import {
  LINK_STATES,
  layoutGraph,
  linkStateInfo,
  nameLookup,
  sortLinks,
} from '../utils/wiring-model';
import { LinkDialog } from './link-dialog';
import { LinksList } from './links-list';
import { WiringGraph } from './wiring-graph';
import { WiringLegend } from './wiring-legend';

/** "4 links: 3 connected, 1 failed." */
export function wiringSummary(links: readonly WiringLink[]): string {
  const counts = new Map<string, number>();
  for (const link of links) counts.set(link.state, (counts.get(link.state) ?? 0) + 1);
  const known: string[] = LINK_STATES.filter((state) => counts.has(state));
  const others = [...counts.keys()].filter((state) => !known.includes(state));
  const parts = [...known, ...others].map(
    (state) => `${counts.get(state) ?? 0} ${linkStateInfo(state).label.toLowerCase()}`,
  );
  return `${links.length} ${links.length === 1 ? 'link' : 'links'}: ${parts.join(', ')}.`;
}

/**
 * The Stack page's content: how Kubarr has connected the installed apps (the diagram, its legend
 * and the same links as a list), each link's details and actions in a dialog. Live through the
 * event stream's `wiring` events.
 */
export function StackView() {
  const wiring = useWiring();
  const { canForAnyApp } = useAuthorization();
  const [selected, setSelected] = useState<string | null>(null);
  const graph = wiring.data;
  const nameOf = useMemo(() => nameLookup(graph?.apps ?? []), [graph]);
  const layout = useMemo(() => (graph ? layoutGraph(graph) : null), [graph]);
  const links = useMemo(() => sortLinks(graph?.links ?? [], nameOf), [graph, nameOf]);

  if (wiring.isPending) return <PageSpinner label="Loading the stack" />;
  if (wiring.isError) {
    return <Alert title="Could not load the stack">{errorMessage(wiring.error)}</Alert>;
  }
  if (links.length === 0 || !layout) {
    return (
      <EmptyState
        title="Nothing connected yet"
        description="Install two apps that work together (e.g. Sonarr and qBittorrent) and Kubarr connects them here."
        action={
          canForAnyApp('apps.install') && (
            <Link to={paths.catalog.getHref()} className={buttonClasses('primary')}>
              Open the catalog
            </Link>
          )
        }
      />
    );
  }

  const open = links.find((link) => link.id === selected) ?? null;
  return (
    <div className="space-y-8">
      <section aria-labelledby="stack-diagram-heading" className="space-y-3">
        <div className="flex flex-col gap-1 sm:flex-row sm:items-baseline sm:justify-between">
          <h2 id="stack-diagram-heading" className="text-base font-semibold">
            Diagram
          </h2>
          <p aria-live="polite" className="text-sm text-zinc-600 dark:text-zinc-400">
            {wiringSummary(links)}
          </p>
        </div>
        <WiringGraph layout={layout} nameOf={nameOf} onSelect={setSelected} />
        <p className="text-xs text-zinc-500 sm:hidden dark:text-zinc-400">
          Scroll sideways to see the whole diagram, or use the list below.
        </p>
        <WiringLegend />
      </section>

      <section aria-labelledby="stack-links-heading" className="space-y-3">
        <h2 id="stack-links-heading" className="text-base font-semibold">
          All links
        </h2>
        <LinksList links={links} nameOf={nameOf} onSelect={setSelected} />
      </section>

      <LinkDialog link={open} nameOf={nameOf} onClose={() => setSelected(null)} />
    </div>
  );
}
