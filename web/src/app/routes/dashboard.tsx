import { useMemo } from 'react';
import { Link } from 'react-router';

import { PageHeader } from '@/components/page-header';
import { buttonClasses } from '@/components/ui/button';
import { paths } from '@/config/paths';
import { AppsDashboard } from '@/features/apps/components/apps-dashboard';
import { useCatalog } from '@/features/catalog/api/get-catalog';
import { useAuthorization } from '@/lib/auth';

export default function DashboardRoute() {
  const { canForAnyApp } = useAuthorization();
  // Display names and icons; the cards fall back to the app's name while this loads.
  const catalog = useCatalog({ enabled: canForAnyApp('apps.view') });
  const catalogByName = useMemo(
    () => new Map((catalog.data ?? []).map((entry) => [entry.name, entry])),
    [catalog.data],
  );
  return (
    <>
      <title>Dashboard · Kubarr</title>
      <PageHeader
        title="Dashboard"
        description="Your installed apps and their live status."
        actions={
          canForAnyApp('apps.install') && (
            <Link to={paths.catalog.getHref()} className={buttonClasses('secondary')}>
              Install apps
            </Link>
          )
        }
      />
      <AppsDashboard catalog={catalogByName} />
    </>
  );
}
