import type { ReactNode } from 'react';

import { PageHeader } from '@/components/page-header';
import { EmptyState } from '@/components/ui/empty-state';

/**
 * TODO page: the route exists (deep links work) but its screen is not built yet. Shows what will
 * be here rather than made-up data.
 */
export function PlaceholderPage({ title, planned }: { title: string; planned: ReactNode }) {
  return (
    <>
      <title>{`${title} · Kubarr`}</title>
      <PageHeader title={title} />
      <EmptyState
        title="Not built yet"
        description={
          <>
            <span className="mb-2 inline-block rounded bg-amber-100 px-1.5 py-0.5 text-xs font-semibold text-amber-900 dark:bg-amber-950 dark:text-amber-200">
              TODO
            </span>
            <br />
            {planned}
          </>
        }
      />
    </>
  );
}
