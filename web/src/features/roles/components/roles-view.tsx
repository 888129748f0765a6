import { useState } from 'react';

import type { Role } from '@/api/types';
import { Alert } from '@/components/ui/alert';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { Menu } from '@/components/ui/menu';
import { PageSpinner } from '@/components/ui/spinner';
import { Table, TableCaption, TBody, TD, TH, THead, TR } from '@/components/ui/table';
import { useToast } from '@/components/ui/toast';
import { errorMessage } from '@/lib/api-client';
import { useAuthorization } from '@/lib/auth';

import { useDeleteRole } from '../api/delete-role';
import { usePermissions } from '../api/get-permissions';
import { useRoles } from '../api/get-roles';
import { AppGrantsDialog } from './app-grants-dialog';
import { PermissionMatrix } from './permission-matrix';
import { RoleFormDialog } from './role-form-dialog';

type Open =
  | { kind: 'create' }
  | { kind: 'edit'; role: Role }
  | { kind: 'grants'; role: Role }
  | { kind: 'delete'; role: Role };

/** Sorts system roles first (admin, operator, viewer), then custom roles by name. */
export function sortRoles(roles: Role[]): Role[] {
  return [...roles].sort((a, b) =>
    a.is_system === b.is_system
      ? a.is_system
        ? a.id - b.id
        : a.name.localeCompare(b.name)
      : a.is_system
        ? -1
        : 1,
  );
}

export function RolesView({
  appNames,
  createOpen,
  onCloseCreate,
}: {
  /** Catalog apps, offered in the per-app grants editor. */
  appNames: string[];
  createOpen: boolean;
  onCloseCreate: () => void;
}) {
  const roles = useRoles();
  const permissions = usePermissions();
  const remove = useDeleteRole();
  const { can } = useAuthorization();
  const { toast } = useToast();
  const [open, setOpen] = useState<Open | null>(null);
  const canManage = can('roles.manage');

  if (roles.isPending || permissions.isPending) return <PageSpinner label="Loading roles" />;
  if (roles.isError || permissions.isError) {
    return (
      <Alert title="Could not load the roles">
        {errorMessage(roles.error ?? permissions.error)}
      </Alert>
    );
  }
  const sorted = sortRoles(roles.data);
  const dialog = createOpen && canManage ? ({ kind: 'create' } as const) : open;
  const close = () => {
    setOpen(null);
    onCloseCreate();
  };

  return (
    <div className="space-y-8">
      <section aria-labelledby="roles-heading" className="space-y-3">
        <h2 id="roles-heading" className="text-base font-semibold">
          Roles
        </h2>
        <Table>
          <TableCaption>Roles</TableCaption>
          <THead>
            <tr>
              <TH>Name</TH>
              <TH>Description</TH>
              <TH className="text-right">Users</TH>
              <TH>Per-app grants</TH>
              <TH>2FA required</TH>
              <TH>
                <span className="sr-only">Actions</span>
              </TH>
            </tr>
          </THead>
          <TBody>
            {sorted.map((role) => (
              <TR key={role.id}>
                <TD className="font-medium whitespace-nowrap text-zinc-900 dark:text-zinc-100">
                  {role.name}
                  {role.is_system && (
                    <span className="ml-2 rounded bg-zinc-100 px-1.5 py-0.5 text-xs font-normal text-zinc-600 dark:bg-zinc-800 dark:text-zinc-400">
                      system
                    </span>
                  )}
                </TD>
                <TD className="min-w-48">{role.description || '—'}</TD>
                <TD className="text-right tabular-nums">{role.user_count}</TD>
                <TD>{role.app_grants.length || '—'}</TD>
                <TD>{role.requires_2fa ? 'Yes' : 'No'}</TD>
                <TD className="text-right">
                  <Menu
                    label={`Actions for role ${role.name}`}
                    items={[
                      {
                        label:
                          canManage && !role.is_system
                            ? 'Edit per-app grants'
                            : 'View per-app grants',
                        onSelect: () => setOpen({ kind: 'grants', role }),
                      },
                      {
                        label: role.is_system ? 'Description and 2FA' : 'Edit name and 2FA',
                        hidden: !canManage,
                        onSelect: () => setOpen({ kind: 'edit', role }),
                      },
                      {
                        label: 'Delete',
                        tone: 'danger',
                        hidden: !canManage,
                        disabled: role.is_system,
                        disabledReason: 'System roles cannot be deleted',
                        onSelect: () => setOpen({ kind: 'delete', role }),
                      },
                    ]}
                  />
                </TD>
              </TR>
            ))}
          </TBody>
        </Table>
      </section>

      <section aria-labelledby="matrix-heading" className="space-y-3">
        <div>
          <h2 id="matrix-heading" className="text-base font-semibold">
            Permission matrix
          </h2>
          <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
            {canManage
              ? 'Tick what each custom role may do everywhere. System roles are fixed.'
              : 'What each role may do everywhere. Changing roles needs roles.manage.'}
          </p>
        </div>
        <PermissionMatrix roles={sorted} permissions={permissions.data} canManage={canManage} />
      </section>

      {dialog?.kind === 'create' && <RoleFormDialog roles={sorted} onClose={close} />}
      {dialog?.kind === 'edit' && (
        <RoleFormDialog role={dialog.role} roles={sorted} onClose={close} />
      )}
      {dialog?.kind === 'grants' && (
        <AppGrantsDialog
          role={dialog.role}
          permissions={permissions.data}
          apps={appNames}
          readOnly={!canManage || dialog.role.is_system}
          onClose={close}
        />
      )}
      <ConfirmDialog
        open={dialog?.kind === 'delete'}
        onClose={() => {
          remove.reset();
          close();
        }}
        title={`Delete the role ${dialog?.kind === 'delete' ? dialog.role.name : ''}?`}
        confirmLabel="Delete role"
        tone="danger"
        loading={remove.isPending}
        error={remove.error ? errorMessage(remove.error) : null}
        onConfirm={() => {
          if (dialog?.kind !== 'delete') return;
          const { role } = dialog;
          remove.mutate(role.id, {
            onSuccess: () => {
              close();
              toast({ tone: 'success', title: `Role ${role.name} deleted` });
            },
          });
        }}
      >
        <p>
          {dialog?.kind === 'delete' && dialog.role.user_count > 0
            ? `${dialog.role.user_count} user(s) lose what this role allowed.`
            : 'No user has this role.'}
        </p>
      </ConfirmDialog>
    </div>
  );
}
