import { useParams } from 'react-router';

import { AppDetail } from '@/features/apps/components/app-detail';
import { useCatalogApp } from '@/features/catalog/api/get-catalog-app';
import { AppIcon } from '@/features/catalog/components/app-icon';
import { RequirePermission, useAuthorization } from '@/lib/auth';

export default function AppDetailRoute() {
  const { name = '' } = useParams();
  const { can } = useAuthorization();
  // The upgrade form is generated from the catalog entry's values schema.
  const catalog = useCatalogApp(name, { enabled: can('apps.upgrade', name) });
  return (
    <>
      <title>{`${name} · Kubarr`}</title>
      <RequirePermission permission="apps.view" anyApp>
        <AppDetail
          key={name}
          name={name}
          icon={<AppIcon name={name} label={name} className="size-12" />}
          catalog={{ data: catalog.data, isPending: catalog.isPending, error: catalog.error }}
        />
      </RequirePermission>
    </>
  );
}
