import { queryOptions, useQuery } from '@tanstack/react-query';

import { queryKeys } from '@/api/query-keys';
import { apiClient, unwrap } from '@/lib/api-client';

import type { AppAccount } from './types';

/**
 * GET /api/apps/{app}/account (apps.view for the app) — whether Kubarr signs in to the app with an
 * administrator account a user gives it (Jellyfin), and whose account it holds.
 */
export function getAppAccount(app: string, signal?: AbortSignal): Promise<AppAccount> {
  return unwrap(apiClient.GET('/api/apps/{app}/account', { params: { path: { app } }, signal }));
}

export const getAppAccountQueryOptions = (app: string) =>
  queryOptions({
    queryKey: queryKeys.appAccount(app),
    queryFn: ({ signal }) => getAppAccount(app, signal),
    // An app that is not installed has no account to show; the page says so elsewhere.
    retry: false,
  });

export function useAppAccount(app: string) {
  return useQuery(getAppAccountQueryOptions(app));
}
