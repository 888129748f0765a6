import { useMutation, useQueryClient } from '@tanstack/react-query';

import { queryKeys } from '@/api/query-keys';
import { apiClient, unwrap } from '@/lib/api-client';

/** DELETE /api/auth/sessions/{id} → 204: signs that session out. */
export function revokeSession(id: string): Promise<void> {
  return unwrap(apiClient.DELETE('/api/auth/sessions/{id}', { params: { path: { id } } }));
}

export function useRevokeSession() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: revokeSession,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.sessions }),
  });
}
