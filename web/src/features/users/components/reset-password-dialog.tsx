import { useState, type SubmitEvent } from 'react';

import type { User } from '@/api/types';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { useToast } from '@/components/ui/toast';
import { errorMessage, isApiError } from '@/lib/api-client';
import { passwordProblem } from '@/lib/validation';

import { useResetUserPassword } from '../api/reset-user-password';

const FORM_ID = 'reset-password-form';

export function ResetPasswordDialog({ user, onClose }: { user: User; onClose: () => void }) {
  const { toast } = useToast();
  const reset = useResetUserPassword();
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [errors, setErrors] = useState<{ password?: string; confirm?: string }>({});

  const submit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    const problem = passwordProblem(password);
    const found = {
      password: problem ?? undefined,
      confirm: !problem && confirm !== password ? 'The passwords do not match.' : undefined,
    };
    setErrors(found);
    if (found.password || found.confirm) return;
    reset.mutate(
      { id: user.id, newPassword: password },
      {
        onSuccess: () => {
          toast({
            tone: 'success',
            title: `Password of ${user.username} reset`,
            description: 'Their sessions were signed out.',
          });
          onClose();
        },
        onError: (error) => {
          if (isApiError(error) && error.field === 'new_password') {
            setErrors({ password: error.message });
          }
        },
      },
    );
  };

  const fieldError = isApiError(reset.error) && reset.error.field === 'new_password';

  return (
    <Dialog
      open
      onClose={onClose}
      dismissible={!reset.isPending}
      title={`Reset the password of ${user.username}`}
      description="They are signed out everywhere and sign in with the new password."
      footer={
        <>
          <Button variant="secondary" onClick={onClose} disabled={reset.isPending}>
            Cancel
          </Button>
          <Button type="submit" form={FORM_ID} loading={reset.isPending}>
            Reset password
          </Button>
        </>
      }
    >
      <form id={FORM_ID} onSubmit={submit} noValidate className="space-y-4">
        {reset.error && !fieldError && <Alert>{errorMessage(reset.error)}</Alert>}
        <Field label="New password" required error={errors.password} hint="At least 8 characters.">
          {(control) => (
            <Input
              {...control}
              type="password"
              autoComplete="new-password"
              value={password}
              onChange={(event) => {
                setPassword(event.target.value);
                setErrors({});
              }}
            />
          )}
        </Field>
        <Field label="Confirm the new password" required error={errors.confirm}>
          {(control) => (
            <Input
              {...control}
              type="password"
              autoComplete="new-password"
              value={confirm}
              onChange={(event) => {
                setConfirm(event.target.value);
                setErrors({});
              }}
            />
          )}
        </Field>
      </form>
    </Dialog>
  );
}
