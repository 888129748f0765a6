import { queryOptions, useQuery } from '@tanstack/react-query';

import { queryKeys } from '@/api/query-keys';
import type { GatewayOverview } from '@/api/types';
import { apiClient, unwrap } from '@/lib/api-client';

/**
 * GET /api/gateway (settings.view) — host or port mode, the apps domain or port range, what to
 * add to DNS, and each installed app's access mode, origin and whether credentials are stored.
 */
export function getGateway(signal?: AbortSignal): Promise<GatewayOverview> {
  return unwrap(apiClient.GET('/api/gateway', { signal }));
}

export const getGatewayQueryOptions = () =>
  queryOptions({
    queryKey: queryKeys.gatewayOverview,
    queryFn: ({ signal }) => getGateway(signal),
  });

export function useGateway(options: { enabled?: boolean } = {}) {
  return useQuery({ ...getGatewayQueryOptions(), enabled: options.enabled ?? true });
}
