import { queryOptions, useQuery } from '@tanstack/react-query';

import { queryKeys } from '@/api/query-keys';
import type { CatalogAppDetail } from '@/api/types';
import { api } from '@/lib/api-client';

/** GET /api/apps/catalog/{app} — one entry with its values schema and default values. */
export function getCatalogApp(name: string, signal?: AbortSignal): Promise<CatalogAppDetail> {
  return api.get<CatalogAppDetail>(`/apps/catalog/${encodeURIComponent(name)}`, { signal });
}

export const getCatalogAppQueryOptions = (name: string) =>
  queryOptions({
    queryKey: queryKeys.catalogApp(name),
    queryFn: ({ signal }) => getCatalogApp(name, signal),
    staleTime: 5 * 60_000,
  });

export function useCatalogApp(name: string, options: { enabled?: boolean } = {}) {
  return useQuery({ ...getCatalogAppQueryOptions(name), enabled: options.enabled ?? true });
}
