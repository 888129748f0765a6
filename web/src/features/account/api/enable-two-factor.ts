import { useMutation, useQueryClient } from '@tanstack/react-query';

import { queryKeys } from '@/api/query-keys';
import type { TwoFactorEnabled } from '@/api/types';
import { api } from '@/lib/api-client';

/** POST /api/users/me/2fa/enable {code} → the 10 recovery codes, shown this once. */
export function enableTwoFactor(code: string): Promise<TwoFactorEnabled> {
  return api.post<TwoFactorEnabled>('/users/me/2fa/enable', { code });
}

export function useEnableTwoFactor() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: enableTwoFactor,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.me }),
  });
}
