import { useMutation, useQueryClient } from '@tanstack/react-query';

import { queryKeys } from '@/api/query-keys';
import { apiClient, unwrap } from '@/lib/api-client';

/** DELETE /api/roles/{id} → 204 (custom roles only). */
export function deleteRole(id: number): Promise<void> {
  return unwrap(apiClient.DELETE('/api/roles/{id}', { params: { path: { id } } }));
}

export function useDeleteRole() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteRole,
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.roles }),
        queryClient.invalidateQueries({ queryKey: queryKeys.users }),
      ]),
  });
}
