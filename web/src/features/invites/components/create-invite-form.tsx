import { useState, type SubmitEvent } from 'react';

import type { InviteCreated } from '@/api/types';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { CopyButton } from '@/components/ui/copy-button';
import { Field } from '@/components/ui/field';
import { Input, Select } from '@/components/ui/input';
import { paths } from '@/config/paths';
import { errorMessage, isApiError } from '@/lib/api-client';
import { formatDateTime } from '@/lib/format';
import { emailProblem } from '@/lib/validation';

import { useCreateInvite } from '../api/create-invite';

export const EXPIRY_CHOICES = [
  { hours: 1, label: '1 hour' },
  { hours: 24, label: '1 day' },
  { hours: 72, label: '3 days' },
  { hours: 168, label: '7 days' },
  { hours: 720, label: '30 days' },
] as const;

/** The registration link of a new invite: the server's when absolute, else on this origin. */
export function inviteLink(created: Pick<InviteCreated, 'url' | 'token'>, origin: string): string {
  if (/^https?:\/\//i.test(created.url)) return created.url;
  return `${origin}${paths.register.getHref(created.token)}`;
}

export function CreateInviteForm() {
  const create = useCreateInvite();
  const [email, setEmail] = useState('');
  const [hours, setHours] = useState(72);
  const [emailError, setEmailError] = useState<string>();
  const [created, setCreated] = useState<InviteCreated | null>(null);

  const submit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    const problem = email.trim() ? emailProblem(email) : null;
    setEmailError(problem ?? undefined);
    if (problem) return;
    setCreated(null);
    create.mutate(
      { ...(email.trim() ? { email: email.trim() } : {}), expires_in_hours: hours },
      {
        onSuccess: (data) => {
          setCreated(data);
          setEmail('');
        },
        onError: (error) => {
          if (isApiError(error) && error.field === 'email') setEmailError(error.message);
        },
      },
    );
  };

  const link = created ? inviteLink(created, window.location.origin) : null;
  const otherError =
    create.error && !(isApiError(create.error) && create.error.field === 'email')
      ? errorMessage(create.error)
      : null;

  return (
    <div className="space-y-4">
      <form
        onSubmit={submit}
        noValidate
        className="grid gap-4 sm:grid-cols-[minmax(0,1fr)_12rem_auto] sm:items-start"
      >
        <Field
          label="Email (optional)"
          error={emailError}
          hint="When set, only this address can register with the link."
        >
          {(control) => (
            <Input
              {...control}
              type="email"
              name="email"
              autoComplete="off"
              value={email}
              onChange={(event) => {
                setEmail(event.target.value);
                setEmailError(undefined);
              }}
            />
          )}
        </Field>
        <Field label="Expires after">
          {(control) => (
            <Select
              {...control}
              value={hours}
              onChange={(event) => setHours(Number(event.target.value))}
            >
              {EXPIRY_CHOICES.map((choice) => (
                <option key={choice.hours} value={choice.hours}>
                  {choice.label}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <Button type="submit" loading={create.isPending} className="sm:mt-6.5">
          Create invite
        </Button>
      </form>
      {otherError && <Alert>{otherError}</Alert>}
      {created && link && (
        <div
          role="status"
          className="space-y-2 rounded-md bg-emerald-50 p-4 text-sm ring-1 ring-emerald-200 ring-inset dark:bg-emerald-950/50 dark:ring-emerald-900"
        >
          <p className="font-medium text-emerald-900 dark:text-emerald-100">
            Invite created{created.email ? ` for ${created.email}` : ''}. Copy the link now: it is
            shown only once.
          </p>
          <div className="flex flex-col gap-2 sm:flex-row sm:items-center">
            <label htmlFor="invite-link" className="sr-only">
              Invite link
            </label>
            <Input
              id="invite-link"
              readOnly
              value={link}
              onFocus={(event) => event.target.select()}
              className="font-mono text-xs"
            />
            <CopyButton text={link} label="Copy link" />
          </div>
          <p className="text-xs text-emerald-900/80 dark:text-emerald-100/80">
            Valid until {formatDateTime(created.expires_at)}; it works once.
          </p>
        </div>
      )}
    </div>
  );
}
