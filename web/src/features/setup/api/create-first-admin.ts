import { useMutation, useQueryClient } from '@tanstack/react-query';

import { queryKeys } from '@/api/query-keys';
import type { SessionGranted, SetupRequest } from '@/api/types';
import { apiClient, unwrap } from '@/lib/api-client';

/** POST /api/setup → 201 {token, user}; the server also sets the session cookie. 409 once done. */
export function createFirstAdmin(input: SetupRequest): Promise<SessionGranted> {
  return unwrap(apiClient.POST('/api/setup', { body: input }), { skipAuthRedirect: true });
}

export function useCreateFirstAdmin(options: { onSuccess?: () => void } = {}) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createFirstAdmin,
    onSuccess: () => {
      // A session now exists (the server set its cookie): forget the anonymous "me", and setup is done.
      options.onSuccess?.();
      queryClient.removeQueries({ queryKey: queryKeys.me });
      queryClient.setQueryData(queryKeys.setupStatus, {
        setup_required: false,
        setup_token_required: false,
      });
    },
  });
}
