import { useLocation } from 'react-router';

import { PageHeader } from '@/components/page-header';
import { AppsHome } from '@/features/gateway/components/apps-home';
import type { AppsHomeState } from '@/features/gateway/utils/app-hand-off';

/** The error another page handed over when it sent the user here (a failed app launch). */
function launchError(state: unknown): string | null {
  if (typeof state !== 'object' || state === null) return null;
  const value = (state as AppsHomeState).launchError;
  return typeof value === 'string' ? value : null;
}

export default function AppsHomeRoute() {
  const location = useLocation();
  return (
    <>
      <title>Apps · Kubarr</title>
      <PageHeader title="Apps" description="The apps you may open. Each opens in a new tab." />
      <AppsHome notice={launchError(location.state)} />
    </>
  );
}
