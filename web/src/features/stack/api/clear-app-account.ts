import { useMutation, useQueryClient } from '@tanstack/react-query';

import { queryKeys } from '@/api/query-keys';
import { apiClient, unwrap } from '@/lib/api-client';

/** DELETE /api/apps/{app}/account → 204: Kubarr forgets the account and removes its key. */
export function clearAppAccount(app: string): Promise<unknown> {
  return unwrap(apiClient.DELETE('/api/apps/{app}/account', { params: { path: { app } } }));
}

export function useClearAppAccount() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (app: string) => clearAppAccount(app),
    onSuccess: (_, app) => queryClient.invalidateQueries({ queryKey: queryKeys.appAccount(app) }),
  });
}
