import { useMutation, useQueryClient } from '@tanstack/react-query';

import { queryKeys } from '@/api/query-keys';
import { apiClient, unwrap } from '@/lib/api-client';

/** DELETE /api/invites/{id} → 204: the link stops working. */
export function revokeInvite(id: string): Promise<void> {
  return unwrap(apiClient.DELETE('/api/invites/{token}', { params: { path: { token: id } } }));
}

export function useRevokeInvite() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: revokeInvite,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.invites }),
  });
}
