import { Link } from 'react-router';

import { NewAccountForm } from '@/components/new-account-form';
import { Alert } from '@/components/ui/alert';
import { paths } from '@/config/paths';
import { isApiError } from '@/lib/api-client';

import { useRegister } from '../api/register';

const linkClass = 'font-medium text-indigo-600 hover:underline dark:text-indigo-400';

/** Create an account from an invite link (/register?invite=…). */
export function RegisterForm({ inviteToken }: { inviteToken: string | null }) {
  const registration = useRegister();

  if (!inviteToken) {
    return (
      <div className="space-y-4">
        <h1 className="text-xl font-semibold">Invite needed</h1>
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          Accounts are created from an invite link. Ask an administrator for one, then open the link
          they send you.
        </p>
        <Link to={paths.login.getHref()} className={linkClass}>
          Back to sign in
        </Link>
      </div>
    );
  }

  if (registration.isSuccess) {
    return (
      <div className="space-y-4">
        <h1 className="text-xl font-semibold">Account created</h1>
        {registration.data.pending_approval ? (
          <Alert tone="info" title="Waiting for approval">
            An administrator approves new accounts before they can sign in. Try again once they
            have.
          </Alert>
        ) : (
          <Alert tone="success">You can now sign in with your username and password.</Alert>
        )}
        <Link to={paths.login.getHref()} className={linkClass}>
          Go to sign in
        </Link>
      </div>
    );
  }

  const inviteRejected =
    isApiError(registration.error) &&
    // An invite for another address is an email problem, shown at that field.
    registration.error.field !== 'email' &&
    (registration.error.status === 404 ||
      registration.error.status === 410 ||
      registration.error.code.includes('invite'));

  return (
    <NewAccountForm
      intro={
        <div>
          <h1 className="text-xl font-semibold">Create your account</h1>
          <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
            You were invited to Kubarr. Choose how you will sign in.
          </p>
          {inviteRejected && (
            <Alert className="mt-4" title="This invite cannot be used">
              It may have expired, been revoked or already been used. Ask for a new invite.
            </Alert>
          )}
        </div>
      }
      submitLabel="Create account"
      pending={registration.isPending}
      serverError={inviteRejected ? null : registration.error}
      onSubmit={(values) => registration.mutate({ ...values, invite_token: inviteToken })}
    />
  );
}
