import { useMutation } from '@tanstack/react-query';

import type { SessionGranted, VerifyTwoFactorRequest } from '@/api/types';
import { apiClient, unwrap } from '@/lib/api-client';

/** POST /api/auth/2fa/verify — answer a login challenge with a 6-digit TOTP code. */
export function verifyTwoFactor(input: VerifyTwoFactorRequest): Promise<SessionGranted> {
  return unwrap(apiClient.POST('/api/auth/2fa/verify', { body: input }), {
    skipAuthRedirect: true,
  });
}

export function useVerifyTwoFactor() {
  return useMutation({ mutationFn: verifyTwoFactor });
}
