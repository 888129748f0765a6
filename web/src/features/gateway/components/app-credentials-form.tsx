import { useState, type SubmitEvent } from 'react';

import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { useToast } from '@/components/ui/toast';
import { errorMessage, isApiError } from '@/lib/api-client';

import { useSetAppCredentials } from '../api/set-app-credentials';

type Errors = Partial<Record<'username' | 'password', string>>;

/**
 * Stores the user name and password the gateway presents to `app`. Write-only: the fields start
 * empty, are emptied after saving, and nothing stored is ever shown back.
 */
export function AppCredentialsForm({ app, onDone }: { app: string; onDone: () => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const save = useSetAppCredentials();
  const { toast } = useToast();

  const submit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    const missing: Errors = {};
    if (!username) missing.username = 'Enter the app’s user name.';
    if (!password) missing.password = 'Enter the app’s password.';
    setErrors(missing);
    setFormError(null);
    if (missing.username || missing.password) return;
    save.mutate(
      { app, credentials: { username, password } },
      {
        onSuccess: () => {
          setUsername('');
          setPassword('');
          toast({ tone: 'success', title: `Credentials saved for ${app}` });
          onDone();
        },
        onError: (error) => {
          // The password never stays in the page once a request has been made with it.
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
      aria-label={`Credentials for ${app}`}
      className="mt-2 space-y-3 rounded-md bg-zinc-50 p-3 ring-1 ring-zinc-200 dark:bg-zinc-900 dark:ring-zinc-800"
    >
      {formError && <Alert>{formError}</Alert>}
      <Field label="App user name" error={errors.username} required>
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
        label="App password"
        hint="Stored encrypted and sent only to the app; it is never shown again."
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
          Save credentials
        </Button>
        <Button variant="ghost" size="sm" onClick={onDone} disabled={save.isPending}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
