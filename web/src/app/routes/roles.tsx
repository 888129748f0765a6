import { useMemo, useState } from 'react';

import { PageHeader } from '@/components/page-header';
import { Button } from '@/components/ui/button';
import { useCatalog } from '@/features/catalog/api/get-catalog';
import { RolesView } from '@/features/roles/components/roles-view';
import { RequirePermission, useAuthorization } from '@/lib/auth';

function Roles() {
  const { can, canForAnyApp } = useAuthorization();
  const [creating, setCreating] = useState(false);
  // The per-app grants editor offers the catalog's apps.
  const catalog = useCatalog({ enabled: canForAnyApp('apps.view') });
  const appNames = useMemo(() => (catalog.data ?? []).map((entry) => entry.name), [catalog.data]);
  return (
    <>
      <PageHeader
        title="Roles"
        description="What each role may do, everywhere or on single apps."
        actions={
          can('roles.manage') && <Button onClick={() => setCreating(true)}>Create role</Button>
        }
      />
      <RolesView
        appNames={appNames}
        createOpen={creating}
        onCloseCreate={() => setCreating(false)}
      />
    </>
  );
}

export default function RolesRoute() {
  return (
    <>
      <title>Roles · Kubarr</title>
      <RequirePermission permission="roles.view">
        <Roles />
      </RequirePermission>
    </>
  );
}
