import type { KubeEvent } from '@/api/types';
import { Alert } from '@/components/ui/alert';
import { EmptyState } from '@/components/ui/empty-state';
import { PageSpinner } from '@/components/ui/spinner';
import { Table, TableCaption, TBody, TD, TH, THead, TR } from '@/components/ui/table';
import { errorMessage } from '@/lib/api-client';
import { cn } from '@/lib/cn';
import { formatDateTime, formatRelative } from '@/lib/format';

export function EventsTable({
  events,
  isPending,
  error,
}: {
  events: KubeEvent[] | undefined;
  isPending: boolean;
  error: unknown;
}) {
  if (isPending) return <PageSpinner label="Loading events" />;
  if (error) return <Alert title="Could not load the events">{errorMessage(error)}</Alert>;
  if (!events || events.length === 0) {
    return (
      <EmptyState
        title="No recent events"
        description="Kubernetes keeps events for about an hour; nothing happened lately."
      />
    );
  }
  return (
    <Table>
      <TableCaption>Kubernetes events, newest first</TableCaption>
      <THead>
        <TR>
          <TH>Type</TH>
          <TH>Reason</TH>
          <TH>Object</TH>
          <TH>Message</TH>
          <TH className="text-right">Count</TH>
          <TH>Last seen</TH>
        </TR>
      </THead>
      <TBody>
        {events.map((event, index) => (
          <TR key={`${event.object}-${event.reason}-${event.last_seen ?? ''}-${index}`}>
            <TD>
              <span
                className={cn(
                  'rounded px-1.5 py-0.5 text-xs font-medium',
                  event.type === 'Warning'
                    ? 'bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-200'
                    : 'bg-zinc-100 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300',
                )}
              >
                {event.type}
              </span>
            </TD>
            <TD className="font-medium">{event.reason}</TD>
            <TD className="min-w-44 font-mono text-xs break-all">{event.object}</TD>
            <TD className="min-w-64">{event.message}</TD>
            <TD className="text-right tabular-nums">{event.count}</TD>
            <TD className="whitespace-nowrap" title={formatDateTime(event.last_seen)}>
              {formatRelative(event.last_seen)}
            </TD>
          </TR>
        ))}
      </TBody>
    </Table>
  );
}
