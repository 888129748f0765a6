import { useMutation } from '@tanstack/react-query';

import type { RegisterRequest, RegisterResponse } from '@/api/types';
import { apiClient, unwrap } from '@/lib/api-client';

/** POST /api/auth/register → 201. The invite is single-use and must not have expired. */
export function register(input: RegisterRequest): Promise<RegisterResponse> {
  return unwrap(apiClient.POST('/api/auth/register', { body: input }), { skipAuthRedirect: true });
}

export function useRegister() {
  return useMutation({ mutationFn: register });
}
