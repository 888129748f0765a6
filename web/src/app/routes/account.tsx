import { PageHeader } from '@/components/page-header';
import { SectionCard } from '@/components/section-card';
import { ChangePasswordForm } from '@/features/account/components/change-password-form';
import { SessionsList } from '@/features/account/components/sessions-list';
import { TwoFactorSection } from '@/features/account/components/two-factor-section';
import { useCurrentUser } from '@/lib/auth';

export default function AccountRoute() {
  const { data: user } = useCurrentUser();
  if (!user) return null; // the layout renders pages only with a user
  return (
    <>
      <title>Account · Kubarr</title>
      <PageHeader
        title="Account"
        description="Your profile, password, two-factor authentication and sessions."
      />
      <div className="space-y-6">
        <SectionCard title="Profile">
          <dl className="grid gap-4 text-sm sm:grid-cols-3">
            <div>
              <dt className="text-xs text-zinc-500 dark:text-zinc-400">Username</dt>
              <dd className="mt-0.5 font-medium">{user.username}</dd>
            </div>
            <div className="min-w-0">
              <dt className="text-xs text-zinc-500 dark:text-zinc-400">Email</dt>
              <dd className="mt-0.5 truncate font-medium">{user.email}</dd>
            </div>
            <div>
              <dt className="text-xs text-zinc-500 dark:text-zinc-400">Roles</dt>
              <dd className="mt-0.5 font-medium">
                {user.roles.length ? user.roles.join(', ') : 'None'}
              </dd>
            </div>
          </dl>
          <p className="mt-4 text-xs text-zinc-500 dark:text-zinc-400">
            An administrator can change your email address and roles.
          </p>
        </SectionCard>
        <SectionCard id="two-factor" title="Two-factor authentication">
          <TwoFactorSection user={user} />
        </SectionCard>
        <SectionCard title="Password">
          <ChangePasswordForm />
        </SectionCard>
        <SectionCard
          title="Sessions"
          description="Where you are signed in. Sign out any you do not recognise."
        >
          <SessionsList />
        </SectionCard>
      </div>
    </>
  );
}
