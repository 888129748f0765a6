import { queryOptions, useQuery } from '@tanstack/react-query';

import { queryKeys } from '@/api/query-keys';
import type { InstalledApp } from '@/api/types';
import { apiClient, unwrap } from '@/lib/api-client';

/** GET /api/apps — installed apps the caller may view. */
export function getApps(signal?: AbortSignal): Promise<InstalledApp[]> {
  return unwrap(apiClient.GET('/api/apps', { signal }));
}

export const getAppsQueryOptions = () =>
  queryOptions({
    queryKey: queryKeys.appsList,
    queryFn: ({ signal }) => getApps(signal),
    // Live changes arrive over SSE; this poll is only a safety net when the stream is down.
    refetchInterval: 60_000,
  });

export function useApps() {
  return useQuery(getAppsQueryOptions());
}
