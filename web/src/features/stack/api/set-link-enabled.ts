import { useMutation, useQueryClient } from '@tanstack/react-query';

import { queryKeys } from '@/api/query-keys';
import { unwrap } from '@/lib/api-client';

import { replaceLink } from '../utils/wiring-model';
import { stackClient } from './stack-client';
import type { WiringGraph, WiringLink } from './types';

/**
 * PUT /api/stack/wiring/{id} {enabled} → the link. A disabled link is left alone by Kubarr (state
 * `disabled`); enabling it sets it up again.
 */
export function setLinkEnabled(id: string, enabled: boolean): Promise<WiringLink> {
  return unwrap(
    stackClient.PUT('/api/stack/wiring/{id}', { params: { path: { id } }, body: { enabled } }),
  );
}

export function useSetLinkEnabled() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, enabled }: { id: string; enabled: boolean }) => setLinkEnabled(id, enabled),
    onSuccess: (link) => {
      queryClient.setQueryData<WiringGraph>(queryKeys.stackWiring, (graph) =>
        replaceLink(graph, link),
      );
    },
  });
}
