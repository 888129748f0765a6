import { PageHeader } from '@/components/page-header';
import { SectionCard } from '@/components/section-card';
import { CreateInviteForm } from '@/features/invites/components/create-invite-form';
import { InvitesList } from '@/features/invites/components/invites-list';
import { RequirePermission } from '@/lib/auth';

export default function InvitesRoute() {
  return (
    <>
      <title>Invites · Kubarr</title>
      <PageHeader
        title="Invites"
        description="Links that let someone create an account, once, before they expire."
      />
      <RequirePermission permission="users.manage">
        <div className="space-y-6">
          <SectionCard title="New invite">
            <CreateInviteForm />
          </SectionCard>
          <InvitesList />
        </div>
      </RequirePermission>
    </>
  );
}
