import { useMemo } from 'react';

import { PageHeader } from '@/components/page-header';
import { GatewaySettings } from '@/features/gateway/components/gateway-settings';
import { useRoles } from '@/features/roles/api/get-roles';
import { SettingsView } from '@/features/settings/components/settings-view';
import { RequirePermission, useAuthorization } from '@/lib/auth';

function Settings() {
  const { can } = useAuthorization();
  // The default role for registrations is picked from the roles, when they may be listed.
  const roles = useRoles({ enabled: can('roles.view') });
  const names = useMemo(() => roles.data?.map((role) => role.name), [roles.data]);
  return (
    <div className="space-y-6">
      <SettingsView roles={names} />
      <GatewaySettings readOnly={!can('settings.manage')} />
    </div>
  );
}

export default function SettingsRoute() {
  return (
    <>
      <title>Settings · Kubarr</title>
      <PageHeader
        title="Settings"
        description="Registration, sessions, media storage and the app gateway."
      />
      <RequirePermission permission="settings.view">
        <Settings />
      </RequirePermission>
    </>
  );
}
