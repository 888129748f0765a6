import { useMutation, useQueryClient } from '@tanstack/react-query';

import { queryKeys } from '@/api/query-keys';
import type { AppCredentialsRequest } from '@/api/types';
import { apiClient, unwrap } from '@/lib/api-client';

/**
 * PUT /api/apps/{app}/gateway-credentials {username, password} → 204 (settings.manage): the
 * gateway signs in to the app with these. Write-only: the server never returns them.
 */
export function setAppCredentials(app: string, credentials: AppCredentialsRequest) {
  return unwrap(
    apiClient.PUT('/api/apps/{app}/gateway-credentials', {
      params: { path: { app } },
      body: credentials,
    }),
  );
}

export function useSetAppCredentials() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ app, credentials }: { app: string; credentials: AppCredentialsRequest }) =>
      setAppCredentials(app, credentials),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.gateway }),
  });
}
