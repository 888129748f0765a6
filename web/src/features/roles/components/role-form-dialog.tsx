import { useState, type SubmitEvent } from 'react';

import type { Role } from '@/api/types';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { CheckboxField, Field } from '@/components/ui/field';
import { Input, Select } from '@/components/ui/input';
import { useToast } from '@/components/ui/toast';
import { errorMessage, isApiError } from '@/lib/api-client';

import { useCreateRole } from '../api/create-role';
import { useUpdateRole } from '../api/update-role';

const FORM_ID = 'role-form';

/** Create a custom role (optionally starting from another role's permissions) or rename one. */
export function RoleFormDialog({
  role,
  roles,
  onClose,
}: {
  /** The role to edit; undefined to create one. */
  role?: Role;
  roles: Role[];
  onClose: () => void;
}) {
  const { toast } = useToast();
  const create = useCreateRole();
  const update = useUpdateRole();
  const mutation = role ? update : create;
  const [name, setName] = useState(role?.name ?? '');
  const [description, setDescription] = useState(role?.description ?? '');
  const [requires2fa, setRequires2fa] = useState(role?.requires_2fa ?? false);
  const [template, setTemplate] = useState('');
  const system = role?.is_system ?? false;
  const [nameError, setNameError] = useState<string>();

  const submit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    const trimmed = name.trim();
    if (!trimmed) {
      setNameError('Give the role a name.');
      return;
    }
    if (roles.some((r) => r.id !== role?.id && r.name.toLowerCase() === trimmed.toLowerCase())) {
      setNameError('Another role has this name.');
      return;
    }
    const onError = (error: unknown) => {
      if (isApiError(error) && (error.field === 'name' || error.status === 409)) {
        setNameError(error.message);
      }
    };
    if (role) {
      update.mutate(
        {
          id: role.id,
          ...(system ? {} : { name: trimmed }),
          description: description.trim(),
          requires_2fa: requires2fa,
        },
        {
          onSuccess: () => {
            toast({ tone: 'success', title: `Role ${trimmed} saved` });
            onClose();
          },
          onError,
        },
      );
    } else {
      const from = roles.find((r) => String(r.id) === template);
      create.mutate(
        {
          name: trimmed,
          description: description.trim(),
          requires_2fa: requires2fa,
          permissions: from?.permissions ?? [],
          app_grants: from?.app_grants ?? [],
        },
        {
          onSuccess: () => {
            toast({ tone: 'success', title: `Role ${trimmed} created` });
            onClose();
          },
          onError,
        },
      );
    }
  };

  const nameErrorShown = nameError;
  const otherError =
    mutation.error &&
    !(
      isApiError(mutation.error) &&
      (mutation.error.field === 'name' || mutation.error.status === 409)
    )
      ? errorMessage(mutation.error)
      : null;

  return (
    <Dialog
      open
      onClose={onClose}
      dismissible={!mutation.isPending}
      title={role ? `Edit ${role.name}` : 'Create a role'}
      description={
        role
          ? system
            ? 'Change the description or the two-factor requirement. System roles keep their name and permissions.'
            : 'Rename the role or change its description. Its permissions are set in the matrix.'
          : 'A custom role starts empty or as a copy of another role; set its permissions in the matrix afterwards.'
      }
      footer={
        <>
          <Button variant="secondary" onClick={onClose} disabled={mutation.isPending}>
            Cancel
          </Button>
          <Button type="submit" form={FORM_ID} loading={mutation.isPending}>
            {role ? 'Save' : 'Create role'}
          </Button>
        </>
      }
    >
      <form id={FORM_ID} onSubmit={submit} noValidate className="space-y-4">
        {otherError && <Alert>{otherError}</Alert>}
        <Field
          label="Name"
          required
          error={nameErrorShown}
          hint={system ? 'System roles keep their names.' : undefined}
        >
          {(control) => (
            <Input
              {...control}
              name="name"
              autoComplete="off"
              disabled={system}
              value={name}
              onChange={(event) => {
                setName(event.target.value);
                setNameError(undefined);
              }}
            />
          )}
        </Field>
        <Field label="Description">
          {(control) => (
            <Input
              {...control}
              name="description"
              autoComplete="off"
              value={description}
              onChange={(event) => setDescription(event.target.value)}
            />
          )}
        </Field>
        <CheckboxField
          label="Members must use two-factor authentication"
          hint="Members without it are asked to set it up before they can do anything else."
          checked={requires2fa}
          disabled={mutation.isPending}
          onChange={(event) => setRequires2fa(event.target.checked)}
        />
        {!role && (
          <Field label="Start from" hint="Copies that role's permissions and per-app grants.">
            {(control) => (
              <Select
                {...control}
                value={template}
                onChange={(event) => setTemplate(event.target.value)}
              >
                <option value="">No permissions</option>
                {roles.map((r) => (
                  <option key={r.id} value={String(r.id)}>
                    {r.name}
                  </option>
                ))}
              </Select>
            )}
          </Field>
        )}
      </form>
    </Dialog>
  );
}
