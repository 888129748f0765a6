import { queryOptions, useQuery } from '@tanstack/react-query';

import { queryKeys } from '@/api/query-keys';
import { unwrap } from '@/lib/api-client';

import { stackClient } from './stack-client';
import type { WiringGraph } from './types';

/**
 * GET /api/stack/wiring (apps.view) — the installed apps the caller may view and every link
 * Kubarr keeps between them, with its state. Kept fresh by the `wiring` events of the event
 * stream (the layout's status stream refetches it).
 */
export function getWiring(signal?: AbortSignal): Promise<WiringGraph> {
  return unwrap(stackClient.GET('/api/stack/wiring', { signal }));
}

export const getWiringQueryOptions = () =>
  queryOptions({
    queryKey: queryKeys.stackWiring,
    queryFn: ({ signal }) => getWiring(signal),
  });

export function useWiring(options: { enabled?: boolean } = {}) {
  return useQuery({ ...getWiringQueryOptions(), enabled: options.enabled ?? true });
}
