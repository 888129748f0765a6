import { useState } from 'react';
import { Link } from 'react-router';

import { NewAccountForm } from '@/components/new-account-form';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { paths } from '@/config/paths';
import { isApiError } from '@/lib/api-client';

import { useCreateFirstAdmin } from '../api/create-first-admin';
import { useSetupStatus } from '../api/get-setup-status';

/**
 * First start: create the administrator account (the server signs it in), then `onDone`. From
 * another machine than the server's, the setup token from Kubarr's log is asked for too.
 */
export function SetupForm({ onDone }: { onDone: () => void }) {
  const createAdmin = useCreateFirstAdmin({ onSuccess: onDone });
  const status = useSetupStatus();
  const tokenRequired = status.data?.setup_token_required === true;
  const [token, setToken] = useState('');
  const tokenError =
    isApiError(createAdmin.error) && createAdmin.error.code === 'setup_token_required'
      ? createAdmin.error.message
      : undefined;

  // 409: someone finished setup meanwhile. There is nothing left to do here but sign in.
  if (isApiError(createAdmin.error) && createAdmin.error.status === 409) {
    return (
      <div className="space-y-4">
        <h1 className="text-xl font-semibold">Kubarr is already set up</h1>
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          An administrator account exists. Sign in with it, or ask its owner for an invite.
        </p>
        <Link
          to={paths.login.getHref()}
          replace
          className="inline-block font-medium text-indigo-600 hover:underline dark:text-indigo-400"
        >
          Go to sign in
        </Link>
      </div>
    );
  }

  return (
    <NewAccountForm
      intro={
        <div>
          <h1 className="text-xl font-semibold">Welcome to Kubarr</h1>
          <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
            Create the administrator account. You can invite other people once you are signed in.
          </p>
          {tokenRequired && (
            <Field label="Setup token" required error={tokenError} className="mt-4">
              {(control) => (
                <Input
                  {...control}
                  name="setup_token"
                  autoComplete="off"
                  spellCheck={false}
                  placeholder="kbt_…"
                  value={token}
                  onChange={(event) => setToken(event.target.value)}
                  className="font-mono"
                />
              )}
            </Field>
          )}
          {tokenRequired && (
            <p className="mt-1 text-xs text-zinc-600 dark:text-zinc-400">
              You are not on the server itself: Kubarr printed a one-time setup token in its log
              when it started.
            </p>
          )}
        </div>
      }
      submitLabel="Create administrator"
      pending={createAdmin.isPending}
      serverError={createAdmin.error}
      onSubmit={(values) =>
        createAdmin.mutate(tokenRequired ? { ...values, setup_token: token.trim() } : values)
      }
    />
  );
}
