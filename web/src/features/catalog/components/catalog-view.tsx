import { useDeferredValue, useMemo, useState } from 'react';
import { Link } from 'react-router';

import type { CatalogEntry, InstalledApp } from '@/api/types';
import { Button } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { Input } from '@/components/ui/input';
import { StatusBadge } from '@/components/ui/status-badge';
import { paths } from '@/config/paths';

import { AppIcon } from '@/components/app-icon';

import { categoryLabel } from './catalog-categories';
import { InstallDialog } from './install-dialog';

export interface CatalogViewProps {
  entries: CatalogEntry[];
  /** Live state of installed apps by name, to show progress on installed entries. */
  appStates?: Record<string, InstalledApp['state']>;
  /** Whether the user may install this app (global or per-app `apps.install`). */
  canInstall: (app: string) => boolean;
}

/** Case-insensitive match on name, display name, description and category (slug or heading). */
export function filterCatalog(entries: CatalogEntry[], query: string): CatalogEntry[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return entries;
  return entries.filter((entry) => {
    const haystack =
      `${entry.name} ${entry.display_name} ${entry.description} ${entry.category} ${categoryLabel(entry.category)}`.toLowerCase();
    return words.every((word) => haystack.includes(word));
  });
}

/** Entries grouped under their category's heading; headings and entries sorted by name. */
export function groupByCategory(entries: CatalogEntry[]): [string, CatalogEntry[]][] {
  const groups = new Map<string, CatalogEntry[]>();
  for (const entry of entries) {
    const heading = categoryLabel(entry.category);
    const group = groups.get(heading) ?? [];
    group.push(entry);
    groups.set(heading, group);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([category, list]) => [
      category,
      [...list].sort((a, b) => a.display_name.localeCompare(b.display_name)),
    ]);
}

function headingId(heading: string): string {
  return `category-${heading.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
}

export function CatalogView({ entries, appStates = {}, canInstall }: CatalogViewProps) {
  const [query, setQuery] = useState('');
  const deferredQuery = useDeferredValue(query);
  const [installing, setInstalling] = useState<CatalogEntry | null>(null);
  const groups = useMemo(
    () => groupByCategory(filterCatalog(entries, deferredQuery)),
    [entries, deferredQuery],
  );
  const mayInstallAnything = entries.some((entry) => canInstall(entry.name));

  return (
    <div className="space-y-6">
      <div className="flex flex-col gap-3 sm:flex-row sm:items-center sm:justify-between">
        <div className="w-full sm:max-w-xs">
          <label htmlFor="catalog-search" className="sr-only">
            Search the catalog
          </label>
          <Input
            id="catalog-search"
            type="search"
            placeholder="Search apps…"
            value={query}
            onChange={(event) => setQuery(event.target.value)}
            autoComplete="off"
          />
        </div>
        {!mayInstallAnything && entries.length > 0 && (
          <p className="text-sm text-zinc-600 dark:text-zinc-400">
            You can browse the catalog; installing apps needs the <em>apps.install</em> permission.
          </p>
        )}
      </div>

      {entries.length === 0 ? (
        <EmptyState
          title="The catalog is empty"
          description="Kubarr found no app charts. Check the catalog directory of the server (KUBARR_CHARTS_DIR)."
        />
      ) : groups.length === 0 ? (
        <EmptyState
          title="No app matches your search"
          description={`Nothing matches “${deferredQuery}”.`}
          action={
            <Button variant="secondary" onClick={() => setQuery('')}>
              Clear search
            </Button>
          }
        />
      ) : (
        groups.map(([heading, list]) => (
          <section key={heading} aria-labelledby={headingId(heading)}>
            <h2
              id={headingId(heading)}
              className="mb-3 text-base font-semibold text-zinc-700 dark:text-zinc-300"
            >
              {heading}
            </h2>
            <ul className="grid gap-4 sm:grid-cols-2 xl:grid-cols-3">
              {list.map((entry) => (
                <CatalogCard
                  key={entry.name}
                  entry={entry}
                  state={appStates[entry.name]}
                  canInstall={canInstall(entry.name)}
                  onInstall={() => setInstalling(entry)}
                />
              ))}
            </ul>
          </section>
        ))
      )}

      {installing && <InstallDialog app={installing} onClose={() => setInstalling(null)} />}
    </div>
  );
}

function CatalogCard({
  entry,
  state,
  canInstall,
  onInstall,
}: {
  entry: CatalogEntry;
  state: InstalledApp['state'] | undefined;
  canInstall: boolean;
  onInstall: () => void;
}) {
  const installed = entry.installed || (state !== undefined && state !== 'not_installed');
  return (
    <li className="flex flex-col rounded-lg bg-white p-4 shadow-xs ring-1 ring-zinc-200 dark:bg-zinc-900 dark:ring-zinc-800">
      <div className="flex items-start gap-3">
        <AppIcon src={entry.icon_url} label={entry.display_name} />
        <div className="min-w-0 flex-1">
          <h3 className="truncate font-semibold text-zinc-900 dark:text-zinc-100">
            {entry.display_name}
          </h3>
          <p className="text-xs text-zinc-500 dark:text-zinc-400">
            {entry.app_version ? `v${entry.app_version}` : `chart ${entry.version}`}
          </p>
        </div>
        {entry.retired && !installed && (
          <span
            className="rounded-full bg-amber-100 px-2 py-0.5 text-xs font-medium text-amber-800 dark:bg-amber-950 dark:text-amber-300"
            title={entry.retired}
          >
            Retired
          </span>
        )}
        {installed &&
          (state ? (
            <StatusBadge state={state} />
          ) : (
            <span className="rounded-full bg-zinc-100 px-2 py-0.5 text-xs font-medium text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300">
              Installed
            </span>
          ))}
      </div>
      <p className="mt-3 line-clamp-3 flex-1 text-sm text-zinc-600 dark:text-zinc-400">
        {entry.description}
      </p>
      <div className="mt-4 flex justify-end gap-2">
        {installed ? (
          <Link
            to={paths.app.getHref(entry.name)}
            className="text-sm font-medium text-indigo-600 hover:underline dark:text-indigo-400"
          >
            Open {entry.display_name}
          </Link>
        ) : (
          canInstall && (
            <Button size="sm" onClick={onInstall} aria-label={`Install ${entry.display_name}`}>
              Install
            </Button>
          )
        )}
      </div>
    </li>
  );
}
