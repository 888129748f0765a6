import { useMutation, useQueryClient } from '@tanstack/react-query';

import { queryKeys } from '@/api/query-keys';
import type { CreateUserRequest, User } from '@/api/types';
import { apiClient, unwrap } from '@/lib/api-client';

/** POST /api/users → 201: an active, approved user. 409 when the username or email is taken. */
export function createUser(input: CreateUserRequest): Promise<User> {
  return unwrap(apiClient.POST('/api/users', { body: input }));
}

export function useCreateUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createUser,
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.users }),
        queryClient.invalidateQueries({ queryKey: queryKeys.roles }),
      ]),
  });
}
