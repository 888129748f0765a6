import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { cn } from '@/lib/cn';

import type { LogStream } from '../hooks/use-log-stream';

function statusText(status: LogStream['status'], follow: boolean, paused: boolean): string {
  if (status === 'connecting') return 'Connecting…';
  if (status === 'error') return 'Stopped by an error';
  if (status === 'ended') return follow ? 'The stream ended' : 'Loaded';
  if (status === 'streaming') {
    if (!follow) return 'Loading…';
    return paused ? 'Paused' : 'Live';
  }
  return 'Waiting for a pod';
}

/**
 * Below the lines: the stream's state (Live, Paused, …), the line count and what the bound
 * dropped, and — when the stream failed or ended while following — a way to reconnect.
 */
export function LogStatusBar({
  stream,
  follow,
  maxLines,
}: {
  stream: LogStream;
  follow: boolean;
  maxLines: number;
}) {
  const { status } = stream;
  const lineCount = stream.lines.length;
  return (
    <>
      <div className="flex flex-wrap items-center justify-between gap-2 text-xs text-zinc-600 dark:text-zinc-400">
        <p aria-live="polite">
          <span
            className={cn(
              'mr-1.5 inline-block size-2 rounded-full',
              status === 'streaming' && follow && !stream.paused
                ? 'animate-pulse bg-emerald-500'
                : status === 'error'
                  ? 'bg-red-500'
                  : 'bg-zinc-400',
            )}
            aria-hidden="true"
          />
          {statusText(status, follow, stream.paused)}
          {stream.paused &&
            stream.pending.length > 0 &&
            ` · ${stream.pending.length} new lines waiting`}
        </p>
        <p className="tabular-nums">
          {lineCount.toLocaleString()} {lineCount === 1 ? 'line' : 'lines'}
          {stream.dropped > 0 &&
            ` · ${stream.dropped.toLocaleString()} older dropped (keeps the last ${maxLines.toLocaleString()})`}
        </p>
      </div>
      {(status === 'error' || (status === 'ended' && follow)) && (
        <Alert
          tone={status === 'error' ? 'error' : 'info'}
          title={status === 'error' ? 'Could not read the log' : 'The log stream ended'}
        >
          <p>
            {status === 'error'
              ? stream.error
              : 'The server closed the stream, for example because the pod stopped.'}
          </p>
          <Button variant="secondary" size="sm" className="mt-2" onClick={stream.reload}>
            Reconnect
          </Button>
        </Alert>
      )}
    </>
  );
}
