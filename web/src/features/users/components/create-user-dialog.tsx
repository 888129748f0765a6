import { useState, type SubmitEvent } from 'react';

import type { Role } from '@/api/types';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { useToast } from '@/components/ui/toast';
import { errorMessage, isApiError } from '@/lib/api-client';
import { matchErrorField } from '@/lib/form-errors';
import { emailProblem, passwordProblem, usernameProblem } from '@/lib/validation';

import { useCreateUser } from '../api/create-user';
import { RoleCheckboxes } from './role-checkboxes';

type FieldName = 'username' | 'email' | 'password' | 'role_ids';
type Errors = Partial<Record<FieldName, string>>;

const FORM_ID = 'create-user-form';

/** Create an active, approved account with a first password and roles. */
export function CreateUserDialog({
  open,
  onClose,
  roles,
}: {
  open: boolean;
  onClose: () => void;
  /** Undefined when the user may not list roles: the account is created without roles. */
  roles: Role[] | undefined;
}) {
  const { toast } = useToast();
  const create = useCreateUser();
  const defaultRoles = roles?.filter((role) => role.name === 'viewer').map((role) => role.id) ?? [];
  const [values, setValues] = useState({ username: '', email: '', password: '' });
  const [roleIds, setRoleIds] = useState<number[] | null>(null);
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const selectedRoles = roleIds ?? defaultRoles;

  const close = () => {
    if (create.isPending) return;
    setValues({ username: '', email: '', password: '' });
    setRoleIds(null);
    setErrors({});
    setFormError(null);
    create.reset();
    onClose();
  };

  const set = (name: keyof typeof values, value: string) => {
    setValues((current) => ({ ...current, [name]: value }));
    setErrors((current) => ({ ...current, [name]: undefined }));
  };

  const submit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    setFormError(null);
    const found: Errors = {
      username: usernameProblem(values.username) ?? undefined,
      email: emailProblem(values.email) ?? undefined,
      password: passwordProblem(values.password) ?? undefined,
    };
    setErrors(found);
    if (Object.values(found).some(Boolean)) return;
    create.mutate(
      {
        username: values.username.trim(),
        email: values.email.trim(),
        password: values.password,
        role_ids: selectedRoles,
      },
      {
        onSuccess: (user) => {
          toast({ tone: 'success', title: `Created ${user.username}` });
          close();
        },
        onError: (error) => {
          const field = isApiError(error)
            ? matchErrorField(error, ['username', 'email', 'password', 'role_ids'])
            : null;
          if (field) setErrors({ [field]: errorMessage(error) });
          else setFormError(errorMessage(error));
        },
      },
    );
  };

  return (
    <Dialog
      open={open}
      onClose={close}
      dismissible={!create.isPending}
      title="Create a user"
      description="The account is active and approved at once. Share the password with its owner; they can change it under Account."
      footer={
        <>
          <Button variant="secondary" onClick={close} disabled={create.isPending}>
            Cancel
          </Button>
          <Button type="submit" form={FORM_ID} loading={create.isPending}>
            Create user
          </Button>
        </>
      }
    >
      <form id={FORM_ID} onSubmit={submit} noValidate className="space-y-4">
        {formError && <Alert>{formError}</Alert>}
        <Field label="Username" required error={errors.username}>
          {(control) => (
            <Input
              {...control}
              name="username"
              autoComplete="off"
              autoCapitalize="none"
              spellCheck={false}
              value={values.username}
              onChange={(event) => set('username', event.target.value)}
            />
          )}
        </Field>
        <Field label="Email" required error={errors.email}>
          {(control) => (
            <Input
              {...control}
              name="email"
              type="email"
              autoComplete="off"
              value={values.email}
              onChange={(event) => set('email', event.target.value)}
            />
          )}
        </Field>
        <Field label="Password" required error={errors.password} hint="At least 8 characters.">
          {(control) => (
            <Input
              {...control}
              name="password"
              type="password"
              autoComplete="new-password"
              value={values.password}
              onChange={(event) => set('password', event.target.value)}
            />
          )}
        </Field>
        {roles ? (
          <RoleCheckboxes
            roles={roles}
            selected={selectedRoles}
            onChange={setRoleIds}
            disabled={create.isPending}
            error={errors.role_ids}
          />
        ) : (
          <p className="text-sm text-zinc-600 dark:text-zinc-400">
            Assigning roles needs the <code>roles.view</code> permission; the user starts without
            roles.
          </p>
        )}
      </form>
    </Dialog>
  );
}
