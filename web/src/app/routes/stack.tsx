import { PageHeader } from '@/components/page-header';
import { StackView } from '@/features/stack/components/stack-view';
import { RequirePermission } from '@/lib/auth';

export default function StackRoute() {
  return (
    <>
      <title>Stack · Kubarr</title>
      <PageHeader
        title="Stack"
        description="How Kubarr connects your apps to each other, and whether each connection works."
      />
      <RequirePermission permission="apps.view" anyApp>
        <StackView />
      </RequirePermission>
    </>
  );
}
