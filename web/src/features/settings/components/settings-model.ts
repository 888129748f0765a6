// Settings as the API lists them ({key, value}) ↔ the typed values the forms edit, with the
// client-side checks the server also makes.

import type { MediaStorage, Setting, SettingKey, SettingValues } from '@/api/types';

export const DEFAULT_VALUES: SettingValues = {
  registration_enabled: false,
  registration_requires_approval: true,
  registration_default_role: 'viewer',
  session_idle_timeout_minutes: 60,
  session_absolute_lifetime_hours: 24,
  media_storage: { type: 'none' },
  public_url: null,
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asStorage(value: unknown): MediaStorage {
  if (!isRecord(value)) return DEFAULT_VALUES.media_storage;
  const type = value.type === 'host_path' || value.type === 'nfs' ? value.type : 'none';
  const text = (v: unknown) => (typeof v === 'string' ? v : null);
  return {
    type,
    host_path: text(value.host_path),
    nfs_server: text(value.nfs_server),
    nfs_path: text(value.nfs_path),
  };
}

/** Typed values from the list, falling back to defaults for anything missing or malformed. */
export function settingValues(settings: Setting[]): SettingValues {
  const byKey = new Map(settings.map((s) => [s.key, s.value]));
  const bool = (key: SettingKey) => {
    const v = byKey.get(key);
    return typeof v === 'boolean' ? v : (DEFAULT_VALUES[key] as boolean);
  };
  const num = (key: SettingKey) => {
    const v = byKey.get(key);
    return typeof v === 'number' ? v : (DEFAULT_VALUES[key] as number);
  };
  const role = byKey.get('registration_default_role');
  const url = byKey.get('public_url');
  return {
    registration_enabled: bool('registration_enabled'),
    registration_requires_approval: bool('registration_requires_approval'),
    registration_default_role:
      typeof role === 'string' ? role : DEFAULT_VALUES.registration_default_role,
    session_idle_timeout_minutes: num('session_idle_timeout_minutes'),
    session_absolute_lifetime_hours: num('session_absolute_lifetime_hours'),
    media_storage: asStorage(byKey.get('media_storage')),
    public_url: typeof url === 'string' ? url : null,
  };
}

/** Only the fields the storage type uses, as the server expects them. */
export function storagePayload(storage: MediaStorage): MediaStorage {
  switch (storage.type) {
    case 'host_path':
      return { type: 'host_path', host_path: (storage.host_path ?? '').trim() };
    case 'nfs':
      return {
        type: 'nfs',
        nfs_server: (storage.nfs_server ?? '').trim(),
        nfs_path: (storage.nfs_path ?? '').trim(),
      };
    case 'none':
      return { type: 'none' };
  }
}

const STORAGE_FIELDS = ['host_path', 'nfs_server', 'nfs_path'] as const;
type StorageField = (typeof STORAGE_FIELDS)[number];

export type StorageErrors = Partial<Record<StorageField, string>>;

/** The storage input a server error is about (`error.field` is `value.<field>`), if any. */
export function storageErrorField(field: string | undefined): StorageField | null {
  const name = field?.startsWith('value.') ? field.slice('value.'.length) : null;
  return STORAGE_FIELDS.find((candidate) => candidate === name) ?? null;
}

function absolutePath(path: string): boolean {
  return path.startsWith('/') && !path.split('/').includes('..') && path.length <= 1024;
}

export function storageProblems(storage: MediaStorage): StorageErrors {
  const errors: StorageErrors = {};
  const payload = storagePayload(storage);
  if (payload.type === 'host_path' && !absolutePath(payload.host_path ?? '')) {
    errors.host_path = 'Enter an absolute path on the nodes, such as /srv/media.';
  }
  if (payload.type === 'nfs') {
    if (!/^[A-Za-z0-9.\-:[\]]{1,253}$/.test(payload.nfs_server ?? '')) {
      errors.nfs_server = 'Enter the NFS server’s host name or IP address.';
    }
    if (!absolutePath(payload.nfs_path ?? '')) {
      errors.nfs_path = 'Enter the absolute export path, such as /export/media.';
    }
  }
  return errors;
}

export interface SessionErrors {
  idle?: string;
  absolute?: string;
}

export function sessionProblems(idleMinutes: number, absoluteHours: number): SessionErrors {
  const errors: SessionErrors = {};
  if (!Number.isInteger(idleMinutes) || idleMinutes < 5 || idleMinutes > 525_600) {
    errors.idle = 'Between 5 and 525 600 minutes (a year).';
  }
  if (!Number.isInteger(absoluteHours) || absoluteHours < 1 || absoluteHours > 8760) {
    errors.absolute = 'Between 1 and 8760 hours (a year).';
  }
  if (!errors.idle && !errors.absolute && idleMinutes > absoluteHours * 60) {
    errors.idle = 'The idle timeout cannot be longer than the session lifetime.';
  }
  return errors;
}

/**
 * The order to save the two session keys in so the server's "idle ≤ lifetime" rule holds after
 * each step: a growing lifetime first, else the idle timeout first.
 */
export function sessionSaveOrder(
  saved: Pick<SettingValues, 'session_idle_timeout_minutes' | 'session_absolute_lifetime_hours'>,
  next: Pick<SettingValues, 'session_idle_timeout_minutes' | 'session_absolute_lifetime_hours'>,
): ('session_idle_timeout_minutes' | 'session_absolute_lifetime_hours')[] {
  const keys: ('session_idle_timeout_minutes' | 'session_absolute_lifetime_hours')[] = [];
  const idleChanged = next.session_idle_timeout_minutes !== saved.session_idle_timeout_minutes;
  const absChanged = next.session_absolute_lifetime_hours !== saved.session_absolute_lifetime_hours;
  if (absChanged && next.session_absolute_lifetime_hours > saved.session_absolute_lifetime_hours) {
    keys.push('session_absolute_lifetime_hours');
    if (idleChanged) keys.push('session_idle_timeout_minutes');
  } else {
    if (idleChanged) keys.push('session_idle_timeout_minutes');
    if (absChanged) keys.push('session_absolute_lifetime_hours');
  }
  return keys;
}
