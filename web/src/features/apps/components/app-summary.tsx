import type { ReactNode } from 'react';

import type { InstalledApp } from '@/api/types';
import { cn } from '@/lib/cn';
import { formatDateTime, formatRelative } from '@/lib/format';

/** The facts at the top of an app's page: pods ready, versions, namespace, last change. */
export function AppSummary({ app }: { app: InstalledApp }) {
  const podsHealthy = app.total_pods > 0 && app.ready_pods === app.total_pods;
  const items: [string, ReactNode][] = [
    [
      'Pods ready',
      <span
        key="pods"
        className={cn('tabular-nums', !podsHealthy && 'text-amber-700 dark:text-amber-300')}
      >
        {app.ready_pods}/{app.total_pods}
      </span>,
    ],
    ['App version', app.app_version ?? '—'],
    ['Chart version', app.version ?? '—'],
    [
      'Namespace',
      <span key="ns" className="font-mono text-xs">
        {app.namespace}
      </span>,
    ],
    [
      'Last change',
      <span key="updated" title={formatDateTime(app.updated_at)}>
        {formatRelative(app.updated_at)}
      </span>,
    ],
  ];
  return (
    <dl className="grid grid-cols-2 gap-4 rounded-lg bg-white p-4 ring-1 ring-zinc-200 sm:grid-cols-3 lg:grid-cols-5 dark:bg-zinc-900 dark:ring-zinc-800">
      {items.map(([label, value]) => (
        <div key={label} className="min-w-0">
          <dt className="text-xs text-zinc-500 dark:text-zinc-400">{label}</dt>
          <dd className="mt-0.5 truncate text-sm font-medium text-zinc-900 dark:text-zinc-100">
            {value}
          </dd>
        </div>
      ))}
    </dl>
  );
}
