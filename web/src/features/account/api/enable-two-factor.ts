import { useMutation, useQueryClient } from '@tanstack/react-query';

import { queryKeys } from '@/api/query-keys';
import type { TwoFactorEnabled } from '@/api/types';
import { apiClient, unwrap } from '@/lib/api-client';

/**
 * POST /api/users/me/2fa/enable {password, code} → the 10 recovery codes, shown this once. The
 * password proves the account's owner is binding it, not someone holding only a session.
 */
export function enableTwoFactor(body: {
  password: string;
  code: string;
}): Promise<TwoFactorEnabled> {
  return unwrap(apiClient.POST('/api/users/me/2fa/enable', { body }));
}

export function useEnableTwoFactor() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: enableTwoFactor,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.me }),
  });
}
