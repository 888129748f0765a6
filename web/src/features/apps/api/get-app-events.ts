import { queryOptions, useQuery } from '@tanstack/react-query';

import { queryKeys } from '@/api/query-keys';
import type { KubeEvent } from '@/api/types';
import { apiClient, unwrap } from '@/lib/api-client';

/** GET /api/apps/{app}/events — Kubernetes events of the app's namespace, newest first. */
export function getAppEvents(app: string, signal?: AbortSignal): Promise<KubeEvent[]> {
  return unwrap(apiClient.GET('/api/apps/{app}/events', { params: { path: { app } }, signal }));
}

export const getAppEventsQueryOptions = (app: string) =>
  queryOptions({
    queryKey: queryKeys.appEvents(app),
    queryFn: ({ signal }) => getAppEvents(app, signal),
    refetchInterval: 30_000,
  });

export function useAppEvents(app: string, options: { enabled?: boolean } = {}) {
  return useQuery({ ...getAppEventsQueryOptions(app), enabled: options.enabled ?? true });
}
