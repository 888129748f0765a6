import { useMutation, useQueryClient } from '@tanstack/react-query';

import { queryKeys } from '@/api/query-keys';
import { apiClient, unwrap } from '@/lib/api-client';

import type { AppAccount, AppAccountRequest } from './types';

/**
 * PUT /api/apps/{app}/account {username, password} → 200 (apps.upgrade for the app): Kubarr signs
 * in to the app for real, makes its own API key there and retries the app's links. 422
 * `app_refused_account` when the app refuses the account or it is no administrator.
 */
export function setAppAccount(app: string, account: AppAccountRequest): Promise<AppAccount> {
  return unwrap(
    apiClient.PUT('/api/apps/{app}/account', { params: { path: { app } }, body: account }),
  );
}

export function useSetAppAccount() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ app, account }: { app: string; account: AppAccountRequest }) =>
      setAppAccount(app, account),
    onSuccess: (account) => {
      queryClient.setQueryData(queryKeys.appAccount(account.app_name), account);
      // The links were released; `wiring` events bring their outcome, this shows "pending" now.
      void queryClient.invalidateQueries({ queryKey: queryKeys.stackWiring });
    },
  });
}
