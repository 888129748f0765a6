import { useLocation } from 'react-router';

import { PageHeader } from '@/components/page-header';
import { AppsHome } from '@/features/gateway/components/apps-home';

/** What another page may hand over when it sends the user here (a failed app launch). */
export interface AppsHomeState {
  launchError?: string;
}

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
