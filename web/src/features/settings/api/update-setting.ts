import { useMutation, useQueryClient } from '@tanstack/react-query';

import { queryKeys } from '@/api/query-keys';
import type { Setting, SettingKey, SettingValues } from '@/api/types';
import { ApiError, apiClient, isApiError, unwrap } from '@/lib/api-client';

/**
 * PUT /api/settings/{key} {value} → the changed setting. 400 for a wrong type, 422 for a value
 * out of range; `error.field` is `value` or `value.<part>`.
 */
export function updateSetting<K extends SettingKey>(
  key: K,
  value: SettingValues[K],
): Promise<Setting> {
  return unwrap(
    apiClient.PUT('/api/settings/{key}', {
      params: { path: { key } },
      // The document still calls every value an object; each key's real type is SettingValues'.
      body: { value: value as unknown as Record<string, unknown> },
    }),
  );
}

export interface SettingChange {
  key: SettingKey;
  value: SettingValues[SettingKey];
}

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
