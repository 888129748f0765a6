import { useMutation } from '@tanstack/react-query';

import type { RecoverTwoFactorRequest, SessionGranted } from '@/api/types';
import { apiClient, unwrap } from '@/lib/api-client';

/** POST /api/auth/2fa/recover — answer a login challenge with a one-time recovery code. */
export function recoverTwoFactor(input: RecoverTwoFactorRequest): Promise<SessionGranted> {
  return unwrap(apiClient.POST('/api/auth/2fa/recover', { body: input }), {
    skipAuthRedirect: true,
  });
}

export function useRecoverTwoFactor() {
  return useMutation({ mutationFn: recoverTwoFactor });
}
