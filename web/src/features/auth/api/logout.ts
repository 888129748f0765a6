import { useMutation, useQueryClient } from '@tanstack/react-query';

import { apiClient, unwrap } from '@/lib/api-client';

/** POST /api/auth/logout → 204; revokes the current session and clears its cookie. */
export function logout(): Promise<void> {
  return unwrap(apiClient.POST('/api/auth/logout'), { skipAuthRedirect: true });
}

export function useLogout(options: { onSettled?: () => void } = {}) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: logout,
    // Signed out or not (the session may already be gone), nothing cached may outlive it.
    onSettled: () => {
      queryClient.clear();
      options.onSettled?.();
    },
  });
}
