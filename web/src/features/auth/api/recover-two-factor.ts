import { useMutation } from '@tanstack/react-query';

import type { RecoverTwoFactorRequest, SessionGranted } from '@/api/types';
import { api } from '@/lib/api-client';

/** POST /api/auth/2fa/recover — answer a login challenge with a one-time recovery code. */
export function recoverTwoFactor(input: RecoverTwoFactorRequest): Promise<SessionGranted> {
  return api.post<SessionGranted>('/auth/2fa/recover', input, { skipAuthRedirect: true });
}

export function useRecoverTwoFactor() {
  return useMutation({ mutationFn: recoverTwoFactor });
}
