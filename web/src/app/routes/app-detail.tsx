import { useParams } from 'react-router';

import { AppDetail } from '@/features/apps/components/app-detail';
import { AppIcon } from '@/components/app-icon';
import { useCatalog } from '@/features/catalog/api/get-catalog';
import { useCatalogApp } from '@/features/catalog/api/get-catalog-app';
import { useOpenableApps } from '@/features/gateway/api/get-openable-apps';
import { OpenAppButton } from '@/features/gateway/components/open-app-button';
import { AppAccountPanel } from '@/features/stack/components/app-account';
import { AppConnections } from '@/features/stack/components/app-connections';
import { RequirePermission, useAuthorization } from '@/lib/auth';

export default function AppDetailRoute() {
  const { name = '' } = useParams();
  const { can, canForAnyApp } = useAuthorization();
  // The upgrade form is generated from the catalog entry's values schema.
  const catalog = useCatalogApp(name, { enabled: can('apps.upgrade', name) });
  // The icon, from the catalog list (usually cached from the dashboard or the catalog page).
  const entry = useCatalog({ enabled: canForAnyApp('apps.view') }).data?.find(
    (candidate) => candidate.name === name,
  );
  // Open, when this user may open the app through the gateway.
  const openable = useOpenableApps().data?.find((candidate) => candidate.name === name);
  return (
    <>
      <title>{`${name} · Kubarr`}</title>
      <RequirePermission permission="apps.view" anyApp>
        <AppDetail
          key={name}
          name={name}
          icon={<AppIcon src={entry?.icon_url} label={name} className="size-12" />}
          catalog={{ data: catalog.data, isPending: catalog.isPending, error: catalog.error }}
          actions={openable && <OpenAppButton app={openable.name} label={openable.display_name} />}
          connections={
            <>
              <AppAccountPanel app={name} label={entry?.display_name ?? name} />
              <AppConnections app={name} />
            </>
          }
        />
      </RequirePermission>
    </>
  );
}
