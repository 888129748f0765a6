import { useMemo } from 'react';
import { Link, Navigate } from 'react-router';

import { PageHeader } from '@/components/page-header';
import { buttonClasses } from '@/components/ui/button';
import { paths } from '@/config/paths';
import { AppsDashboard } from '@/features/apps/components/apps-dashboard';
import { useCatalog } from '@/features/catalog/api/get-catalog';
import { useOpenableApps } from '@/features/gateway/api/get-openable-apps';
import { OpenAppButton } from '@/features/gateway/components/open-app-button';
import { useAuthorization } from '@/lib/auth';

export default function DashboardRoute() {
  const { canForAnyApp } = useAuthorization();
  const mayView = canForAnyApp('apps.view');
  // Display names and icons; the cards fall back to the app's name while this loads.
  const catalog = useCatalog({ enabled: mayView });
  const catalogByName = useMemo(
    () => new Map((catalog.data ?? []).map((entry) => [entry.name, entry])),
    [catalog.data],
  );
  // Open buttons for the apps this user may open (none while no gateway is configured).
  const openable = useOpenableApps({ enabled: mayView });
  const openableNames = useMemo(
    () => new Set((openable.data ?? []).map((app) => app.name)),
    [openable.data],
  );
  // Members who manage nothing (no apps.view) start on the apps they may open.
  if (!mayView) return <Navigate to={paths.appsHome.getHref()} replace />;
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
      <AppsDashboard
        catalog={catalogByName}
        appAction={(app, title) =>
          openableNames.has(app.name) && <OpenAppButton app={app.name} label={title} size="sm" />
        }
      />
    </>
  );
}
