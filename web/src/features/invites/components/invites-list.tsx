import { useState } from 'react';

import type { Invite } from '@/api/types';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { EmptyState } from '@/components/ui/empty-state';
import { PageSpinner } from '@/components/ui/spinner';
import { Table, TableCaption, TBody, TD, TH, THead, TR } from '@/components/ui/table';
import { useToast } from '@/components/ui/toast';
import { errorMessage } from '@/lib/api-client';
import { formatDateTime, formatRelative } from '@/lib/format';

import { useInvites } from '../api/get-invites';
import { useRevokeInvite } from '../api/revoke-invite';

export type InviteStatus = 'open' | 'used' | 'expired';

export function inviteStatus(invite: Invite, now: number = Date.now()): InviteStatus {
  if (invite.used) return 'used';
  return Date.parse(invite.expires_at) <= now ? 'expired' : 'open';
}

const STATUS_LABEL: Record<InviteStatus, string> = {
  open: 'Open',
  used: 'Used',
  expired: 'Expired',
};

export function InvitesList() {
  const invites = useInvites();
  const revoke = useRevokeInvite();
  const { toast } = useToast();
  const [target, setTarget] = useState<Invite | null>(null);

  if (invites.isPending) return <PageSpinner label="Loading invites" />;
  if (!invites.data) {
    return <Alert title="Could not load the invites">{errorMessage(invites.error)}</Alert>;
  }
  const list = invites.data.pages.flatMap((page) => page.items);
  if (list.length === 0) {
    return (
      <EmptyState
        title="No invites yet"
        description="Create one above and send the link to the person you want to invite."
      />
    );
  }

  return (
    <div className="space-y-4">
      <Table>
        <TableCaption>Invites, newest first</TableCaption>
        <THead>
          <tr>
            <TH>For</TH>
            <TH>Status</TH>
            <TH>Created</TH>
            <TH>Expires</TH>
            <TH>
              <span className="sr-only">Actions</span>
            </TH>
          </tr>
        </THead>
        <TBody>
          {list.map((invite) => {
            const status = inviteStatus(invite);
            return (
              <TR key={invite.id}>
                <TD className="font-medium">{invite.email ?? 'Anyone with the link'}</TD>
                <TD>
                  {STATUS_LABEL[status]}
                  {status === 'used' && invite.used_at && (
                    <span className="block text-xs text-zinc-500">
                      {formatRelative(invite.used_at)}
                    </span>
                  )}
                </TD>
                <TD className="whitespace-nowrap" title={formatDateTime(invite.created_at)}>
                  {formatRelative(invite.created_at)}
                </TD>
                <TD className="whitespace-nowrap" title={formatDateTime(invite.expires_at)}>
                  {formatRelative(invite.expires_at)}
                </TD>
                <TD className="text-right">
                  {status !== 'used' && (
                    <Button
                      variant="secondary"
                      size="sm"
                      onClick={() => setTarget(invite)}
                      aria-label={`Revoke the invite for ${invite.email ?? 'anyone'} created ${formatRelative(invite.created_at)}`}
                    >
                      {status === 'expired' ? 'Remove' : 'Revoke'}
                    </Button>
                  )}
                </TD>
              </TR>
            );
          })}
        </TBody>
      </Table>
      {invites.hasNextPage && (
        <div className="flex justify-center">
          <Button
            variant="secondary"
            loading={invites.isFetchingNextPage}
            onClick={() => void invites.fetchNextPage()}
          >
            Load more
          </Button>
        </div>
      )}
      <ConfirmDialog
        open={target !== null}
        onClose={() => {
          revoke.reset();
          setTarget(null);
        }}
        title="Revoke this invite?"
        confirmLabel="Revoke"
        tone="danger"
        loading={revoke.isPending}
        error={revoke.error ? errorMessage(revoke.error) : null}
        onConfirm={() => {
          if (!target) return;
          revoke.mutate(target.id, {
            onSuccess: () => {
              setTarget(null);
              toast({ tone: 'success', title: 'Invite revoked' });
            },
          });
        }}
      >
        <p>The link stops working at once. You can create a new invite at any time.</p>
      </ConfirmDialog>
    </div>
  );
}
