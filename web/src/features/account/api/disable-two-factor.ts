import { useMutation, useQueryClient } from '@tanstack/react-query';

import { queryKeys } from '@/api/query-keys';
import { api } from '@/lib/api-client';

/** POST /api/users/me/2fa/disable {password, code} → 204. */
export function disableTwoFactor(input: { password: string; code: string }): Promise<void> {
  return api.post<undefined>('/users/me/2fa/disable', input);
}

export function useDisableTwoFactor() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: disableTwoFactor,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.me }),
  });
}
