import { Link } from 'react-router';

import { Logo } from '@/components/icons';
import { buttonClasses } from '@/components/ui/button';
import { paths } from '@/config/paths';

export default function NotFoundRoute() {
  return (
    <main className="flex min-h-dvh flex-col items-center justify-center gap-4 bg-zinc-50 px-4 text-center dark:bg-zinc-950">
      <title>Page not found · Kubarr</title>
      <Logo className="size-10" />
      <p className="text-sm font-semibold text-indigo-600 dark:text-indigo-400">404</p>
      <h1 className="text-2xl font-semibold tracking-tight">Page not found</h1>
      <p className="max-w-sm text-sm text-zinc-600 dark:text-zinc-400">
        There is nothing at this address. It may have moved, or the link may be mistyped.
      </p>
      <Link to={paths.dashboard.getHref()} className={buttonClasses('primary')}>
        Go to the dashboard
      </Link>
    </main>
  );
}
