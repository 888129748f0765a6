import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';

import { queryKeys } from '@/api/query-keys';
import type { InvitePage } from '@/api/types';
import { apiClient, unwrap } from '@/lib/api-client';

/** GET /api/invites?limit=&cursor= — invites, newest first (never their tokens). */
export function getInvites(
  params: { cursor?: string | null; limit?: number } = {},
  signal?: AbortSignal,
): Promise<InvitePage> {
  return unwrap(
    apiClient.GET('/api/invites', {
      params: { query: { limit: params.limit ?? 50, cursor: params.cursor ?? undefined } },
      signal,
    }),
  );
}

export const getInvitesQueryOptions = () =>
  infiniteQueryOptions({
    queryKey: queryKeys.invites,
    queryFn: ({ pageParam, signal }) => getInvites({ cursor: pageParam }, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });

export function useInvites() {
  return useInfiniteQuery(getInvitesQueryOptions());
}
