import { useMutation, useQueryClient } from '@tanstack/react-query';

import { queryKeys } from '@/api/query-keys';
import type { Role, UpdateRoleRequest } from '@/api/types';
import { apiClient, unwrap } from '@/lib/api-client';

/** PATCH /api/roles/{id}: name and description (custom roles only). */
export function updateRole(id: number, input: UpdateRoleRequest): Promise<Role> {
  return unwrap(apiClient.PATCH('/api/roles/{id}', { params: { path: { id } }, body: input }));
}

export function useUpdateRole() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...input }: UpdateRoleRequest & { id: number }) => updateRole(id, input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.roles }),
  });
}
