import { useMutation, useQueryClient } from '@tanstack/react-query';

import { queryKeys } from '@/api/query-keys';
import type { AccessMode } from '@/api/types';
import { apiClient, unwrap } from '@/lib/api-client';

/** PUT /api/apps/{app}/access {mode} (settings.manage) — how the gateway serves the app. */
export function setAppAccess(app: string, mode: AccessMode) {
  return unwrap(
    apiClient.PUT('/api/apps/{app}/access', { params: { path: { app } }, body: { mode } }),
  );
}

export function useSetAppAccess() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ app, mode }: { app: string; mode: AccessMode }) => setAppAccess(app, mode),
    // Who may open what changes with the mode: the Apps home list too.
    onSettled: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.gateway }),
        queryClient.invalidateQueries({ queryKey: queryKeys.openableApps }),
      ]),
  });
}
