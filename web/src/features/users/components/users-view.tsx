import { useState } from 'react';

import type { Role, User } from '@/api/types';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { EmptyState } from '@/components/ui/empty-state';
import { Menu } from '@/components/ui/menu';
import { PageSpinner } from '@/components/ui/spinner';
import { Table, TableCaption, TBody, TD, TH, THead, TR } from '@/components/ui/table';
import { useToast } from '@/components/ui/toast';
import { errorMessage } from '@/lib/api-client';
import { useAuthorization } from '@/lib/auth';
import { formatDateTime, formatRelative } from '@/lib/format';

import { useDeleteUser } from '../api/delete-user';
import { useUsers } from '../api/get-users';
import { useUpdateUser } from '../api/update-user';
import { CreateUserDialog } from './create-user-dialog';
import { EditRolesDialog } from './edit-roles-dialog';
import { ResetPasswordDialog } from './reset-password-dialog';

function StatusCell({ user }: { user: User }) {
  if (!user.is_approved) {
    return (
      <span className="rounded-full bg-amber-50 px-2 py-0.5 text-xs font-medium text-amber-900 ring-1 ring-amber-200 ring-inset dark:bg-amber-950 dark:text-amber-200 dark:ring-amber-800">
        Waiting for approval
      </span>
    );
  }
  if (!user.is_active) {
    return (
      <span className="rounded-full bg-zinc-100 px-2 py-0.5 text-xs font-medium text-zinc-700 ring-1 ring-zinc-300 ring-inset dark:bg-zinc-800 dark:text-zinc-300 dark:ring-zinc-700">
        Deactivated
      </span>
    );
  }
  return (
    <span className="rounded-full bg-emerald-50 px-2 py-0.5 text-xs font-medium text-emerald-800 ring-1 ring-emerald-200 ring-inset dark:bg-emerald-950 dark:text-emerald-200 dark:ring-emerald-800">
      Active
    </span>
  );
}

type Dialog =
  | { kind: 'roles'; user: User }
  | { kind: 'password'; user: User }
  | { kind: 'delete'; user: User }
  | { kind: 'deactivate'; user: User };

/**
 * Users, a page at a time: create, approve, activate/deactivate, assign roles, reset passwords,
 * delete — each offered only with the permission it needs.
 */
export function UsersView({
  roles,
  createOpen,
  onCloseCreate,
}: {
  /** Every role, when the user may list them (needed to assign roles). */
  roles: Role[] | undefined;
  createOpen: boolean;
  onCloseCreate: () => void;
}) {
  const users = useUsers();
  const update = useUpdateUser();
  const remove = useDeleteUser();
  const { can, user: me } = useAuthorization();
  const { toast } = useToast();
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const mayManage = can('users.manage');
  const mayReset = can('users.reset_password');

  const patch = (
    user: User,
    change: Partial<Pick<User, 'is_active' | 'is_approved'>>,
    done: string,
  ) =>
    update.mutate(
      { id: user.id, ...change },
      {
        onSuccess: () => {
          setDialog(null);
          toast({ tone: 'success', title: done });
        },
        onError: (error) =>
          toast({ tone: 'error', title: 'That did not work', description: errorMessage(error) }),
      },
    );

  if (users.isPending) return <PageSpinner label="Loading users" />;
  // A failed "load more" keeps the pages already shown.
  if (!users.data) {
    return <Alert title="Could not load the users">{errorMessage(users.error)}</Alert>;
  }
  const list = users.data.pages.flatMap((page) => page.items);
  const pending = list.filter((user) => !user.is_approved);

  return (
    <div className="space-y-4">
      {pending.length > 0 && mayManage && (
        <Alert tone="info" title={`${pending.length} waiting for approval`}>
          {pending.map((user) => user.username).join(', ')} registered and cannot sign in until
          approved.
        </Alert>
      )}
      {list.length === 0 ? (
        <EmptyState title="No users" />
      ) : (
        <Table>
          <TableCaption>Users</TableCaption>
          <THead>
            <tr>
              <TH>User</TH>
              <TH>Status</TH>
              <TH>Roles</TH>
              <TH>2FA</TH>
              <TH>Last sign-in</TH>
              {(mayManage || mayReset) && (
                <TH>
                  <span className="sr-only">Actions</span>
                </TH>
              )}
            </tr>
          </THead>
          <TBody>
            {list.map((user) => {
              const self = me?.id === user.id;
              return (
                <TR key={user.id}>
                  <TD>
                    <div className="font-medium text-zinc-900 dark:text-zinc-100">
                      {user.username}
                      {self && (
                        <span className="ml-1.5 text-xs font-normal text-zinc-500">(you)</span>
                      )}
                    </div>
                    <div className="text-xs text-zinc-500 dark:text-zinc-400">{user.email}</div>
                  </TD>
                  <TD>
                    <StatusCell user={user} />
                  </TD>
                  <TD>{user.roles.length ? user.roles.join(', ') : '—'}</TD>
                  <TD>{user.totp_enabled ? 'On' : 'Off'}</TD>
                  <TD className="whitespace-nowrap" title={formatDateTime(user.last_login_at)}>
                    {user.last_login_at ? formatRelative(user.last_login_at) : 'Never'}
                  </TD>
                  {(mayManage || mayReset) && (
                    <TD className="text-right whitespace-nowrap">
                      <div className="flex items-center justify-end gap-2">
                        {mayManage && !user.is_approved && (
                          <Button
                            size="sm"
                            loading={update.isPending && update.variables.id === user.id}
                            onClick={() =>
                              patch(user, { is_approved: true }, `${user.username} approved`)
                            }
                          >
                            Approve
                          </Button>
                        )}
                        <Menu
                          label={`Actions for ${user.username}`}
                          items={[
                            {
                              label: 'Edit roles',
                              hidden: !mayManage,
                              disabled: !roles,
                              disabledReason: 'Needs the roles.view permission',
                              onSelect: () => setDialog({ kind: 'roles', user }),
                            },
                            {
                              label: 'Reset password',
                              hidden: !mayReset,
                              onSelect: () => setDialog({ kind: 'password', user }),
                            },
                            {
                              label: 'Approve',
                              hidden: !mayManage || user.is_approved,
                              onSelect: () =>
                                patch(user, { is_approved: true }, `${user.username} approved`),
                            },
                            {
                              label: 'Activate',
                              hidden: !mayManage || user.is_active,
                              onSelect: () =>
                                patch(user, { is_active: true }, `${user.username} activated`),
                            },
                            {
                              label: 'Deactivate',
                              hidden: !mayManage || !user.is_active,
                              disabled: self,
                              disabledReason: 'You cannot deactivate yourself',
                              onSelect: () => setDialog({ kind: 'deactivate', user }),
                            },
                            {
                              label: 'Delete',
                              tone: 'danger',
                              hidden: !mayManage,
                              disabled: self,
                              disabledReason: 'You cannot delete yourself',
                              onSelect: () => setDialog({ kind: 'delete', user }),
                            },
                          ]}
                        />
                      </div>
                    </TD>
                  )}
                </TR>
              );
            })}
          </TBody>
        </Table>
      )}
      {users.hasNextPage && (
        <div className="flex justify-center">
          <Button
            variant="secondary"
            loading={users.isFetchingNextPage}
            onClick={() => void users.fetchNextPage()}
          >
            Load more
          </Button>
        </div>
      )}
      {users.isFetchNextPageError && (
        <Alert title="Could not load more users">{errorMessage(users.error)}</Alert>
      )}

      {mayManage && <CreateUserDialog open={createOpen} onClose={onCloseCreate} roles={roles} />}
      {dialog?.kind === 'roles' && roles && (
        <EditRolesDialog user={dialog.user} roles={roles} onClose={() => setDialog(null)} />
      )}
      {dialog?.kind === 'password' && (
        <ResetPasswordDialog user={dialog.user} onClose={() => setDialog(null)} />
      )}
      <ConfirmDialog
        open={dialog?.kind === 'deactivate'}
        onClose={() => setDialog(null)}
        title={`Deactivate ${dialog?.user.username ?? ''}?`}
        confirmLabel="Deactivate"
        tone="danger"
        loading={update.isPending}
        onConfirm={() => {
          if (dialog)
            patch(dialog.user, { is_active: false }, `${dialog.user.username} deactivated`);
        }}
      >
        <p>They are signed out and cannot sign in until activated again. Nothing is deleted.</p>
      </ConfirmDialog>
      <ConfirmDialog
        open={dialog?.kind === 'delete'}
        onClose={() => {
          remove.reset();
          setDialog(null);
        }}
        title={`Delete ${dialog?.user.username ?? ''}?`}
        confirmLabel="Delete user"
        tone="danger"
        confirmText={dialog?.kind === 'delete' ? dialog.user.username : undefined}
        loading={remove.isPending}
        error={remove.error ? errorMessage(remove.error) : null}
        onConfirm={() => {
          if (!dialog) return;
          const { user } = dialog;
          remove.mutate(user.id, {
            onSuccess: () => {
              setDialog(null);
              toast({ tone: 'success', title: `${user.username} deleted` });
            },
          });
        }}
      >
        <p>The account and its sessions are removed for good. Its audit entries stay.</p>
      </ConfirmDialog>
    </div>
  );
}
