import { queryOptions, useQuery } from '@tanstack/react-query';

import { queryKeys } from '@/api/query-keys';
import type { PodInfo } from '@/api/types';
import { apiClient, unwrap } from '@/lib/api-client';

/** GET /api/apps/{app}/pods — the app's pods with phase, readiness, restarts, node and age. */
export function getAppPods(app: string, signal?: AbortSignal): Promise<PodInfo[]> {
  return unwrap(apiClient.GET('/api/apps/{app}/pods', { params: { path: { app } }, signal }));
}

export const getAppPodsQueryOptions = (app: string) =>
  queryOptions({
    queryKey: queryKeys.appPods(app),
    queryFn: ({ signal }) => getAppPods(app, signal),
    // Status events trigger a refetch; this poll keeps restarts and ages fresh in between.
    refetchInterval: 15_000,
  });

export function useAppPods(app: string, options: { enabled?: boolean } = {}) {
  return useQuery({ ...getAppPodsQueryOptions(app), enabled: options.enabled ?? true });
}
