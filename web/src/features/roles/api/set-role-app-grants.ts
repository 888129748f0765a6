import { useMutation, useQueryClient } from '@tanstack/react-query';

import { queryKeys } from '@/api/query-keys';
import type { AppGrant, Role } from '@/api/types';
import { apiClient, unwrap } from '@/lib/api-client';

/** PUT /api/roles/{id}/apps {grants} — replaces the role's per-app grants. */
export function setRoleAppGrants(id: number, grants: AppGrant[]): Promise<Role> {
  return unwrap(
    apiClient.PUT('/api/roles/{id}/apps', { params: { path: { id } }, body: { grants } }),
  );
}

export function useSetRoleAppGrants() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, grants }: { id: number; grants: AppGrant[] }) =>
      setRoleAppGrants(id, grants),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.roles }),
        queryClient.invalidateQueries({ queryKey: queryKeys.me }),
      ]),
  });
}
