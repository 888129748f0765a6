// Audit filters live in the URL (?action=&user_id=&since=&until=&resource_type=) so a filtered
// view can be reloaded and shared. These helpers convert between the URL, the form and the API.

import type { AuditFilters } from '@/api/types';

/** Every action the server records (its AuditAction names). */
export const AUDIT_ACTIONS = [
  'login_succeeded',
  'login_failed',
  'logout',
  'session_revoked',
  'setup_completed',
  'user_created',
  'user_updated',
  'user_deleted',
  'user_registered',
  'password_changed',
  'password_reset',
  'two_factor_setup_started',
  'two_factor_enabled',
  'two_factor_disabled',
  'recovery_code_used',
  'invite_created',
  'invite_revoked',
  'role_created',
  'role_updated',
  'role_deleted',
  'setting_changed',
  'app_installed',
  'app_upgraded',
  'app_restarted',
  'app_uninstalled',
  'app_operation_failed',
  'catalog_reloaded',
  'app_opened',
  'app_access_changed',
  'wiring_link_applied',
  'wiring_link_removed',
  'wiring_link_repaired',
  'wiring_link_changed',
  'app_account_set',
  'app_account_removed',
] as const;

/** "two_factor_enabled" → "Two factor enabled". */
export function actionLabel(action: string): string {
  const text = action.replaceAll('_', ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Actions that record something going wrong, shown in red. */
export function isFailure(action: string): boolean {
  return action.endsWith('_failed');
}

export function filtersFromParams(params: URLSearchParams): AuditFilters {
  const filters: AuditFilters = {};
  const action = params.get('action');
  if (action) filters.action = action;
  const userId = Number.parseInt(params.get('user_id') ?? '', 10);
  if (Number.isSafeInteger(userId) && userId > 0) filters.user_id = userId;
  const resource = params.get('resource_type');
  if (resource) filters.resource_type = resource;
  for (const key of ['since', 'until'] as const) {
    const value = params.get(key);
    if (value && !Number.isNaN(Date.parse(value))) filters[key] = new Date(value).toISOString();
  }
  return filters;
}

export function paramsFromFilters(filters: AuditFilters): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [key, value] of Object.entries(filters)) {
    if (value !== undefined && value !== '') params[key] = String(value);
  }
  return params;
}

/** An RFC 3339 time → the value of a `datetime-local` input in the user's time zone. */
export function toLocalInput(iso: string | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** A `datetime-local` value (local time) → RFC 3339 UTC; undefined when empty or invalid. */
export function fromLocalInput(value: string): string | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** Pretty JSON for the details panel; strings as they are. */
export function formatDetails(details: unknown): string {
  if (details === null || details === undefined) return '';
  if (typeof details === 'string') return details;
  return JSON.stringify(details, null, 2);
}
