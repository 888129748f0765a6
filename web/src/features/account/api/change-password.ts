import { useMutation, useQueryClient } from '@tanstack/react-query';

import { queryKeys } from '@/api/query-keys';
import type { ChangePasswordRequest } from '@/api/types';
import { apiClient, unwrap } from '@/lib/api-client';

/** PUT /api/users/me/password → 204; the user's other sessions are signed out. */
export function changePassword(input: ChangePasswordRequest): Promise<void> {
  return unwrap(apiClient.PUT('/api/users/me/password', { body: input }));
}

export function useChangePassword() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: changePassword,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.sessions }),
  });
}
