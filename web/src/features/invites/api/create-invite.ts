import { useMutation, useQueryClient } from '@tanstack/react-query';

import { queryKeys } from '@/api/query-keys';
import type { CreateInviteRequest, InviteCreated } from '@/api/types';
import { apiClient, unwrap } from '@/lib/api-client';

/** POST /api/invites → 201 with the token and link, shown this once. */
export function createInvite(input: CreateInviteRequest): Promise<InviteCreated> {
  return unwrap(apiClient.POST('/api/invites', { body: input }));
}

export function useCreateInvite() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createInvite,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.invites }),
  });
}
