import { useMutation, useQueryClient } from '@tanstack/react-query';

import { queryKeys } from '@/api/query-keys';
import type { CreateRoleRequest, Role } from '@/api/types';
import { apiClient, unwrap } from '@/lib/api-client';

/** POST /api/roles → 201 with its permissions and per-app grants. 409 when the name is taken. */
export function createRole(input: CreateRoleRequest): Promise<Role> {
  return unwrap(apiClient.POST('/api/roles', { body: input }));
}

export function useCreateRole() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createRole,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.roles }),
  });
}
