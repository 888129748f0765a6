import { queryOptions, useQuery } from '@tanstack/react-query';

import { queryKeys } from '@/api/query-keys';
import type { SessionInfo } from '@/api/types';
import { apiClient, unwrap } from '@/lib/api-client';

/** GET /api/auth/sessions — the caller's live sessions. */
export function getSessions(signal?: AbortSignal): Promise<SessionInfo[]> {
  return unwrap(apiClient.GET('/api/auth/sessions', { signal }));
}

export const getSessionsQueryOptions = () =>
  queryOptions({
    queryKey: queryKeys.sessions,
    queryFn: ({ signal }) => getSessions(signal),
  });

export function useSessions() {
  return useQuery(getSessionsQueryOptions());
}
