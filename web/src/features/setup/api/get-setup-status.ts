import { queryOptions, useQuery } from '@tanstack/react-query';

import { queryKeys } from '@/api/query-keys';
import type { SetupStatus } from '@/api/types';
import { apiClient, unwrap } from '@/lib/api-client';

/** GET /api/setup/status — true while no user exists. */
export function getSetupStatus(signal?: AbortSignal): Promise<SetupStatus> {
  return unwrap(apiClient.GET('/api/setup/status', { signal }), { skipAuthRedirect: true });
}

export const getSetupStatusQueryOptions = () =>
  queryOptions({
    queryKey: queryKeys.setupStatus,
    queryFn: ({ signal }) => getSetupStatus(signal),
    staleTime: 60_000,
  });

export function useSetupStatus() {
  return useQuery(getSetupStatusQueryOptions());
}
