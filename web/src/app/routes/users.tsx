import { useState } from 'react';

import { PageHeader } from '@/components/page-header';
import { Button } from '@/components/ui/button';
import { useRoles } from '@/features/roles/api/get-roles';
import { UsersView } from '@/features/users/components/users-view';
import { RequirePermission, useAuthorization } from '@/lib/auth';

function Users() {
  const { can } = useAuthorization();
  const [creating, setCreating] = useState(false);
  // Assigning roles needs the role list, which needs roles.view.
  const roles = useRoles({ enabled: can('roles.view') });
  return (
    <>
      <PageHeader
        title="Users"
        description="Who can sign in to Kubarr, and with which roles."
        actions={
          can('users.manage') && <Button onClick={() => setCreating(true)}>Create user</Button>
        }
      />
      <UsersView
        roles={roles.data}
        createOpen={creating}
        onCloseCreate={() => setCreating(false)}
      />
    </>
  );
}

export default function UsersRoute() {
  return (
    <>
      <title>Users · Kubarr</title>
      <RequirePermission permission="users.view">
        <Users />
      </RequirePermission>
    </>
  );
}
