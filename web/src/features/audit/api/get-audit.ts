import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';

import { queryKeys } from '@/api/query-keys';
import type { AuditFilters, AuditPage } from '@/api/types';
import { apiClient, unwrap } from '@/lib/api-client';

export const AUDIT_PAGE_SIZE = 50;

/** GET /api/audit?action=&user_id=&resource_type=&since=&until=&limit=&cursor= — newest first. */
export function getAudit(
  filters: AuditFilters,
  cursor: string | null,
  signal?: AbortSignal,
): Promise<AuditPage> {
  return unwrap(
    apiClient.GET('/api/audit', {
      params: { query: { ...filters, limit: AUDIT_PAGE_SIZE, cursor: cursor ?? undefined } },
      signal,
    }),
  );
}

export const getAuditQueryOptions = (filters: AuditFilters) =>
  infiniteQueryOptions({
    queryKey: queryKeys.auditList(filters),
    queryFn: ({ pageParam, signal }) => getAudit(filters, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });

export function useAudit(filters: AuditFilters) {
  return useInfiniteQuery(getAuditQueryOptions(filters));
}
