import { useMutation } from '@tanstack/react-query';

import type { LoginRequest, LoginResponse, TwoFactorChallenge } from '@/api/types';
import { api } from '@/lib/api-client';

/**
 * POST /api/auth/login → a session, or a 2FA challenge to answer with /2fa/verify or /2fa/recover.
 * 401 `invalid_credentials` covers every wrong-login case; 429 carries Retry-After.
 */
export function login(input: LoginRequest): Promise<LoginResponse> {
  return api.post<LoginResponse>('/auth/login', input, { skipAuthRedirect: true });
}

export function isTwoFactorChallenge(response: LoginResponse): response is TwoFactorChallenge {
  return 'requires_2fa' in response && response.requires_2fa;
}

export function useLogin() {
  return useMutation({ mutationFn: login });
}
