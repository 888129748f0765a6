import { useMutation, useQueryClient } from '@tanstack/react-query';

import { queryKeys } from '@/api/query-keys';
import type { Permission, Role } from '@/api/types';
import { apiClient, unwrap } from '@/lib/api-client';

/** PUT /api/roles/{id}/permissions {permissions} — replaces the role's global permissions. */
export function setRolePermissions(id: number, permissions: Permission[]): Promise<Role> {
  return unwrap(
    apiClient.PUT('/api/roles/{id}/permissions', {
      params: { path: { id } },
      body: { permissions },
    }),
  );
}

export function useSetRolePermissions() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, permissions }: { id: number; permissions: Permission[] }) =>
      setRolePermissions(id, permissions),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.roles }),
        queryClient.invalidateQueries({ queryKey: queryKeys.me }),
      ]),
  });
}
