import { PlaceholderPage } from '@/components/placeholder-page';
import { RequirePermission } from '@/lib/auth';

export default function UsersRoute() {
  return (
    <RequirePermission permission="users.view">
      <PlaceholderPage
        title="Users"
        planned="Users: list, create, approve pending accounts, activate or deactivate, assign roles, reset passwords."
      />
    </RequirePermission>
  );
}
