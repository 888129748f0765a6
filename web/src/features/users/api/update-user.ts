import { useMutation, useQueryClient } from '@tanstack/react-query';

import { queryKeys } from '@/api/query-keys';
import type { UpdateUserRequest, User } from '@/api/types';
import { apiClient, unwrap } from '@/lib/api-client';

/**
 * PATCH /api/users/{id}: email, is_active, is_approved, role_ids. 409 when it would leave no
 * active administrator.
 */
export function updateUser(id: number, input: UpdateUserRequest): Promise<User> {
  return unwrap(apiClient.PATCH('/api/users/{id}', { params: { path: { id } }, body: input }));
}

export function useUpdateUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...input }: UpdateUserRequest & { id: number }) => updateUser(id, input),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.users }),
        queryClient.invalidateQueries({ queryKey: queryKeys.roles }),
        // Changing one's own roles changes one's permissions.
        queryClient.invalidateQueries({ queryKey: queryKeys.me }),
      ]),
  });
}
