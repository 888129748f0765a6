import { useMutation, useQueryClient } from '@tanstack/react-query';

import { queryKeys } from '@/api/query-keys';
import type { Setting, SettingKey, SettingValues } from '@/api/types';
import { apiClient, unwrap } from '@/lib/api-client';

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

/** Saves several settings one after the other (order matters for cross-key rules). */
export function useUpdateSettings() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (changes: SettingChange[]) => {
      for (const change of changes) {
        try {
          await updateSetting(change.key, change.value);
        } catch (error) {
          throw Object.assign(error as Error, { settingKey: change.key });
        }
      }
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.settings }),
  });
}
