import { useMutation } from '@tanstack/react-query';

import type { LoginRequest, LoginResponse, TwoFactorChallenge } from '@/api/types';
import { apiClient, unwrap } from '@/lib/api-client';

/**
 * POST /api/auth/login → a session, or a 2FA challenge to answer with /2fa/verify or /2fa/recover.
 * 401 `invalid_credentials` covers every wrong-login case; 429 carries Retry-After.
 */
export function login(input: LoginRequest): Promise<LoginResponse> {
  return unwrap(apiClient.POST('/api/auth/login', { body: input }), { skipAuthRedirect: true });
}

export function isTwoFactorChallenge(response: LoginResponse): response is TwoFactorChallenge {
  return 'requires_2fa' in response && response.requires_2fa;
}

export function useLogin() {
  return useMutation({ mutationFn: login });
}
