import {
  memo,
  useDeferredValue,
  useEffect,
  useId,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
} from 'react';

import type { PodInfo } from '@/api/types';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { CheckboxField } from '@/components/ui/field';
import { Input, Select } from '@/components/ui/input';
import { Spinner } from '@/components/ui/spinner';
import { cn } from '@/lib/cn';
import { downloadText } from '@/lib/download';

import { useLogStream, type LogStream } from '../hooks/use-log-stream';
import {
  DEFAULT_MAX_LINES,
  findMatches,
  highlightSegments,
  logFileName,
  stepMatch,
} from './log-viewer-model';

const NEAR_BOTTOM_PX = 24;

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

export interface LogViewerProps {
  app: string;
  /** The app's pods; the viewer picks the first until the user chooses. */
  pods: PodInfo[];
  podsLoading?: boolean;
  maxLines?: number;
}

/**
 * The live log viewer: pod and container choice, follow on/off, pause, search with highlighting
 * and match navigation, download of the loaded lines, a bounded buffer (oldest lines drop off).
 */
export function LogViewer({
  app,
  pods,
  podsLoading = false,
  maxLines = DEFAULT_MAX_LINES,
}: LogViewerProps) {
  const ids = useId();
  const [chosenPod, setChosenPod] = useState<string>();
  const [chosenContainer, setChosenContainer] = useState<string>();
  const [follow, setFollow] = useState(true);
  const [query, setQuery] = useState('');
  const [onlyMatches, setOnlyMatches] = useState(false);
  // The match the user stepped to, for the search it was made in.
  const [cursor, setCursor] = useState({ search: '', index: -1 });
  const [atBottom, setAtBottom] = useState(true);
  const scrollRef = useRef<HTMLDivElement>(null);
  const stickRef = useRef(true);

  // A chosen pod that went away (e.g. replaced by a restart) falls back to the first one.
  const pod = pods.find((p) => p.name === chosenPod) ?? pods[0];
  const containers = pod?.containers ?? [];
  const container =
    chosenContainer && containers.includes(chosenContainer) ? chosenContainer : containers[0];

  const stream = useLogStream({
    app,
    pod: pod?.name,
    container,
    follow,
    maxLines,
    enabled: Boolean(pod),
  });
  const { lines, status } = stream;

  const search = useDeferredValue(query);
  const matches = useMemo(() => findMatches(lines, search), [lines, search]);
  const matchSet = useMemo(() => new Set(matches), [matches]);
  // A new search starts at no particular match; dropped lines keep the index in range.
  const currentMatch = cursor.search === search ? Math.min(cursor.index, matches.length - 1) : -1;
  const currentId = currentMatch >= 0 ? matches[currentMatch] : undefined;
  const visible = useMemo(
    () => (onlyMatches && search ? lines.filter((line) => matchSet.has(line.id)) : lines),
    [onlyMatches, search, lines, matchSet],
  );

  // Keep the newest line in view while the user is at the bottom.
  useLayoutEffect(() => {
    const element = scrollRef.current;
    if (element && stickRef.current) element.scrollTop = element.scrollHeight;
  }, [visible]);

  useEffect(() => {
    if (currentId === undefined) return;
    const element = scrollRef.current?.querySelector(`[data-line-id="${currentId}"]`);
    element?.scrollIntoView({ block: 'center' });
  }, [currentId]);

  const onScroll = () => {
    const element = scrollRef.current;
    if (!element) return;
    const bottom =
      element.scrollHeight - element.scrollTop - element.clientHeight <= NEAR_BOTTOM_PX;
    stickRef.current = bottom;
    setAtBottom(bottom);
  };

  const jumpToLatest = () => {
    const element = scrollRef.current;
    stickRef.current = true;
    setAtBottom(true);
    if (stream.paused) stream.resume();
    if (element) element.scrollTop = element.scrollHeight;
  };

  const step = (direction: 1 | -1) => {
    stickRef.current = false;
    setCursor({ search, index: stepMatch(currentMatch, matches.length, direction) });
  };

  const onSearchKey = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      step(event.shiftKey ? -1 : 1);
    } else if (event.key === 'Escape' && query) {
      event.preventDefault();
      setQuery('');
    }
  };

  const download = () => {
    const text = [...lines, ...stream.pending].map((line) => line.text).join('\n');
    downloadText(logFileName([app, pod?.name, container]), text ? `${text}\n` : '');
  };

  if (!podsLoading && pods.length === 0) {
    return (
      <Alert tone="info" title="No pods to read logs from">
        The app has no pods right now. Logs appear here once its pods start.
      </Alert>
    );
  }

  const lineCount = lines.length;
  const matchLabel = !search
    ? ''
    : matches.length === 0
      ? 'No matches'
      : currentMatch >= 0
        ? `${currentMatch + 1} of ${matches.length}`
        : `${matches.length} ${matches.length === 1 ? 'match' : 'matches'}`;

  return (
    <section aria-label={`Logs of ${app}`} className="space-y-3">
      <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-[minmax(0,1fr)_minmax(0,12rem)_auto]">
        <div className="space-y-1.5">
          <label htmlFor={`${ids}-pod`} className="block text-sm font-medium">
            Pod
          </label>
          <Select
            id={`${ids}-pod`}
            value={pod?.name ?? ''}
            disabled={pods.length === 0}
            onChange={(event) => setChosenPod(event.target.value)}
          >
            {pods.map((p) => (
              <option key={p.name} value={p.name}>
                {p.name} ({p.phase})
              </option>
            ))}
          </Select>
        </div>
        <div className="space-y-1.5">
          <label htmlFor={`${ids}-container`} className="block text-sm font-medium">
            Container
          </label>
          <Select
            id={`${ids}-container`}
            value={container ?? ''}
            disabled={containers.length < 2}
            onChange={(event) => setChosenContainer(event.target.value)}
          >
            {containers.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </Select>
        </div>
        <div className="flex flex-wrap items-end gap-2 sm:col-span-2 lg:col-span-1">
          <CheckboxField
            label="Follow"
            checked={follow}
            onChange={(event) => {
              setFollow(event.target.checked);
              stickRef.current = true;
            }}
            className="flex h-10 items-center pr-1"
          />
          {follow ? (
            stream.paused ? (
              <Button variant="secondary" onClick={stream.resume} disabled={!pod}>
                Resume
                {stream.pending.length > 0 && (
                  <span className="rounded-full bg-indigo-600 px-1.5 text-xs text-white tabular-nums">
                    +{stream.pending.length}
                  </span>
                )}
              </Button>
            ) : (
              <Button variant="secondary" onClick={stream.pause} disabled={!pod}>
                Pause
              </Button>
            )
          ) : (
            <Button variant="secondary" onClick={stream.reload} disabled={!pod}>
              Refresh
            </Button>
          )}
          <Button variant="secondary" onClick={download} disabled={lineCount === 0}>
            Download
          </Button>
        </div>
      </div>

      <div className="flex flex-col gap-2 sm:flex-row sm:items-center">
        <div className="flex min-w-0 flex-1 items-center gap-2">
          <label htmlFor={`${ids}-search`} className="sr-only">
            Search the loaded lines
          </label>
          <Input
            id={`${ids}-search`}
            type="search"
            placeholder="Search the loaded lines…"
            value={query}
            onChange={(event) => setQuery(event.target.value)}
            onKeyDown={onSearchKey}
            autoComplete="off"
            spellCheck={false}
            aria-describedby={`${ids}-matches`}
            className="min-w-0"
          />
          <span
            id={`${ids}-matches`}
            aria-live="polite"
            className="w-24 shrink-0 text-sm text-zinc-600 tabular-nums dark:text-zinc-400"
          >
            {matchLabel}
          </span>
        </div>
        <div className="flex items-center gap-2">
          <Button
            variant="secondary"
            size="sm"
            onClick={() => step(-1)}
            disabled={matches.length === 0}
            aria-label="Previous match"
          >
            ↑
          </Button>
          <Button
            variant="secondary"
            size="sm"
            onClick={() => step(1)}
            disabled={matches.length === 0}
            aria-label="Next match"
          >
            ↓
          </Button>
          <CheckboxField
            label="Only matching lines"
            checked={onlyMatches}
            onChange={(event) => setOnlyMatches(event.target.checked)}
          />
        </div>
      </div>

      <div className="relative">
        <div
          ref={scrollRef}
          onScroll={onScroll}
          role="log"
          aria-live="off"
          aria-label="Log lines"
          tabIndex={0}
          className="h-[60vh] min-h-64 overflow-auto rounded-lg bg-zinc-950 py-2 font-mono text-xs leading-5 text-zinc-100 ring-1 ring-zinc-800 focus-visible:outline-2 focus-visible:outline-indigo-500"
        >
          {visible.map((line) => (
            <LogRow
              key={line.id}
              id={line.id}
              text={line.text}
              query={matchSet.has(line.id) ? search : ''}
              current={line.id === currentId}
            />
          ))}
          {lineCount === 0 && status !== 'connecting' && status !== 'error' && (
            <p className="px-3 text-zinc-400">
              {follow ? 'No lines yet. New lines appear here as they are written.' : 'No lines.'}
            </p>
          )}
          {status === 'connecting' && lineCount === 0 && (
            <div className="px-3">
              <Spinner size="sm" label="Loading the log" />
            </div>
          )}
        </div>
        {!atBottom && lineCount > 0 && (
          <Button size="sm" className="absolute right-4 bottom-3 shadow-lg" onClick={jumpToLatest}>
            Jump to latest
          </Button>
        )}
      </div>

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
    </section>
  );
}
