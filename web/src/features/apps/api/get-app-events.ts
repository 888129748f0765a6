import { queryOptions, useQuery } from '@tanstack/react-query';

import { queryKeys } from '@/api/query-keys';
import type { KubeEvent } from '@/api/types';
import { api } from '@/lib/api-client';

/** GET /api/apps/{app}/events — Kubernetes events of the app's namespace, newest first. */
export function getAppEvents(app: string, signal?: AbortSignal): Promise<KubeEvent[]> {
  return api.get<KubeEvent[]>(`/apps/${encodeURIComponent(app)}/events`, { signal });
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
