import { queryOptions, useQuery } from '@tanstack/react-query';

import { queryKeys } from '@/api/query-keys';
import type { CatalogAppDetail } from '@/api/types';
import { apiClient, unwrap } from '@/lib/api-client';
import { parseJsonSchema } from '@/lib/json-schema';

/** GET /api/apps/catalog/{app} — one entry with its values schema and default values. */
export async function getCatalogApp(name: string, signal?: AbortSignal): Promise<CatalogAppDetail> {
  const detail = await unwrap(
    apiClient.GET('/api/apps/catalog/{app}', { params: { path: { app: name } }, signal }),
  );
  return { ...detail, values_schema: parseJsonSchema(detail.values_schema) };
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
