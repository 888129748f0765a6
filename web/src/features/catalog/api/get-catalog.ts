import { queryOptions, useQuery } from '@tanstack/react-query';

import { queryKeys } from '@/api/query-keys';
import type { CatalogEntry } from '@/api/types';
import { apiClient, unwrap } from '@/lib/api-client';

/**
 * GET /api/apps/catalog — every app that can be installed, with its display name and `icon_url`
 * (GET /api/apps/catalog/{app}/icon: public and cacheable, so a plain <img> loads it).
 */
export function getCatalog(signal?: AbortSignal): Promise<CatalogEntry[]> {
  return unwrap(apiClient.GET('/api/apps/catalog', { signal }));
}

export const getCatalogQueryOptions = () =>
  queryOptions({
    queryKey: queryKeys.catalogList,
    queryFn: ({ signal }) => getCatalog(signal),
    staleTime: 5 * 60_000,
  });

export function useCatalog(options: { enabled?: boolean } = {}) {
  return useQuery({ ...getCatalogQueryOptions(), enabled: options.enabled ?? true });
}
