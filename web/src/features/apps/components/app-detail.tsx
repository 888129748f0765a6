import { useState, type ReactNode } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';

import type { InstalledApp } from '@/api/types';
import { Alert } from '@/components/ui/alert';
import { Button, buttonClasses } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { EmptyState } from '@/components/ui/empty-state';
import { PageSpinner } from '@/components/ui/spinner';
import { StatusBadge } from '@/components/ui/status-badge';
import { Tabs } from '@/components/ui/tabs';
import { useToast } from '@/components/ui/toast';
import { paths } from '@/config/paths';
import { errorMessage } from '@/lib/api-client';
import { useAuthorization } from '@/lib/auth';
import { cn } from '@/lib/cn';

import { useAppEvents } from '../api/get-app-events';
import { useAppPods } from '../api/get-app-pods';
import { useApps } from '../api/get-apps';
import { useRestartApp } from '../api/restart-app';
import { AppSummary } from './app-summary';
import { EventsTable } from './events-table';
import { LogViewer } from './log-viewer';
import { PodsTable } from './pods-table';
import { UninstallDialog } from './uninstall-dialog';
import { UpgradeDialog, type CatalogSource } from './upgrade-dialog';

type TabKey = 'overview' | 'logs';

const BUSY_STATES = new Set(['installing', 'upgrading', 'uninstalling']);

/** Why an action cannot run now, or null when it can. */
export function busyReason(app: InstalledApp): string | null {
  if (app.state === 'uninstalling') return 'The app is being uninstalled.';
  if (BUSY_STATES.has(app.state)) return 'Wait until the current operation finishes.';
  return null;
}

/**
 * One installed app: live status (kept fresh by the status stream in the layout), pods, events,
 * logs, and the upgrade / restart / uninstall actions the user may use.
 */
export function AppDetail({
  name,
  icon,
  catalog,
  actions,
  connections,
}: {
  name: string;
  icon?: ReactNode;
  /** How the app is connected to the others (the page passes the stack feature's section). */
  connections?: ReactNode;
  /** Controls placed before the app's own actions (the page passes Open when it may be opened). */
  actions?: ReactNode;
  /** The app's catalog entry, for the upgrade form. */
  catalog: CatalogSource;
}) {
  const apps = useApps();
  const { can } = useAuthorization();
  const navigate = useNavigate();
  const { toast } = useToast();
  const [searchParams, setSearchParams] = useSearchParams();
  const [dialog, setDialog] = useState<'upgrade' | 'restart' | 'uninstall' | null>(null);
  const app = apps.data?.find((candidate) => candidate.name === name);
  const pods = useAppPods(name, { enabled: Boolean(app) });
  const events = useAppEvents(name, { enabled: Boolean(app) });
  const restart = useRestartApp(name);

  const mayViewLogs = can('logs.view', name);
  const tab: TabKey = searchParams.get('tab') === 'logs' && mayViewLogs ? 'logs' : 'overview';

  if (apps.isPending) return <PageSpinner label={`Loading ${name}`} />;
  if (apps.isError) {
    return <Alert title="Could not load the app">{errorMessage(apps.error)}</Alert>;
  }
  if (!app) {
    return (
      <EmptyState
        title={`${name} is not installed`}
        description="It may have been uninstalled, or you may not have access to it."
        action={
          <div className="flex flex-wrap justify-center gap-2">
            <Link to={paths.dashboard.getHref()} className={buttonClasses('primary')}>
              Back to the dashboard
            </Link>
            {can('apps.view') && (
              <Link to={paths.catalog.getHref()} className={buttonClasses('secondary')}>
                Open the catalog
              </Link>
            )}
          </div>
        }
      />
    );
  }

  const busy = busyReason(app);
  const mayUpgrade = can('apps.upgrade', name);
  const mayRestart = can('apps.restart', name);
  const mayDelete = can('apps.delete', name);
  const showMessage =
    app.message && !(app.state === 'installed' && app.message.toLowerCase() === 'running');

  return (
    <div className="space-y-6">
      <div className="flex flex-col gap-4 sm:flex-row sm:items-start sm:justify-between">
        <div className="flex min-w-0 items-start gap-3">
          {icon}
          <div className="min-w-0">
            <div className="flex flex-wrap items-center gap-2">
              <h1 className="truncate text-2xl font-semibold tracking-tight">{app.name}</h1>
              <StatusBadge state={app.state} />
            </div>
            <p
              aria-live="polite"
              className={cn(
                'mt-1 text-sm',
                app.state === 'degraded' || app.state === 'error'
                  ? 'text-amber-800 dark:text-amber-300'
                  : 'text-zinc-600 dark:text-zinc-400',
              )}
            >
              {showMessage ? app.message : 'All pods are ready.'}
            </p>
          </div>
        </div>
        {(Boolean(actions) || mayUpgrade || mayRestart || mayDelete) && (
          <div className="flex flex-wrap gap-2" role="group" aria-label="App actions">
            {actions}
            {mayUpgrade && (
              <Button
                variant="secondary"
                disabled={busy !== null}
                title={busy ?? undefined}
                onClick={() => setDialog('upgrade')}
              >
                Upgrade
              </Button>
            )}
            {mayRestart && (
              <Button
                variant="secondary"
                disabled={busy !== null}
                title={busy ?? undefined}
                onClick={() => setDialog('restart')}
              >
                Restart
              </Button>
            )}
            {mayDelete && (
              <Button
                variant="danger"
                disabled={app.state === 'uninstalling'}
                title={app.state === 'uninstalling' ? (busy ?? undefined) : undefined}
                onClick={() => setDialog('uninstall')}
              >
                Uninstall
              </Button>
            )}
          </div>
        )}
      </div>
      {busy && (mayUpgrade || mayRestart) && (
        <p className="-mt-3 text-xs text-zinc-500 dark:text-zinc-400">{busy}</p>
      )}

      {app.stale && (
        <Alert tone="warning" title="The cluster cannot be reached">
          This is the last known state; it updates when the connection returns.
        </Alert>
      )}

      <AppSummary app={app} />

      {connections}

      <Tabs<TabKey>
        label={`${app.name} sections`}
        tabs={[
          { key: 'overview', label: 'Pods & events' },
          ...(mayViewLogs ? [{ key: 'logs' as const, label: 'Logs' }] : []),
        ]}
        selected={tab}
        onSelect={(key) =>
          setSearchParams(key === 'logs' ? { tab: 'logs' } : {}, { replace: true })
        }
      >
        {tab === 'logs' ? (
          <LogViewer app={app.name} pods={pods.data ?? []} podsLoading={pods.isPending} />
        ) : (
          <div className="space-y-8">
            <section aria-labelledby="pods-heading" className="space-y-3">
              <h2 id="pods-heading" className="text-base font-semibold">
                Pods
              </h2>
              <PodsTable pods={pods.data} isPending={pods.isPending} error={pods.error} />
            </section>
            <section aria-labelledby="events-heading" className="space-y-3">
              <h2 id="events-heading" className="text-base font-semibold">
                Kubernetes events
              </h2>
              <EventsTable events={events.data} isPending={events.isPending} error={events.error} />
            </section>
          </div>
        )}
      </Tabs>

      {mayUpgrade && (
        <UpgradeDialog
          app={app}
          catalog={catalog}
          open={dialog === 'upgrade'}
          onClose={() => setDialog(null)}
          onDone={() => {
            setDialog(null);
            toast({
              tone: 'success',
              title: `Upgrading ${app.name}`,
              description: 'The status above updates live.',
            });
          }}
        />
      )}
      {mayRestart && (
        <ConfirmDialog
          open={dialog === 'restart'}
          onClose={() => {
            restart.reset();
            setDialog(null);
          }}
          title={`Restart ${app.name}?`}
          confirmLabel="Restart"
          loading={restart.isPending}
          error={restart.error ? errorMessage(restart.error) : null}
          onConfirm={() =>
            restart.mutate(undefined, {
              onSuccess: () => {
                setDialog(null);
                toast({ tone: 'success', title: `Restarting ${app.name}` });
              },
            })
          }
        >
          <p>
            Its pods are replaced one by one (a rolling restart). The app may be briefly
            unavailable.
          </p>
        </ConfirmDialog>
      )}
      {mayDelete && (
        <UninstallDialog
          app={app.name}
          open={dialog === 'uninstall'}
          onClose={() => setDialog(null)}
          onDone={(deletedData) => {
            setDialog(null);
            toast({
              tone: 'success',
              title: `Uninstalling ${app.name}`,
              description: deletedData ? 'Its data is being deleted too.' : 'Its data is kept.',
            });
            void navigate(paths.dashboard.getHref());
          }}
        />
      )}
    </div>
  );
}
