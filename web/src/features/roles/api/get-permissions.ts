import { queryOptions, useQuery } from '@tanstack/react-query';

import { queryKeys } from '@/api/query-keys';
import type { PermissionInfo } from '@/api/types';
import { apiClient, unwrap } from '@/lib/api-client';

/** GET /api/permissions — every permission with a description and whether it is per-app. */
export function getPermissions(signal?: AbortSignal): Promise<PermissionInfo[]> {
  return unwrap(apiClient.GET('/api/permissions', { signal }));
}

export const getPermissionsQueryOptions = () =>
  queryOptions({
    queryKey: queryKeys.permissions,
    queryFn: ({ signal }) => getPermissions(signal),
    staleTime: Infinity,
  });

export function usePermissions() {
  return useQuery(getPermissionsQueryOptions());
}
