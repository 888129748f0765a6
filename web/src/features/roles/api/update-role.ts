import { useMutation, useQueryClient } from '@tanstack/react-query';

import { queryKeys } from '@/api/query-keys';
import type { Role, UpdateRoleRequest } from '@/api/types';
import { api } from '@/lib/api-client';

/** PATCH /api/roles/{id}: name and description (custom roles only). */
export function updateRole(id: number, input: UpdateRoleRequest): Promise<Role> {
  return api.patch<Role>(`/roles/${id}`, input);
}

export function useUpdateRole() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...input }: UpdateRoleRequest & { id: number }) => updateRole(id, input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.roles }),
  });
}
