import { useMemo } from 'react';

import { PageHeader } from '@/components/page-header';
import { AuditView } from '@/features/audit/components/audit-view';
import { useUsers } from '@/features/users/api/get-users';
import { RequirePermission, useAuthorization } from '@/lib/auth';

function Audit() {
  const { can } = useAuthorization();
  const mayListUsers = can('users.view');
  // The user filter offers the people Kubarr knows, when the viewer may list them.
  const users = useUsers({ enabled: mayListUsers });
  const options = useMemo(
    () =>
      users.data?.pages
        .flatMap((page) => page.items)
        .map((user) => ({ id: user.id, username: user.username }))
        .sort((a, b) => a.username.localeCompare(b.username)),
    [users.data],
  );
  return <AuditView users={mayListUsers ? options : undefined} />;
}

export default function AuditRoute() {
  return (
    <>
      <title>Audit log · Kubarr</title>
      <PageHeader title="Audit log" description="Who did what, and when." />
      <RequirePermission permission="audit.view">
        <Audit />
      </RequirePermission>
    </>
  );
}
