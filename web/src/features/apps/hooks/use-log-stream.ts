import { useCallback, useEffect, useReducer, useState } from 'react';

import { errorMessage } from '@/lib/api-client';

import { streamAppLogs } from '../api/get-app-logs';
import {
  DEFAULT_MAX_LINES,
  initialLogState,
  logReducer,
  type LogLine,
  type LogStreamStatus,
} from '../components/log-viewer-model';

export interface UseLogStreamOptions {
  app: string;
  pod: string | undefined;
  container: string | undefined;
  /** Keep the connection open and append new lines as they are written. */
  follow: boolean;
  /** How many of the latest lines to load first. */
  tailLines?: number;
  maxLines?: number;
  /** False while there is nothing to read (no pod yet): stays idle. */
  enabled?: boolean;
}

export interface LogStream {
  status: LogStreamStatus | 'idle';
  error: string | null;
  lines: LogLine[];
  /** Lines that arrived while paused. */
  pending: LogLine[];
  dropped: number;
  paused: boolean;
  pause: () => void;
  resume: () => void;
  clear: () => void;
  /** Loads the lines again (and reconnects when following). */
  reload: () => void;
}

const NO_LINES: LogLine[] = [];

/**
 * Reads an app's log into a bounded buffer: the last `tailLines` lines, then — when following —
 * every new line until the server closes the stream, the options change or the component unmounts.
 * While paused, new lines wait (still bounded) and appear on resume.
 */
export function useLogStream({
  app,
  pod,
  container,
  follow,
  tailLines = 1000,
  maxLines = DEFAULT_MAX_LINES,
  enabled = true,
}: UseLogStreamOptions): LogStream {
  const [state, dispatch] = useReducer(logReducer, maxLines, initialLogState);
  const [attempt, setAttempt] = useState(0);
  const session = JSON.stringify([app, pod, container, follow, tailLines, attempt]);

  useEffect(() => {
    if (!enabled) return;
    const controller = new AbortController();
    const live = () => !controller.signal.aborted;
    streamAppLogs(
      { app, pod, container, tailLines, follow },
      {
        onOpen: () => {
          if (live()) dispatch({ type: 'open', session });
        },
        onText: (text) => {
          if (live()) dispatch({ type: 'chunk', session, text });
        },
      },
      controller.signal,
    ).then(
      () => {
        if (live()) dispatch({ type: 'end', session });
      },
      (reason: unknown) => {
        if (live()) dispatch({ type: 'error', session, message: errorMessage(reason) });
      },
    );
    return () => controller.abort();
  }, [app, pod, container, follow, tailLines, enabled, session]);

  const pause = useCallback(() => dispatch({ type: 'pause' }), []);
  const resume = useCallback(() => dispatch({ type: 'resume' }), []);
  const clear = useCallback(() => dispatch({ type: 'clear' }), []);
  const reload = useCallback(() => setAttempt((n) => n + 1), []);

  // Until the current request answers, nothing of an earlier one is shown.
  const current = enabled && state.session === session;
  return {
    status: !enabled ? 'idle' : current ? state.status : 'connecting',
    error: current ? state.error : null,
    lines: current ? state.lines : NO_LINES,
    pending: current ? state.pending : NO_LINES,
    dropped: current ? state.dropped : 0,
    paused: current && state.paused,
    pause,
    resume,
    clear,
    reload,
  };
}
