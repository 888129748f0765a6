import { useMutation, useQueryClient } from '@tanstack/react-query';

import { queryKeys } from '@/api/query-keys';
import { unwrap } from '@/lib/api-client';

import { replaceLink } from '../utils/wiring-model';
import { stackClient } from './stack-client';
import type { WiringGraph, WiringLink } from './types';

/** POST /api/stack/wiring/{id}/repair → 202 with the link, now `pending`: set it up again. */
export function repairLink(id: string): Promise<WiringLink> {
  return unwrap(stackClient.POST('/api/stack/wiring/{id}/repair', { params: { path: { id } } }));
}

export function useRepairLink() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => repairLink(id),
    onSuccess: (link) => {
      // Show "pending" at once; `wiring` events bring the outcome.
      queryClient.setQueryData<WiringGraph>(queryKeys.stackWiring, (graph) =>
        replaceLink(graph, link),
      );
    },
  });
}
