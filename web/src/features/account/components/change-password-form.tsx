import { useState, type SubmitEvent } from 'react';

import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { useToast } from '@/components/ui/toast';
import { errorMessage, isApiError } from '@/lib/api-client';
import { passwordProblem } from '@/lib/validation';

import { useChangePassword } from '../api/change-password';

type FieldName = 'current' | 'next' | 'confirm';
type Errors = Partial<Record<FieldName, string>>;

export function ChangePasswordForm() {
  const { toast } = useToast();
  const change = useChangePassword();
  const [values, setValues] = useState({ current: '', next: '', confirm: '' });
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<string | null>(null);

  const set = (name: FieldName, value: string) => {
    setValues((current) => ({ ...current, [name]: value }));
    setErrors((current) => ({ ...current, [name]: undefined }));
  };

  const submit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    setFormError(null);
    const found: Errors = {};
    if (!values.current) found.current = 'Enter your current password.';
    const problem = passwordProblem(values.next);
    if (problem) found.next = problem;
    else if (values.next === values.current) found.next = 'Choose a password you do not use now.';
    if (!found.next && values.confirm !== values.next)
      found.confirm = 'The passwords do not match.';
    setErrors(found);
    if (Object.values(found).some(Boolean)) return;
    change.mutate(
      { current_password: values.current, new_password: values.next },
      {
        onSuccess: () => {
          setValues({ current: '', next: '', confirm: '' });
          toast({
            tone: 'success',
            title: 'Password changed',
            description: 'Your other sessions were signed out.',
          });
        },
        onError: (error) => {
          if (isApiError(error) && error.field === 'current_password') {
            setErrors({ current: error.message });
          } else if (isApiError(error) && error.field === 'new_password') {
            setErrors({ next: error.message });
          } else {
            setFormError(errorMessage(error));
          }
        },
      },
    );
  };

  return (
    <form onSubmit={submit} noValidate className="max-w-md space-y-4">
      {formError && <Alert>{formError}</Alert>}
      <Field label="Current password" required error={errors.current}>
        {(control) => (
          <Input
            {...control}
            type="password"
            name="current_password"
            autoComplete="current-password"
            value={values.current}
            onChange={(event) => set('current', event.target.value)}
          />
        )}
      </Field>
      <Field
        label="New password"
        required
        error={errors.next}
        hint="At least 8 characters. Your other sessions are signed out."
      >
        {(control) => (
          <Input
            {...control}
            type="password"
            name="new_password"
            autoComplete="new-password"
            value={values.next}
            onChange={(event) => set('next', event.target.value)}
          />
        )}
      </Field>
      <Field label="Confirm the new password" required error={errors.confirm}>
        {(control) => (
          <Input
            {...control}
            type="password"
            name="confirm_password"
            autoComplete="new-password"
            value={values.confirm}
            onChange={(event) => set('confirm', event.target.value)}
          />
        )}
      </Field>
      <Button type="submit" loading={change.isPending}>
        Change password
      </Button>
    </form>
  );
}
