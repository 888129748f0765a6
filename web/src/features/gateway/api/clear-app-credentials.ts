import { useMutation, useQueryClient } from '@tanstack/react-query';

import { queryKeys } from '@/api/query-keys';
import { apiClient, unwrap } from '@/lib/api-client';

/** DELETE /api/apps/{app}/gateway-credentials → 204 (settings.manage): stop presenting them. */
export function clearAppCredentials(app: string) {
  return unwrap(
    apiClient.DELETE('/api/apps/{app}/gateway-credentials', { params: { path: { app } } }),
  );
}

export function useClearAppCredentials() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (app: string) => clearAppCredentials(app),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.gateway }),
  });
}
