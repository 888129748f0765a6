import { useState } from 'react';

import type { SessionInfo } from '@/api/types';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { PageSpinner } from '@/components/ui/spinner';
import { useToast } from '@/components/ui/toast';
import { errorMessage } from '@/lib/api-client';
import { formatDateTime, formatRelative } from '@/lib/format';
import { describeUserAgent } from '@/lib/user-agent';

import { useSessions } from '../api/get-sessions';
import { useRevokeSession } from '../api/revoke-session';

/** The user's live sessions, this one first, each other one with "Sign out". */
export function SessionsList() {
  const sessions = useSessions();
  const revoke = useRevokeSession();
  const { toast } = useToast();
  const [target, setTarget] = useState<SessionInfo | null>(null);

  if (sessions.isPending) return <PageSpinner label="Loading your sessions" />;
  if (sessions.isError) {
    return <Alert title="Could not load your sessions">{errorMessage(sessions.error)}</Alert>;
  }

  const sorted = [...sessions.data].sort((a, b) =>
    a.current === b.current
      ? b.last_accessed_at.localeCompare(a.last_accessed_at)
      : a.current
        ? -1
        : 1,
  );

  return (
    <>
      <ul className="divide-y divide-zinc-200 rounded-lg ring-1 ring-zinc-200 dark:divide-zinc-800 dark:ring-zinc-800">
        {sorted.map((session) => (
          <li
            key={session.id}
            className="flex flex-col gap-2 p-4 sm:flex-row sm:items-center sm:justify-between"
          >
            <div className="min-w-0">
              <p className="flex flex-wrap items-center gap-2 text-sm font-medium">
                <span title={session.user_agent ?? undefined}>
                  {describeUserAgent(session.user_agent)}
                </span>
                {session.current && (
                  <span className="rounded-full bg-emerald-50 px-2 py-0.5 text-xs font-medium text-emerald-800 ring-1 ring-emerald-200 ring-inset dark:bg-emerald-950 dark:text-emerald-200 dark:ring-emerald-800">
                    This device
                  </span>
                )}
              </p>
              <p className="mt-0.5 text-xs text-zinc-600 dark:text-zinc-400">
                {session.ip_address ?? 'Unknown address'} · signed in{' '}
                <time dateTime={session.created_at} title={formatDateTime(session.created_at)}>
                  {formatRelative(session.created_at)}
                </time>{' '}
                · last active{' '}
                <time
                  dateTime={session.last_accessed_at}
                  title={formatDateTime(session.last_accessed_at)}
                >
                  {formatRelative(session.last_accessed_at)}
                </time>{' '}
                · ends {formatDateTime(session.expires_at)}
              </p>
            </div>
            {session.current ? (
              <p className="text-xs text-zinc-500 dark:text-zinc-400">
                Use “Sign out” in the account menu to end this one.
              </p>
            ) : (
              <Button
                variant="secondary"
                size="sm"
                onClick={() => setTarget(session)}
                aria-label={`Sign out the session of ${describeUserAgent(session.user_agent)} from ${session.ip_address ?? 'an unknown address'}`}
              >
                Sign out
              </Button>
            )}
          </li>
        ))}
      </ul>
      <ConfirmDialog
        open={target !== null}
        onClose={() => {
          revoke.reset();
          setTarget(null);
        }}
        title="Sign out this session?"
        confirmLabel="Sign out"
        tone="danger"
        loading={revoke.isPending}
        error={revoke.error ? errorMessage(revoke.error) : null}
        onConfirm={() => {
          if (!target) return;
          revoke.mutate(target.id, {
            onSuccess: () => {
              setTarget(null);
              toast({ tone: 'success', title: 'Session signed out' });
            },
          });
        }}
      >
        <p>
          {target && describeUserAgent(target.user_agent)} at{' '}
          {target?.ip_address ?? 'an unknown address'} will have to sign in again.
        </p>
      </ConfirmDialog>
    </>
  );
}
