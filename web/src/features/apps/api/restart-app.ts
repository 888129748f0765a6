import { useMutation, useQueryClient } from '@tanstack/react-query';

import { queryKeys } from '@/api/query-keys';
import type { OperationAccepted } from '@/api/types';
import { apiClient, unwrap } from '@/lib/api-client';

/** POST /api/apps/{app}/restart → 202: a rolling restart of the app's pods. */
export function restartApp(app: string): Promise<OperationAccepted> {
  return unwrap(apiClient.POST('/api/apps/{app}/restart', { params: { path: { app } } }));
}

export function useRestartApp(app: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => restartApp(app),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.apps }),
  });
}
