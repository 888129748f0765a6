import { useMemo } from 'react';

import { PageHeader } from '@/components/page-header';
import { Alert } from '@/components/ui/alert';
import { PageSpinner } from '@/components/ui/spinner';
import { useApps } from '@/features/apps/api/get-apps';
import { useCatalog } from '@/features/catalog/api/get-catalog';
import { CatalogView } from '@/features/catalog/components/catalog-view';
import { errorMessage } from '@/lib/api-client';
import { RequirePermission, useAuthorization } from '@/lib/auth';

function Catalog() {
  const catalog = useCatalog();
  const apps = useApps();
  const { can } = useAuthorization();
  const appStates = useMemo(
    () => Object.fromEntries((apps.data ?? []).map((app) => [app.name, app.state])),
    [apps.data],
  );

  if (catalog.isPending) return <PageSpinner label="Loading the catalog" />;
  if (catalog.isError) {
    return <Alert title="Could not load the catalog">{errorMessage(catalog.error)}</Alert>;
  }
  return (
    <CatalogView
      entries={catalog.data}
      appStates={appStates}
      canInstall={(app) => can('apps.install', app)}
    />
  );
}

export default function CatalogRoute() {
  return (
    <>
      <title>Catalog · Kubarr</title>
      <PageHeader title="Catalog" description="Apps you can install on your cluster." />
      <RequirePermission permission="apps.view" anyApp>
        <Catalog />
      </RequirePermission>
    </>
  );
}
