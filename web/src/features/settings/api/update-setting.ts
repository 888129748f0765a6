import { useMutation, useQueryClient } from '@tanstack/react-query';

import { queryKeys } from '@/api/query-keys';
import type { Setting, SettingKey, SettingValues } from '@/api/types';
import { ApiError, apiClient, isApiError, unwrap } from '@/lib/api-client';

/**
 * PUT /api/settings/<key> {value} → the changed setting. 400 for a wrong type, 422 for a value
 * out of range; `error.field` is `value` or `value.<part>`.
 */
export function updateSetting<K extends SettingKey>(
  key: K,
  value: SettingValues[K],
): Promise<Setting> {
  const change = { key, value } as SettingChange;
  // One path per key, each with that key's value type: the switch pairs them for TypeScript.
  switch (change.key) {
    case 'registration_enabled':
      return unwrap(
        apiClient.PUT('/api/settings/registration_enabled', { body: { value: change.value } }),
      );
    case 'registration_requires_approval':
      return unwrap(
        apiClient.PUT('/api/settings/registration_requires_approval', {
          body: { value: change.value },
        }),
      );
    case 'registration_default_role':
      return unwrap(
        apiClient.PUT('/api/settings/registration_default_role', { body: { value: change.value } }),
      );
    case 'session_idle_timeout_minutes':
      return unwrap(
        apiClient.PUT('/api/settings/session_idle_timeout_minutes', {
          body: { value: change.value },
        }),
      );
    case 'session_absolute_lifetime_hours':
      return unwrap(
        apiClient.PUT('/api/settings/session_absolute_lifetime_hours', {
          body: { value: change.value },
        }),
      );
    case 'media_storage':
      return unwrap(
        apiClient.PUT('/api/settings/media_storage', { body: { value: change.value } }),
      );
    case 'public_url':
      return unwrap(apiClient.PUT('/api/settings/public_url', { body: { value: change.value } }));
  }
}

/** One setting's new value (the key decides the value's type). */
export type SettingChange = {
  [K in SettingKey]: { key: K; value: SettingValues[K] };
}[SettingKey];

/** The server refused one setting of a batch: the API error, and which key it was about. */
export class SettingSaveError extends ApiError {
  readonly settingKey: SettingKey;

  constructor(cause: ApiError, settingKey: SettingKey) {
    super(cause);
    this.settingKey = settingKey;
  }
}

export function isSettingSaveError(error: unknown): error is SettingSaveError {
  return error instanceof SettingSaveError;
}

/**
 * Saves several settings one after the other (order matters for cross-key rules). A refusal
 * stops the batch and rejects with a `SettingSaveError` naming the key.
 */
export function useUpdateSettings() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (changes: SettingChange[]) => {
      for (const change of changes) {
        try {
          await updateSetting(change.key, change.value);
        } catch (error) {
          throw isApiError(error) ? new SettingSaveError(error, change.key) : error;
        }
      }
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.settings }),
  });
}
