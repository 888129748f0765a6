import { useMutation, useQueryClient } from '@tanstack/react-query';

import { queryKeys } from '@/api/query-keys';
import type { OperationAccepted, UpgradeRequest } from '@/api/types';
import { apiClient, unwrap } from '@/lib/api-client';

/**
 * POST /api/apps/{app}/upgrade → 202. Without `values` the release keeps its current values;
 * with them, they replace the previous ones. 422 when they fail the chart's schema.
 */
export function upgradeApp(app: string, input: UpgradeRequest): Promise<OperationAccepted> {
  return unwrap(
    apiClient.POST('/api/apps/{app}/upgrade', { params: { path: { app } }, body: input }),
  );
}

export function useUpgradeApp(app: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: UpgradeRequest) => upgradeApp(app, input),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.apps }),
        queryClient.invalidateQueries({ queryKey: queryKeys.catalogList }),
      ]),
  });
}
