import { queryOptions, useQuery } from '@tanstack/react-query';

import { queryKeys } from '@/api/query-keys';
import type { Role } from '@/api/types';
import { apiClient, unwrap } from '@/lib/api-client';

/** GET /api/roles — every role with its permissions, per-app grants and user count. */
export function getRoles(signal?: AbortSignal): Promise<Role[]> {
  return unwrap(apiClient.GET('/api/roles', { signal }));
}

export const getRolesQueryOptions = () =>
  queryOptions({
    queryKey: queryKeys.roles,
    queryFn: ({ signal }) => getRoles(signal),
  });

export function useRoles(options: { enabled?: boolean } = {}) {
  return useQuery({ ...getRolesQueryOptions(), enabled: options.enabled ?? true });
}
