import { isRouteErrorResponse, Link, useRouteError } from 'react-router';

import { buttonClasses } from '@/components/ui/button';
import { paths } from '@/config/paths';
import { errorMessage } from '@/lib/api-client';

/** A lazy chunk that no longer exists on the server (a new version was deployed). */
function isStaleChunk(error: unknown): boolean {
  return (
    error instanceof Error &&
    /dynamically imported module|Importing a module script failed|error loading dynamically/i.test(
      error.message,
    )
  );
}

/** Per-route error boundary: one broken page does not take the whole app down. */
export function RouteError() {
  const error = useRouteError();
  const stale = isStaleChunk(error);
  let title = 'This page failed to load';
  let detail = errorMessage(error);
  if (stale) {
    title = 'Kubarr was updated';
    detail = 'Reload the page to get the new version.';
  } else if (isRouteErrorResponse(error)) {
    title = `${error.status} ${error.statusText}`;
    detail = typeof error.data === 'string' ? error.data : '';
  }

  return (
    <div role="alert" className="mx-auto max-w-lg p-6 text-center">
      <h1 className="text-lg font-semibold">{title}</h1>
      {detail && <p className="mt-2 text-sm text-zinc-600 dark:text-zinc-400">{detail}</p>}
      <div className="mt-5 flex justify-center gap-3">
        <button
          type="button"
          className={buttonClasses('primary')}
          onClick={() => window.location.reload()}
        >
          Reload
        </button>
        <Link to={paths.dashboard.getHref()} className={buttonClasses('secondary')}>
          Dashboard
        </Link>
      </div>
    </div>
  );
}
