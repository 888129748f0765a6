import { useMutation, useQueryClient } from '@tanstack/react-query';

import { queryKeys } from '@/api/query-keys';
import type { InstallAccepted, InstallRequest } from '@/api/types';
import { apiClient, unwrap } from '@/lib/api-client';

/** POST /api/apps/install → 202 {app_name, state: "installing"}. */
export function installApp(input: InstallRequest): Promise<InstallAccepted> {
  return unwrap(apiClient.POST('/api/apps/install', { body: input }));
}

export function useInstallApp(options: { onSuccess?: (data: InstallAccepted) => void } = {}) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: installApp,
    onSuccess: async (data) => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.apps }),
        queryClient.invalidateQueries({ queryKey: queryKeys.catalogList }),
      ]);
      options.onSuccess?.(data);
    },
  });
}
