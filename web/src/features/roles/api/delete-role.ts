import { useMutation, useQueryClient } from '@tanstack/react-query';

import { queryKeys } from '@/api/query-keys';
import { api } from '@/lib/api-client';

/** DELETE /api/roles/{id} → 204 (custom roles only). */
export function deleteRole(id: number): Promise<void> {
  return api.delete<undefined>(`/roles/${id}`);
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
