import { useMutation, useQueryClient } from '@tanstack/react-query';

import { queryKeys } from '@/api/query-keys';
import type { OperationAccepted } from '@/api/types';
import { apiClient, unwrap } from '@/lib/api-client';

/**
 * DELETE /api/apps/{app}?delete_data= → 202. `deleteData` also removes the app's namespace and
 * its data volumes; without it the data is kept for a later reinstall.
 */
export function uninstallApp(app: string, deleteData: boolean): Promise<OperationAccepted> {
  return unwrap(
    apiClient.DELETE('/api/apps/{app}', {
      params: { path: { app }, query: { delete_data: deleteData } },
    }),
  );
}

export function useUninstallApp(app: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ deleteData }: { deleteData: boolean }) => uninstallApp(app, deleteData),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.apps }),
        queryClient.invalidateQueries({ queryKey: queryKeys.catalogList }),
      ]),
  });
}
