import { useState, type SubmitEvent, type ReactNode } from 'react';

import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { errorMessage, isApiError } from '@/lib/api-client';
import { matchErrorField } from '@/lib/form-errors';

export interface NewAccountValues {
  username: string;
  email: string;
  password: string;
}

type FieldName = keyof NewAccountValues | 'confirm';
type Errors = Partial<Record<FieldName, string>>;

const SERVER_FIELDS: (keyof NewAccountValues)[] = ['username', 'email', 'password'];

function validate(values: NewAccountValues & { confirm: string }): Errors {
  const errors: Errors = {};
  if (!values.username.trim()) errors.username = 'Choose a username.';
  else if (/\s/.test(values.username.trim())) errors.username = 'A username cannot contain spaces.';
  if (!values.email.trim()) errors.email = 'Enter an email address.';
  else if (!/^[^\s@]+@[^\s@]+$/.test(values.email.trim()))
    errors.email = 'Enter a valid email address.';
  if (!values.password) errors.password = 'Choose a password.';
  if (values.password && values.confirm !== values.password)
    errors.confirm = 'The passwords do not match.';
  return errors;
}

/**
 * Username, email, password and confirmation, as used by first-run setup and invite registration.
 * A server error naming a field (in `error.field` or its message) is shown next to that field.
 */
export function NewAccountForm({
  onSubmit,
  submitLabel,
  pending,
  serverError,
  intro,
}: {
  onSubmit: (values: NewAccountValues) => void;
  submitLabel: string;
  pending: boolean;
  serverError: unknown;
  intro?: ReactNode;
}) {
  const [values, setValues] = useState({ username: '', email: '', password: '', confirm: '' });
  const [errors, setErrors] = useState<Errors>({});
  // The server error stays until the user edits a field (mutation errors reset on the next submit).
  const [dismissedError, setDismissedError] = useState<unknown>(null);

  let formError: string | null = null;
  let fieldErrors = errors;
  if (serverError && serverError !== dismissedError) {
    const field = isApiError(serverError) ? matchErrorField(serverError, SERVER_FIELDS) : null;
    if (field) {
      fieldErrors = { ...errors, [field]: errorMessage(serverError) };
    } else {
      formError = errorMessage(serverError);
    }
  }

  const change = (name: FieldName, value: string) => {
    setValues((current) => ({ ...current, [name]: value }));
    setErrors((current) => ({ ...current, [name]: undefined }));
    setDismissedError(serverError);
  };

  const submit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    const found = validate(values);
    setErrors(found);
    if (Object.values(found).some(Boolean)) return;
    onSubmit({
      username: values.username.trim(),
      email: values.email.trim(),
      password: values.password,
    });
  };

  return (
    <form onSubmit={submit} noValidate className="space-y-4">
      {intro}
      {formError && <Alert>{formError}</Alert>}
      <Field label="Username" required error={fieldErrors.username}>
        {(control) => (
          <Input
            {...control}
            name="username"
            value={values.username}
            onChange={(e) => change('username', e.target.value)}
            autoComplete="username"
            autoCapitalize="none"
            spellCheck={false}
            autoFocus
          />
        )}
      </Field>
      <Field label="Email" required error={fieldErrors.email}>
        {(control) => (
          <Input
            {...control}
            name="email"
            type="email"
            value={values.email}
            onChange={(e) => change('email', e.target.value)}
            autoComplete="email"
          />
        )}
      </Field>
      <Field label="Password" required error={fieldErrors.password}>
        {(control) => (
          <Input
            {...control}
            name="password"
            type="password"
            value={values.password}
            onChange={(e) => change('password', e.target.value)}
            autoComplete="new-password"
          />
        )}
      </Field>
      <Field label="Confirm password" required error={fieldErrors.confirm}>
        {(control) => (
          <Input
            {...control}
            name="confirm"
            type="password"
            value={values.confirm}
            onChange={(e) => change('confirm', e.target.value)}
            autoComplete="new-password"
          />
        )}
      </Field>
      <Button type="submit" className="w-full" loading={pending}>
        {submitLabel}
      </Button>
    </form>
  );
}
