import { useMemo } from 'react';
import { Link } from 'react-router';

import { Alert } from '@/components/ui/alert';
import { Spinner } from '@/components/ui/spinner';
import { paths } from '@/config/paths';
import { errorMessage } from '@/lib/api-client';
import { formatDateTime, formatRelative } from '@/lib/format';

import { useWiring } from '../api/get-wiring';
import type { WiringLink } from '../api/types';
import {
  kindLabel,
  linksOfApp,
  linkSentence,
  linkTitle,
  nameLookup,
  sortLinks,
  type NameOf,
} from '../utils/wiring-model';
import { LinkActions } from './link-actions';
import { LinkStateBadge } from './link-state-badge';

function ConnectionRow({ link, nameOf }: { link: WiringLink; nameOf: NameOf }) {
  return (
    <li
      aria-label={`${linkTitle(link, nameOf)}, ${kindLabel(link.kind)}`}
      className="flex flex-col gap-3 px-4 py-3 sm:flex-row sm:items-start sm:justify-between"
    >
      <div className="min-w-0 space-y-1">
        <div className="flex flex-wrap items-center gap-2">
          <span className="text-sm font-medium text-zinc-900 dark:text-zinc-100">
            {linkTitle(link, nameOf)}
          </span>
          <span className="text-sm text-zinc-500 dark:text-zinc-400">{kindLabel(link.kind)}</span>
          <LinkStateBadge state={link.state} />
        </div>
        <p className="text-xs text-zinc-600 dark:text-zinc-400">
          {linkSentence(link, nameOf)}
          {link.detail && ` ${link.detail}`}
        </p>
        {link.message && (
          <p className="text-xs whitespace-pre-wrap text-amber-800 dark:text-amber-300">
            {link.message}
          </p>
        )}
        {link.checked_at && (
          <p className="text-xs text-zinc-500 dark:text-zinc-400">
            Checked{' '}
            <time dateTime={link.checked_at} title={formatDateTime(link.checked_at)}>
              {formatRelative(link.checked_at)}
            </time>
          </p>
        )}
      </div>
      <LinkActions link={link} nameOf={nameOf} size="sm" nameInLabels className="sm:max-w-64" />
    </li>
  );
}

/**
 * The app page's "Connections": the links from or to this app that Kubarr keeps, with their state
 * and actions, and a way to the whole stack.
 */
export function AppConnections({ app }: { app: string }) {
  const wiring = useWiring();
  const graph = wiring.data;
  const nameOf = useMemo(() => nameLookup(graph?.apps ?? []), [graph]);
  const links = useMemo(
    () => sortLinks(linksOfApp(graph?.links ?? [], app), nameOf),
    [graph, app, nameOf],
  );

  return (
    <section aria-labelledby="connections-heading" className="space-y-3">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 id="connections-heading" className="text-base font-semibold">
          Connections
        </h2>
        <Link
          to={paths.stack.getHref()}
          className="text-sm font-medium text-indigo-600 hover:underline dark:text-indigo-400"
        >
          See the whole stack
        </Link>
      </div>
      {wiring.isPending ? (
        <Spinner label="Loading connections" />
      ) : wiring.isError ? (
        <Alert title="Could not load the connections">{errorMessage(wiring.error)}</Alert>
      ) : links.length === 0 ? (
        <p className="rounded-lg px-4 py-3 text-sm text-zinc-600 ring-1 ring-zinc-200 dark:text-zinc-400 dark:ring-zinc-800">
          Kubarr has not connected {nameOf(app)} to other apps. Install an app that works with it
          and the connection appears here.
        </p>
      ) : (
        <ul
          aria-label={`${nameOf(app)} connections`}
          className="divide-y divide-zinc-200 rounded-lg bg-white ring-1 ring-zinc-200 dark:divide-zinc-800 dark:bg-zinc-900 dark:ring-zinc-800"
        >
          {links.map((link) => (
            <ConnectionRow key={link.id} link={link} nameOf={nameOf} />
          ))}
        </ul>
      )}
    </section>
  );
}
