// The model behind the permission matrix and the per-app grants editor: grouping, drafts of
// changes per role, and what to save. Pure functions, unit-tested.

import type { AppGrant, Permission, PermissionInfo, Role } from '@/api/types';

const AREA_LABELS: Record<string, string> = {
  apps: 'Apps',
  logs: 'Logs',
  monitoring: 'Monitoring',
  users: 'Users',
  roles: 'Roles',
  settings: 'Settings',
  audit: 'Audit log',
  notifications: 'Notifications',
  vpn: 'VPN',
};

const AREA_ORDER = Object.keys(AREA_LABELS);

export interface PermissionGroup {
  area: string;
  label: string;
  permissions: PermissionInfo[];
}

/** Permissions grouped by the part before the dot, in a stable, meaningful order. */
export function groupPermissions(permissions: PermissionInfo[]): PermissionGroup[] {
  const groups = new Map<string, PermissionInfo[]>();
  for (const permission of permissions) {
    const area = permission.name.split('.')[0] ?? permission.name;
    const list = groups.get(area) ?? [];
    list.push(permission);
    groups.set(area, list);
  }
  const rank = (area: string) => {
    const index = AREA_ORDER.indexOf(area);
    return index < 0 ? AREA_ORDER.length : index;
  };
  return [...groups.entries()]
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
    .map(([area, list]) => ({
      area,
      label: AREA_LABELS[area] ?? area.charAt(0).toUpperCase() + area.slice(1),
      permissions: list,
    }));
}

/** Edited permission sets by role id; roles not in the draft are unchanged. */
export type PermissionDraft = Record<number, Permission[]>;

export function permissionsOf(role: Role, draft: PermissionDraft): Permission[] {
  return draft[role.id] ?? role.permissions;
}

/** The draft without `roleId`'s entry. */
export function withoutRole(draft: PermissionDraft, roleId: number): PermissionDraft {
  const rest: PermissionDraft = {};
  for (const [id, permissions] of Object.entries(draft)) {
    if (Number(id) !== roleId) rest[Number(id)] = permissions;
  }
  return rest;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item) => b.includes(item));
}

/** The draft after toggling `permission` for `role`; a role back to its saved set drops out. */
export function togglePermission(
  draft: PermissionDraft,
  role: Role,
  permission: Permission,
  on: boolean,
): PermissionDraft {
  const current = permissionsOf(role, draft);
  const next = on
    ? current.includes(permission)
      ? current
      : [...current, permission]
    : current.filter((p) => p !== permission);
  const rest = withoutRole(draft, role.id);
  return sameSet(next, role.permissions) ? rest : { ...rest, [role.id]: next };
}

/** The roles whose permissions the draft changes, with their new sets (sorted). */
export function changedRoles(
  roles: Role[],
  draft: PermissionDraft,
): { role: Role; permissions: Permission[] }[] {
  return roles
    .filter((role) => role.id in draft && !role.is_system)
    .map((role) => ({ role, permissions: [...permissionsOf(role, draft)].sort() }))
    .filter(({ role, permissions }) => !sameSet(permissions, role.permissions));
}

// ---- per-app grants ------------------------------------------------------------------------------

export function grantKey(grant: AppGrant): string {
  return `${grant.app_name}\u0000${grant.permission}`;
}

/** Adds or removes one grant, keeping the list sorted by app then permission. */
export function toggleGrant(grants: AppGrant[], grant: AppGrant, on: boolean): AppGrant[] {
  const key = grantKey(grant);
  const without = grants.filter((g) => grantKey(g) !== key);
  const next = on ? [...without, grant] : without;
  return next.sort(
    (a, b) => a.app_name.localeCompare(b.app_name) || a.permission.localeCompare(b.permission),
  );
}

export function hasGrant(grants: AppGrant[], app: string, permission: string): boolean {
  return grants.some((g) => g.app_name === app && g.permission === permission);
}

export function sameGrants(a: AppGrant[], b: AppGrant[]): boolean {
  if (a.length !== b.length) return false;
  const keys = new Set(a.map(grantKey));
  return b.every((g) => keys.has(grantKey(g)));
}

/** Apps to offer in the grants editor: the catalog's plus any already granted, sorted. */
export function grantApps(catalogApps: string[], grants: AppGrant[]): string[] {
  return [...new Set([...catalogApps, ...grants.map((g) => g.app_name)])].sort();
}
