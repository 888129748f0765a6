import { PlaceholderPage } from '@/components/placeholder-page';
import { RequirePermission } from '@/lib/auth';

export default function AuditRoute() {
  return (
    <RequirePermission permission="audit.view">
      <PlaceholderPage
        title="Audit log"
        planned="Audit log: filter by action, user and time, with details and cursor pagination."
      />
    </RequirePermission>
  );
}
