import { queryOptions, useQuery } from '@tanstack/react-query';

import { queryKeys } from '@/api/query-keys';
import type { Setting } from '@/api/types';
import { apiClient, unwrap } from '@/lib/api-client';

/** GET /api/settings — every known setting with its effective value. */
export function getSettings(signal?: AbortSignal): Promise<Setting[]> {
  return unwrap(apiClient.GET('/api/settings', { signal }));
}

export const getSettingsQueryOptions = () =>
  queryOptions({
    queryKey: queryKeys.settings,
    queryFn: ({ signal }) => getSettings(signal),
  });

export function useSettings() {
  return useQuery(getSettingsQueryOptions());
}
