import { useMutation } from '@tanstack/react-query';

import { api } from '@/lib/api-client';

/** PUT /api/users/{id}/password → 204; that user's sessions are signed out. */
export function resetUserPassword(id: number, newPassword: string): Promise<void> {
  return api.put<undefined>(`/users/${id}/password`, { new_password: newPassword });
}

export function useResetUserPassword() {
  return useMutation({
    mutationFn: ({ id, newPassword }: { id: number; newPassword: string }) =>
      resetUserPassword(id, newPassword),
  });
}
