import { useMutation } from '@tanstack/react-query';

import type { TwoFactorSetup } from '@/api/types';
import { apiClient, unwrap } from '@/lib/api-client';

/**
 * POST /api/users/me/2fa/setup → a new secret and its otpauth:// URI. Not active until enabled
 * with a code; starting again replaces the secret.
 */
export function setupTwoFactor(): Promise<TwoFactorSetup> {
  return unwrap(apiClient.POST('/api/users/me/2fa/setup'));
}

export function useSetupTwoFactor() {
  return useMutation({ mutationFn: setupTwoFactor });
}
