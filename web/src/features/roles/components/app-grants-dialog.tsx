import { useState } from 'react';

import type { AppGrant, PermissionInfo, Role } from '@/api/types';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { useToast } from '@/components/ui/toast';
import { errorMessage } from '@/lib/api-client';

import { useSetRoleAppGrants } from '../api/set-role-app-grants';
import { grantApps, hasGrant, sameGrants, toggleGrant } from './permission-matrix-model';

/**
 * Per-app grants of one role: apps (rows) × the permissions that can be granted per app
 * (columns). A grant lets the role's users use that permission on that app only.
 */
export function AppGrantsDialog({
  role,
  permissions,
  apps,
  readOnly,
  onClose,
}: {
  role: Role;
  permissions: PermissionInfo[];
  /** App names to offer (the catalog's). */
  apps: string[];
  readOnly: boolean;
  onClose: () => void;
}) {
  const { toast } = useToast();
  const save = useSetRoleAppGrants();
  const [grants, setGrants] = useState<AppGrant[]>(role.app_grants);
  const scopable = permissions.filter(
    (p): p is PermissionInfo & { name: AppGrant['permission'] } => p.app_scopable,
  );
  const rows = grantApps(apps, grants);
  const unchanged = sameGrants(grants, role.app_grants);

  return (
    <Dialog
      open
      onClose={onClose}
      size="lg"
      dismissible={!save.isPending}
      title={`Per-app grants of ${role.name}`}
      description={
        readOnly
          ? 'What this role may do on single apps, beyond its global permissions.'
          : 'Let this role use a permission on chosen apps only. Global permissions (in the matrix) already cover every app.'
      }
      footer={
        readOnly ? (
          <Button variant="secondary" onClick={onClose}>
            Close
          </Button>
        ) : (
          <>
            <Button variant="secondary" onClick={onClose} disabled={save.isPending}>
              Cancel
            </Button>
            <Button
              loading={save.isPending}
              disabled={unchanged}
              onClick={() =>
                save.mutate(
                  { id: role.id, grants },
                  {
                    onSuccess: () => {
                      toast({ tone: 'success', title: `Grants of ${role.name} saved` });
                      onClose();
                    },
                  },
                )
              }
            >
              Save grants
            </Button>
          </>
        )
      }
    >
      <div className="space-y-3">
        {save.error && <Alert>{errorMessage(save.error)}</Alert>}
        {rows.length === 0 ? (
          <p className="text-sm text-zinc-600 dark:text-zinc-400">No apps in the catalog.</p>
        ) : (
          <div className="overflow-x-auto rounded-lg ring-1 ring-zinc-200 dark:ring-zinc-800">
            <table className="min-w-full text-sm">
              <caption className="sr-only">Per-app grants of {role.name}</caption>
              <thead className="bg-zinc-50 dark:bg-zinc-900">
                <tr>
                  <th scope="col" className="px-3 py-2 text-left font-semibold">
                    App
                  </th>
                  {scopable.map((permission) => (
                    <th
                      key={permission.name}
                      scope="col"
                      title={permission.description}
                      className="px-2 py-2 text-center font-mono text-xs font-medium whitespace-nowrap"
                    >
                      {permission.name}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
                {rows.map((app) => (
                  <tr key={app}>
                    <th scope="row" className="px-3 py-1.5 text-left font-medium">
                      {app}
                    </th>
                    {scopable.map((permission) => {
                      const global = role.permissions.includes(permission.name);
                      return (
                        <td key={permission.name} className="px-2 py-1.5 text-center">
                          <input
                            type="checkbox"
                            className="size-4 accent-indigo-600 disabled:cursor-not-allowed disabled:opacity-60"
                            aria-label={`${permission.name} on ${app}`}
                            checked={global || hasGrant(grants, app, permission.name)}
                            disabled={readOnly || global || save.isPending}
                            title={global ? 'Granted for every app by the role' : undefined}
                            onChange={(event) =>
                              setGrants((current) =>
                                toggleGrant(
                                  current,
                                  { app_name: app, permission: permission.name },
                                  event.target.checked,
                                ),
                              )
                            }
                          />
                        </td>
                      );
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>
    </Dialog>
  );
}
