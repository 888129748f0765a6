import type { OpenableApp } from '@/api/types';
import { AppIcon } from '@/components/app-icon';
import { Alert } from '@/components/ui/alert';
import { EmptyState } from '@/components/ui/empty-state';
import { StatusBadge } from '@/components/ui/status-badge';
import { errorMessage } from '@/lib/api-client';

import { useOpenableApps } from '../api/get-openable-apps';
import { OpenAppButton } from './open-app-button';

const grid = 'grid gap-4 sm:grid-cols-2 xl:grid-cols-3';

function AppTile({ app }: { app: OpenableApp }) {
  return (
    <li className="flex flex-col rounded-lg bg-white p-4 shadow-xs ring-1 ring-zinc-200 dark:bg-zinc-900 dark:ring-zinc-800">
      <div className="flex items-start gap-3">
        <AppIcon src={app.icon_url} label={app.display_name} className="size-12" />
        <div className="min-w-0 flex-1">
          <h2 className="truncate text-base font-semibold text-zinc-900 dark:text-zinc-100">
            {app.display_name}
          </h2>
          <div className="mt-1">
            <StatusBadge state={app.state} />
          </div>
        </div>
      </div>
      {app.access_mode === 'native' && (
        <p className="mt-3 text-xs text-zinc-600 dark:text-zinc-400">
          Uses its own sign-in: enter the account you have in {app.display_name}.
        </p>
      )}
      <div className="mt-auto flex justify-end pt-4">
        <OpenAppButton app={app.name} label={app.display_name} />
      </div>
    </li>
  );
}

/**
 * The apps the signed-in user may open, each with its state and an Open button. `notice` is an
 * error to show above them (a launch from the sign-in page that failed, say).
 */
export function AppsHome({ notice }: { notice?: string | null }) {
  const apps = useOpenableApps();

  const noticeAlert = notice ? <Alert title="The app could not be opened">{notice}</Alert> : null;

  if (apps.isPending) {
    return (
      <div className="space-y-4">
        {noticeAlert}
        <ul className={grid} aria-busy="true" aria-label="Loading your apps">
          {Array.from({ length: 3 }, (_, i) => (
            <li
              key={i}
              aria-hidden="true"
              className="h-36 animate-pulse rounded-lg bg-white ring-1 ring-zinc-200 dark:bg-zinc-900 dark:ring-zinc-800"
            />
          ))}
        </ul>
      </div>
    );
  }

  if (apps.isError) {
    return (
      <div className="space-y-4">
        {noticeAlert}
        <Alert title="Could not load your apps">{errorMessage(apps.error)}</Alert>
      </div>
    );
  }

  const sorted = [...apps.data].sort((a, b) => a.display_name.localeCompare(b.display_name));
  return (
    <div className="space-y-4">
      {noticeAlert}
      {sorted.length === 0 ? (
        <EmptyState
          title="No apps for you yet"
          description="None of the installed apps is open to you. Ask an administrator to give you access to the apps you use (the apps.open permission for each app), or to install them."
        />
      ) : (
        <ul className={grid} aria-label="Your apps">
          {sorted.map((app) => (
            <AppTile key={app.name} app={app} />
          ))}
        </ul>
      )}
    </div>
  );
}
