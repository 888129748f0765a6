import { useMutation, useQueryClient } from '@tanstack/react-query';

import { queryKeys } from '@/api/query-keys';
import type { TwoFactorEnabled } from '@/api/types';
import { apiClient, unwrap } from '@/lib/api-client';

/** POST /api/users/me/2fa/enable {code} → the 10 recovery codes, shown this once. */
export function enableTwoFactor(code: string): Promise<TwoFactorEnabled> {
  return unwrap(apiClient.POST('/api/users/me/2fa/enable', { body: { code } }));
}

export function useEnableTwoFactor() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: enableTwoFactor,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.me }),
  });
}
