import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';

import { queryKeys } from '@/api/query-keys';
import type { AuditEntry, AuditFilters, Page } from '@/api/types';
import { api } from '@/lib/api-client';

export const AUDIT_PAGE_SIZE = 50;

/** GET /api/audit?action=&user_id=&resource_type=&since=&until=&limit=&cursor= — newest first. */
export function getAudit(
  filters: AuditFilters,
  cursor: string | null,
  signal?: AbortSignal,
): Promise<Page<AuditEntry>> {
  return api.get<Page<AuditEntry>>('/audit', {
    signal,
    query: { ...filters, limit: AUDIT_PAGE_SIZE, cursor },
  });
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
