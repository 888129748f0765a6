import { queryOptions, useQuery } from '@tanstack/react-query';

import { queryKeys } from '@/api/query-keys';
import type { OpenableApp } from '@/api/types';
import { apiClient, unwrap } from '@/lib/api-client';

/**
 * GET /api/gateway/apps — the installed apps the caller may open through the gateway (any
 * signed-in user). Empty when no gateway is configured.
 */
export function getOpenableApps(signal?: AbortSignal): Promise<OpenableApp[]> {
  return unwrap(apiClient.GET('/api/gateway/apps', { signal }));
}

export const getOpenableAppsQueryOptions = () =>
  queryOptions({
    queryKey: queryKeys.openableApps,
    queryFn: ({ signal }) => getOpenableApps(signal),
    // States change live on the dashboard; here a slow poll keeps the badges honest.
    refetchInterval: 30_000,
  });

export function useOpenableApps(options: { enabled?: boolean } = {}) {
  return useQuery({ ...getOpenableAppsQueryOptions(), enabled: options.enabled ?? true });
}
