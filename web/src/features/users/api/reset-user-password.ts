import { useMutation } from '@tanstack/react-query';

import { apiClient, unwrap } from '@/lib/api-client';

/** PUT /api/users/{id}/password → 204; that user's sessions are signed out. */
export function resetUserPassword(id: number, newPassword: string): Promise<void> {
  return unwrap(
    apiClient.PUT('/api/users/{id}/password', {
      params: { path: { id } },
      body: { new_password: newPassword },
    }),
  );
}

export function useResetUserPassword() {
  return useMutation({
    mutationFn: ({ id, newPassword }: { id: number; newPassword: string }) =>
      resetUserPassword(id, newPassword),
  });
}
