import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';

import { queryKeys } from '@/api/query-keys';
import type { UserPage } from '@/api/types';
import { apiClient, unwrap } from '@/lib/api-client';

export const USERS_PAGE_SIZE = 50;

/** GET /api/users?limit=&cursor= — one page of users, by id. */
export function getUsers(
  params: { cursor?: string | null; limit?: number } = {},
  signal?: AbortSignal,
): Promise<UserPage> {
  return unwrap(
    apiClient.GET('/api/users', {
      params: {
        query: { limit: params.limit ?? USERS_PAGE_SIZE, cursor: params.cursor ?? undefined },
      },
      signal,
    }),
  );
}

export const getUsersQueryOptions = () =>
  infiniteQueryOptions({
    queryKey: queryKeys.usersList,
    queryFn: ({ pageParam, signal }) => getUsers({ cursor: pageParam }, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });

export function useUsers(options: { enabled?: boolean } = {}) {
  return useInfiniteQuery({ ...getUsersQueryOptions(), enabled: options.enabled ?? true });
}
