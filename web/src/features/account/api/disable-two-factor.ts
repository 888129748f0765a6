import { useMutation, useQueryClient } from '@tanstack/react-query';

import { queryKeys } from '@/api/query-keys';
import type { DisableTwoFactorRequest } from '@/api/types';
import { apiClient, unwrap } from '@/lib/api-client';

/** POST /api/users/me/2fa/disable {password, code} → 204. */
export function disableTwoFactor(input: DisableTwoFactorRequest): Promise<void> {
  return unwrap(apiClient.POST('/api/users/me/2fa/disable', { body: input }));
}

export function useDisableTwoFactor() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: disableTwoFactor,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.me }),
  });
}
