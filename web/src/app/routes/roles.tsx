import { PlaceholderPage } from '@/components/placeholder-page';
import { RequirePermission } from '@/lib/auth';

export default function RolesRoute() {
  return (
    <RequirePermission permission="roles.view">
      <PlaceholderPage
        title="Roles"
        planned="Roles: custom roles, a permission matrix and per-app grants; system roles read-only."
      />
    </RequirePermission>
  );
}
