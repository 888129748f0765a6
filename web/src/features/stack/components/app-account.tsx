import { useState, type SubmitEvent } from 'react';

import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { useToast } from '@/components/ui/toast';
import { errorMessage, isApiError } from '@/lib/api-client';
import { useAuthorization } from '@/lib/auth';

import { useClearAppAccount } from '../api/clear-app-account';
import { useAppAccount } from '../api/get-app-account';
import { useSetAppAccount } from '../api/set-app-account';

type Errors = Partial<Record<'username' | 'password', string>>;

/**
 * Signs Kubarr in to the app as one of its administrators. Write-only: the password field starts
 * empty and is emptied as soon as a request was made with it.
 */
function AccountForm({ app, label, onDone }: { app: string; label: string; onDone?: () => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const save = useSetAppAccount();
  const { toast } = useToast();

  const submit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    const missing: Errors = {};
    if (!username.trim()) missing.username = `Enter the name of one of ${label}’s administrators.`;
    if (!password) missing.password = 'Enter that administrator’s password.';
    setErrors(missing);
    setFormError(null);
    if (missing.username || missing.password) return;
    save.mutate(
      { app, account: { username: username.trim(), password } },
      {
        onSuccess: () => {
          setPassword('');
          toast({ tone: 'success', title: `Kubarr is signed in to ${label}` });
          onDone?.();
        },
        onError: (error) => {
          setPassword('');
          const field = isApiError(error) ? error.field : undefined;
          if (field === 'username' || field === 'password') {
            setErrors({ [field]: errorMessage(error) });
          } else {
            setFormError(errorMessage(error));
          }
        },
      },
    );
  };

  return (
    <form
      onSubmit={submit}
      noValidate
      aria-label={`Sign Kubarr in to ${label}`}
      className="space-y-3 rounded-md bg-zinc-50 p-3 ring-1 ring-zinc-200 dark:bg-zinc-900 dark:ring-zinc-800"
    >
      {formError && <Alert>{formError}</Alert>}
      <Field label={`${label} administrator`} error={errors.username} required>
        {(control) => (
          <Input
            {...control}
            name="username"
            value={username}
            autoComplete="off"
            autoCapitalize="none"
            spellCheck={false}
            disabled={save.isPending}
            onChange={(event) => {
              setUsername(event.target.value);
              setErrors((e) => ({ ...e, username: undefined }));
            }}
          />
        )}
      </Field>
      <Field
        label="Password"
        hint={`Kubarr signs in once to make its own API key in ${label}. The password is stored encrypted (Seerr needs it) and never shown again.`}
        error={errors.password}
        required
      >
        {(control) => (
          <Input
            {...control}
            name="password"
            type="password"
            value={password}
            autoComplete="new-password"
            disabled={save.isPending}
            onChange={(event) => {
              setPassword(event.target.value);
              setErrors((e) => ({ ...e, password: undefined }));
            }}
          />
        )}
      </Field>
      <div className="flex gap-2">
        <Button type="submit" size="sm" loading={save.isPending}>
          Sign in
        </Button>
        {onDone && (
          <Button variant="ghost" size="sm" onClick={onDone} disabled={save.isPending}>
            Cancel
          </Button>
        )}
      </div>
    </form>
  );
}

/**
 * For an app Kubarr cannot seed a key into (Jellyfin): whose account Kubarr signs in with, and a
 * way to give or change it. Renders nothing for other apps.
 */
export function AppAccountPanel({ app, label }: { app: string; label: string }) {
  const account = useAppAccount(app);
  const { can } = useAuthorization();
  const [changing, setChanging] = useState(false);
  const [forgetting, setForgetting] = useState(false);
  const forget = useClearAppAccount();
  if (!account.data?.takes_account) return null;
  const manage = can('apps.upgrade', app);
  const username = account.data.username;

  return (
    <section aria-labelledby="app-account-heading" className="space-y-3">
      <h2 id="app-account-heading" className="text-base font-semibold">
        Kubarr’s sign-in
      </h2>
      {username ? (
        <p className="text-sm text-zinc-700 dark:text-zinc-300">
          Kubarr signs in to {label} as <strong>{username}</strong>, with an API key of its own
          named “Kubarr”.
        </p>
      ) : (
        <Alert tone="warning" title={`Kubarr cannot connect ${label} yet`}>
          {label} creates its administrator in its own first-run setup. Open {label}, finish the
          setup, then{' '}
          {manage ? 'enter that account here' : 'ask someone who manages it to sign Kubarr in'}.
        </Alert>
      )}
      {manage &&
        (!username || changing ? (
          <AccountForm
            app={app}
            label={label}
            onDone={username ? () => setChanging(false) : undefined}
          />
        ) : (
          <div className="flex gap-2">
            <Button size="sm" variant="secondary" onClick={() => setChanging(true)}>
              Change account
            </Button>
            <Button size="sm" variant="ghost" onClick={() => setForgetting(true)}>
              Forget account
            </Button>
          </div>
        ))}
      <ConfirmDialog
        open={forgetting}
        onClose={() => setForgetting(false)}
        onConfirm={() =>
          forget.mutate(app, {
            onSuccess: () => setForgetting(false),
          })
        }
        title={`Forget Kubarr’s ${label} account?`}
        confirmLabel="Forget"
        tone="danger"
        loading={forget.isPending}
        error={forget.error ? errorMessage(forget.error) : undefined}
      >
        Kubarr removes its API key from {label} and stops keeping its libraries and Seerr’s
        connection to it until someone signs it in again.
      </ConfirmDialog>
    </section>
  );
}
