import type { PodInfo } from '@/api/types';
import { Alert } from '@/components/ui/alert';
import { EmptyState } from '@/components/ui/empty-state';
import { PageSpinner } from '@/components/ui/spinner';
import { Table, TableCaption, TBody, TD, TH, THead, TR } from '@/components/ui/table';
import { errorMessage } from '@/lib/api-client';
import { cn } from '@/lib/cn';
import { formatDuration } from '@/lib/format';

const PHASE_CLASSES: Record<string, string> = {
  Running: 'text-emerald-700 dark:text-emerald-400',
  Succeeded: 'text-zinc-600 dark:text-zinc-400',
  Pending: 'text-sky-700 dark:text-sky-400',
  Failed: 'text-red-700 dark:text-red-400',
};

export function PodsTable({
  pods,
  isPending,
  error,
}: {
  pods: PodInfo[] | undefined;
  isPending: boolean;
  error: unknown;
}) {
  if (isPending) return <PageSpinner label="Loading pods" />;
  if (error) return <Alert title="Could not load the pods">{errorMessage(error)}</Alert>;
  if (!pods || pods.length === 0) {
    return <EmptyState title="No pods" description="The app has no pods at the moment." />;
  }
  return (
    <Table>
      <TableCaption>Pods</TableCaption>
      <THead>
        <TR>
          <TH>Name</TH>
          <TH>Phase</TH>
          <TH>Ready</TH>
          <TH className="text-right">Restarts</TH>
          <TH>Age</TH>
          <TH>Node</TH>
        </TR>
      </THead>
      <TBody>
        {pods.map((pod) => (
          <TR key={pod.name}>
            <TD className="font-mono text-xs">{pod.name}</TD>
            <TD className={cn('font-medium', PHASE_CLASSES[pod.phase])}>{pod.phase}</TD>
            <TD>
              {pod.ready ? 'Yes' : <span className="text-amber-700 dark:text-amber-400">No</span>}
            </TD>
            <TD
              className={cn(
                'text-right tabular-nums',
                pod.restarts > 0 && 'text-amber-700 dark:text-amber-400',
              )}
            >
              {pod.restarts}
            </TD>
            <TD className="whitespace-nowrap tabular-nums">{formatDuration(pod.age_seconds)}</TD>
            <TD className="text-xs">{pod.node ?? '—'}</TD>
          </TR>
        ))}
      </TBody>
    </Table>
  );
}
