import { memo, useEffect } from 'react';

import { Button } from '@/components/ui/button';
import { Spinner } from '@/components/ui/spinner';
import { cn } from '@/lib/cn';

import type { LogSearch } from '../hooks/use-log-search';
import type { LogStream } from '../hooks/use-log-stream';
import type { StickToBottom } from '../hooks/use-stick-to-bottom';
import { highlightSegments } from './log-viewer-model';

const LogRow = memo(function LogRow({
  id,
  text,
  query,
  current,
}: {
  id: number;
  text: string;
  /** Highlight this text (empty: no highlight). */
  query: string;
  current: boolean;
}) {
  return (
    <div
      data-line-id={id}
      className={cn('px-3 break-all whitespace-pre-wrap', current && 'bg-amber-400/20')}
      aria-current={current ? 'true' : undefined}
    >
      {query
        ? highlightSegments(text, query).map((segment, index) =>
            segment.match ? (
              <mark
                key={index}
                className={cn(
                  'rounded-sm text-inherit',
                  current ? 'bg-amber-400/90 text-zinc-950' : 'bg-amber-300/40',
                )}
              >
                {segment.text}
              </mark>
            ) : (
              segment.text
            ),
          )
        : text || '\u00a0'}
    </div>
  );
});

export interface LogLinesProps {
  stream: LogStream;
  search: LogSearch;
  scroll: StickToBottom;
  follow: boolean;
  /** "Jump to latest": back to the newest line (resuming a paused stream). */
  onJumpToLatest: () => void;
}

/** The lines themselves: a terminal-like log region, matches highlighted, the current one in view. */
export function LogLines({ stream, search, scroll, follow, onJumpToLatest }: LogLinesProps) {
  const { currentId } = search;
  const { scrollRef } = scroll;
  const lineCount = stream.lines.length;

  useEffect(() => {
    if (currentId === undefined) return;
    const element = scrollRef.current?.querySelector(`[data-line-id="${currentId}"]`);
    element?.scrollIntoView({ block: 'center' });
  }, [currentId, scrollRef]);

  return (
    <div className="relative">
      <div
        ref={scrollRef}
        onScroll={scroll.onScroll}
        role="log"
        aria-live="off"
        aria-label="Log lines"
        tabIndex={0}
        className="h-[60vh] min-h-64 overflow-auto rounded-lg bg-zinc-950 py-2 font-mono text-xs leading-5 text-zinc-100 ring-1 ring-zinc-800 focus-visible:outline-2 focus-visible:outline-indigo-500"
      >
        {search.visible.map((line) => (
          <LogRow
            key={line.id}
            id={line.id}
            text={line.text}
            query={search.matchSet.has(line.id) ? search.search : ''}
            current={line.id === currentId}
          />
        ))}
        {lineCount === 0 && stream.status !== 'connecting' && stream.status !== 'error' && (
          <p className="px-3 text-zinc-400">
            {follow ? 'No lines yet. New lines appear here as they are written.' : 'No lines.'}
          </p>
        )}
        {stream.status === 'connecting' && lineCount === 0 && (
          <div className="px-3">
            <Spinner size="sm" label="Loading the log" />
          </div>
        )}
      </div>
      {!scroll.atBottom && lineCount > 0 && (
        <Button size="sm" className="absolute right-4 bottom-3 shadow-lg" onClick={onJumpToLatest}>
          Jump to latest
        </Button>
      )}
    </div>
  );
}
