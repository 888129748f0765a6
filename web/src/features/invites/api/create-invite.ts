import { useMutation, useQueryClient } from '@tanstack/react-query';

import { queryKeys } from '@/api/query-keys';
import type { CreateInviteRequest, InviteCreated } from '@/api/types';
import { api } from '@/lib/api-client';

/** POST /api/invites → 201 with the token and link, shown this once. */
export function createInvite(input: CreateInviteRequest): Promise<InviteCreated> {
  return api.post<InviteCreated>('/invites', input);
}

export function useCreateInvite() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createInvite,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.invites }),
  });
}
