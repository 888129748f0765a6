import type { ReactNode } from 'react';
import { Link } from 'react-router';

import type { InstalledApp } from '@/api/types';
import { Alert } from '@/components/ui/alert';
import { buttonClasses } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { paths } from '@/config/paths';
import { errorMessage } from '@/lib/api-client';
import { useAuthorization } from '@/lib/auth';

import { useApps } from '../api/get-apps';
import { AppCard, AppCardSkeleton, type AppCatalogInfo } from './app-card';

const grid = 'grid gap-4 sm:grid-cols-2 xl:grid-cols-3';

/**
 * Installed apps as cards with live status (kept fresh by useAppStatusStream in the layout),
 * titled and drawn with their catalog entry's display name and icon.
 */
export function AppsDashboard({
  catalog = new Map(),
  appAction,
}: {
  /** Catalog entries by app name (the page passes them in: features do not import each other). */
  catalog?: ReadonlyMap<string, AppCatalogInfo>;
  /** A control for an app's card (e.g. Open), given the app and the title its card shows. */
  appAction?: (app: InstalledApp, title: string) => ReactNode;
}) {
  const apps = useApps();
  const { can, canForAnyApp } = useAuthorization();

  if (apps.isPending) {
    return (
      <ul className={grid} aria-busy="true" aria-label="Loading apps">
        {Array.from({ length: 6 }, (_, i) => (
          <AppCardSkeleton key={i} />
        ))}
      </ul>
    );
  }

  if (apps.isError) {
    return <Alert title="Could not load your apps">{errorMessage(apps.error)}</Alert>;
  }

  if (apps.data.length === 0) {
    const mayInstall = canForAnyApp('apps.install');
    return (
      <EmptyState
        title="No apps installed yet"
        description={
          mayInstall
            ? 'Pick media apps such as Sonarr, Radarr or Jellyfin from the catalog and install them in a few clicks.'
            : 'Nothing has been installed that you can see. Ask an administrator to install apps or to grant you access.'
        }
        action={
          canForAnyApp('apps.view') && (
            <Link to={paths.catalog.getHref()} className={buttonClasses('primary')}>
              Browse the catalog
            </Link>
          )
        }
      />
    );
  }

  const sorted = [...apps.data].sort((a, b) => a.name.localeCompare(b.name));
  return (
    <ul className={grid} aria-label="Installed apps">
      {sorted.map((app) => (
        <AppCard
          key={app.name}
          app={app}
          catalog={catalog.get(app.name)}
          canViewLogs={can('logs.view', app.name)}
          action={appAction?.(app, catalog.get(app.name)?.display_name ?? app.name)}
        />
      ))}
    </ul>
  );
}
