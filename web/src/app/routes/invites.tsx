import { PlaceholderPage } from '@/components/placeholder-page';
import { RequirePermission } from '@/lib/auth';

export default function InvitesRoute() {
  return (
    <RequirePermission permission="users.manage">
      <PlaceholderPage
        title="Invites"
        planned="Invites: create invite links, copy them, revoke them."
      />
    </RequirePermission>
  );
}
