import type { ReactNode } from 'react';
import { Link } from 'react-router';

import type { CatalogEntry, InstalledApp } from '@/api/types';
import { AppIcon } from '@/components/app-icon';
import { StatusBadge } from '@/components/ui/status-badge';
import { paths } from '@/config/paths';
import { cn } from '@/lib/cn';

const linkClass =
  'rounded text-sm font-medium text-indigo-600 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600 dark:text-indigo-400';

/** Whether the state message adds anything to the badge ("Running" for a healthy app does not). */
function showMessage(app: InstalledApp): boolean {
  if (!app.message) return false;
  return !(app.state === 'installed' && app.message.toLowerCase() === 'running');
}

/** What the dashboard shows of an app's catalog entry. */
export type AppCatalogInfo = Pick<CatalogEntry, 'display_name' | 'icon_url'>;

export function AppCard({
  app,
  catalog,
  canViewLogs,
  action,
}: {
  app: InstalledApp;
  /** The app's catalog entry; until it is known (or when it is gone) the card uses the name. */
  catalog: AppCatalogInfo | undefined;
  canViewLogs: boolean;
  /** A control at the card's foot (the page passes Open when the app may be opened). */
  action?: ReactNode;
}) {
  const podsHealthy = app.total_pods > 0 && app.ready_pods === app.total_pods;
  const title = catalog?.display_name ?? app.name;
  return (
    <li className="flex min-h-44 flex-col rounded-lg bg-white p-4 shadow-xs ring-1 ring-zinc-200 dark:bg-zinc-900 dark:ring-zinc-800">
      <div className="flex items-start gap-3">
        <AppIcon src={catalog?.icon_url} label={title} />
        <div className="min-w-0 flex-1">
          <h2 className="truncate text-base font-semibold text-zinc-900 dark:text-zinc-100">
            <Link to={paths.app.getHref(app.name)} className="hover:underline">
              {title}
            </Link>
          </h2>
          {title !== app.name && (
            <p className="truncate text-xs text-zinc-500 dark:text-zinc-400">{app.name}</p>
          )}
        </div>
        <StatusBadge state={app.state} />
      </div>
      <p
        className={cn(
          'mt-2 line-clamp-2 min-h-10 text-sm',
          app.state === 'degraded' || app.state === 'error'
            ? 'text-amber-800 dark:text-amber-300'
            : 'text-zinc-600 dark:text-zinc-400',
        )}
      >
        {showMessage(app) ? app.message : ' '}
      </p>
      <dl className="mt-3 grid grid-cols-2 gap-2 text-sm">
        <div>
          <dt className="text-xs text-zinc-500 dark:text-zinc-400">Pods ready</dt>
          <dd
            className={cn(
              'font-medium tabular-nums',
              podsHealthy
                ? 'text-zinc-900 dark:text-zinc-100'
                : 'text-amber-700 dark:text-amber-300',
            )}
          >
            {app.ready_pods}/{app.total_pods}
          </dd>
        </div>
        <div>
          <dt className="text-xs text-zinc-500 dark:text-zinc-400">Version</dt>
          <dd
            className="truncate font-medium text-zinc-900 dark:text-zinc-100"
            title={app.version ? `chart ${app.version}` : undefined}
          >
            {app.app_version ?? app.version ?? '—'}
          </dd>
        </div>
      </dl>
      <div className="mt-auto flex items-center gap-4 pt-4">
        <Link
          to={paths.app.getHref(app.name)}
          className={linkClass}
          aria-label={`Details of ${app.name}`}
        >
          Details
        </Link>
        {canViewLogs && (
          <Link
            to={`${paths.app.getHref(app.name)}?tab=logs`}
            className={linkClass}
            aria-label={`Logs of ${app.name}`}
          >
            Logs
          </Link>
        )}
        {action && <div className="ml-auto">{action}</div>}
      </div>
    </li>
  );
}

/** A placeholder of the same size as a card, so the grid does not jump when data arrives. */
export function AppCardSkeleton() {
  return (
    <li
      aria-hidden="true"
      className="min-h-44 animate-pulse rounded-lg bg-white p-4 ring-1 ring-zinc-200 dark:bg-zinc-900 dark:ring-zinc-800"
    >
      <div className="h-5 w-1/3 rounded bg-zinc-200 dark:bg-zinc-800" />
      <div className="mt-4 h-4 w-2/3 rounded bg-zinc-200 dark:bg-zinc-800" />
      <div className="mt-6 h-8 w-1/2 rounded bg-zinc-200 dark:bg-zinc-800" />
    </li>
  );
}
