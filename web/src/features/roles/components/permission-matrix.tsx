import { useState } from 'react';

import type { PermissionInfo, Role } from '@/api/types';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { useToast } from '@/components/ui/toast';
import { errorMessage } from '@/lib/api-client';
import { cn } from '@/lib/cn';

import { useSetRolePermissions } from '../api/set-role-permissions';
import {
  changedRoles,
  groupPermissions,
  permissionsOf,
  togglePermission,
  withoutRole,
  type PermissionDraft,
} from './permission-matrix-model';

/**
 * Permissions (rows) × roles (columns). Custom roles' cells are editable when the user may
 * manage roles; system roles are read-only. Changes are collected and saved together.
 */
export function PermissionMatrix({
  roles,
  permissions,
  canManage,
}: {
  roles: Role[];
  permissions: PermissionInfo[];
  canManage: boolean;
}) {
  const { toast } = useToast();
  const save = useSetRolePermissions();
  const [draft, setDraft] = useState<PermissionDraft>({});
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const groups = groupPermissions(permissions);
  const changes = changedRoles(roles, draft);

  const saveAll = async () => {
    setSaving(true);
    setError(null);
    try {
      for (const change of changes) {
        await save.mutateAsync({ id: change.role.id, permissions: change.permissions });
        setDraft((current) => withoutRole(current, change.role.id));
      }
      toast({ tone: 'success', title: 'Permissions saved' });
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setSaving(false);
    }
  };

  return (
    <div className="space-y-3">
      {error && <Alert title="Not every change was saved">{error}</Alert>}
      <div className="overflow-x-auto rounded-lg ring-1 ring-zinc-200 dark:ring-zinc-800">
        <table className="min-w-full text-sm">
          <caption className="sr-only">Permissions of each role</caption>
          <thead className="bg-zinc-50 dark:bg-zinc-900">
            <tr>
              <th
                scope="col"
                className="sticky left-0 z-10 bg-zinc-50 px-3 py-2.5 text-left font-semibold dark:bg-zinc-900"
              >
                Permission
              </th>
              {roles.map((role) => (
                <th
                  key={role.id}
                  scope="col"
                  className="px-3 py-2.5 text-center font-semibold whitespace-nowrap"
                >
                  {role.name}
                  {role.is_system && (
                    <span className="block text-xs font-normal text-zinc-500 dark:text-zinc-400">
                      system · read-only
                    </span>
                  )}
                  {role.id in draft && (
                    <span className="block text-xs font-normal text-indigo-600 dark:text-indigo-400">
                      edited
                    </span>
                  )}
                </th>
              ))}
            </tr>
          </thead>
          {groups.map((group) => (
            <tbody
              key={group.area}
              className="divide-y divide-zinc-100 border-t border-zinc-200 bg-white dark:divide-zinc-800/60 dark:border-zinc-800 dark:bg-zinc-950"
            >
              <tr>
                <th
                  scope="rowgroup"
                  colSpan={roles.length + 1}
                  className="sticky left-0 bg-zinc-50/60 px-3 py-1.5 text-left text-xs font-semibold tracking-wide text-zinc-500 uppercase dark:bg-zinc-900/60 dark:text-zinc-400"
                >
                  {group.label}
                </th>
              </tr>
              {group.permissions.map((permission) => (
                <tr key={permission.name}>
                  <th
                    scope="row"
                    className="sticky left-0 z-10 bg-white px-3 py-2 text-left font-normal dark:bg-zinc-950"
                  >
                    <span className="block text-zinc-900 dark:text-zinc-100">
                      {permission.description}
                    </span>
                    <code className="text-xs text-zinc-500 dark:text-zinc-400">
                      {permission.name}
                    </code>
                  </th>
                  {roles.map((role) => {
                    const checked = permissionsOf(role, draft).includes(permission.name);
                    const editable = canManage && !role.is_system;
                    return (
                      <td key={role.id} className="px-3 py-2 text-center">
                        <input
                          type="checkbox"
                          className={cn(
                            'size-4 accent-indigo-600',
                            !editable && 'cursor-not-allowed opacity-70',
                          )}
                          checked={checked}
                          disabled={!editable || saving}
                          title={
                            role.is_system
                              ? 'System roles cannot be changed'
                              : !canManage
                                ? 'Changing roles needs roles.manage'
                                : undefined
                          }
                          aria-label={`${role.name}: ${permission.name}`}
                          onChange={(event) =>
                            setDraft((current) =>
                              togglePermission(
                                current,
                                role,
                                permission.name,
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
          ))}
        </table>
      </div>
      {changes.length > 0 && (
        <div className="sticky bottom-4 flex flex-wrap items-center justify-between gap-3 rounded-lg bg-white px-4 py-3 shadow-lg ring-1 ring-zinc-200 dark:bg-zinc-900 dark:ring-zinc-800">
          <p className="text-sm">
            Unsaved changes to {changes.map((change) => change.role.name).join(', ')}.
          </p>
          <div className="flex gap-2">
            <Button variant="secondary" onClick={() => setDraft({})} disabled={saving}>
              Discard
            </Button>
            <Button loading={saving} onClick={() => void saveAll()}>
              Save changes
            </Button>
          </div>
        </div>
      )}
    </div>
  );
}
