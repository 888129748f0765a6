// The model behind the log viewer: a bounded buffer of lines fed by text chunks from a (possibly
// streaming) response, with pause/resume and search. Pure functions and a reducer, no React, so
// the rules are unit-tested on their own.

/** How many lines the viewer keeps; older ones are dropped as new ones arrive. */
export const DEFAULT_MAX_LINES = 5000;

export interface LogLine {
  /** Increasing for the life of the viewer, so React keys stay stable as old lines drop off. */
  id: number;
  text: string;
}

export type LogStreamStatus = 'connecting' | 'streaming' | 'ended' | 'error';

export interface LogState {
  /** Which request the lines belong to (pod, container, follow, attempt); '' before any. */
  session: string;
  status: LogStreamStatus;
  error: string | null;
  /** The lines on screen, oldest first; at most `max`. */
  lines: LogLine[];
  /** Lines that arrived while paused, shown on resume; at most `max`. */
  pending: LogLine[];
  /** How many lines were dropped to respect the bound since the last reset. */
  dropped: number;
  /** The end of the last chunk when it did not end with a newline. */
  partial: string;
  paused: boolean;
  nextId: number;
  max: number;
}

/**
 * Stream actions carry the session they belong to; the first action of a new session starts from
 * an empty buffer (so lines of the previous pod never mix with the next one's).
 */
export type LogAction =
  | { type: 'open'; session: string }
  | { type: 'chunk'; session: string; text: string }
  /** The response ended: a trailing line without a newline is complete after all. */
  | { type: 'end'; session: string }
  | { type: 'error'; session: string; message: string }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'clear' };

export function initialLogState(max: number = DEFAULT_MAX_LINES): LogState {
  return {
    session: '',
    status: 'connecting',
    error: null,
    lines: [],
    pending: [],
    dropped: 0,
    partial: '',
    paused: false,
    nextId: 1,
    max,
  };
}

/**
 * Splits `partial + text` into complete lines and a new partial (what follows the last newline).
 * Accepts `\n` and `\r\n` endings.
 */
export function splitChunk(partial: string, text: string): { lines: string[]; partial: string } {
  const parts = (partial + text).split('\n');
  const rest = parts.pop() ?? '';
  return {
    lines: parts.map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line)),
    partial: rest,
  };
}

/** Keeps the last `max` items; returns them and how many were cut. */
function bound<T>(items: T[], max: number): { items: T[]; cut: number } {
  if (items.length <= max) return { items, cut: 0 };
  return { items: items.slice(items.length - max), cut: items.length - max };
}

function addLines(state: LogState, texts: string[]): LogState {
  if (texts.length === 0) return state;
  let nextId = state.nextId;
  const incoming = texts.map((text) => ({ id: nextId++, text }));
  if (state.paused) {
    const { items, cut } = bound([...state.pending, ...incoming], state.max);
    return { ...state, pending: items, dropped: state.dropped + cut, nextId };
  }
  const { items, cut } = bound([...state.lines, ...incoming], state.max);
  return { ...state, lines: items, dropped: state.dropped + cut, nextId };
}

/** The state for `session`: unchanged if it is the current one, else a fresh buffer for it. */
function forSession(state: LogState, session: string): LogState {
  if (state.session === session) return state;
  return { ...initialLogState(state.max), session, nextId: state.nextId };
}

export function logReducer(state: LogState, action: LogAction): LogState {
  switch (action.type) {
    case 'open':
      return { ...forSession(state, action.session), status: 'streaming' };
    case 'chunk': {
      const current = forSession(state, action.session);
      const { lines, partial } = splitChunk(current.partial, action.text);
      return { ...addLines(current, lines), partial, status: 'streaming' };
    }
    case 'end':
    case 'error': {
      const current = forSession(state, action.session);
      const flushed = current.partial
        ? { ...addLines(current, [current.partial]), partial: '' }
        : current;
      return action.type === 'end'
        ? { ...flushed, status: 'ended' }
        : { ...flushed, status: 'error', error: action.message };
    }
    case 'pause':
      return state.paused ? state : { ...state, paused: true };
    case 'resume': {
      if (!state.paused) return state;
      const { items, cut } = bound([...state.lines, ...state.pending], state.max);
      return { ...state, paused: false, lines: items, pending: [], dropped: state.dropped + cut };
    }
    case 'clear':
      return { ...state, lines: [], pending: [], dropped: 0 };
  }
}

// ---- search ------------------------------------------------------------------------------------

export interface SearchOptions {
  caseSensitive?: boolean;
}

/** Ids of the lines containing `query` (plain text, not a pattern), in order. */
export function findMatches(
  lines: readonly LogLine[],
  query: string,
  options: SearchOptions = {},
): number[] {
  if (!query) return [];
  const needle = options.caseSensitive ? query : query.toLowerCase();
  const ids: number[] = [];
  for (const line of lines) {
    const hay = options.caseSensitive ? line.text : line.text.toLowerCase();
    if (hay.includes(needle)) ids.push(line.id);
  }
  return ids;
}

export interface Segment {
  text: string;
  match: boolean;
}

/** `text` cut into runs that do and do not match `query`, for highlighting. */
export function highlightSegments(
  text: string,
  query: string,
  options: SearchOptions = {},
): Segment[] {
  if (!query) return [{ text, match: false }];
  const hay = options.caseSensitive ? text : text.toLowerCase();
  const needle = options.caseSensitive ? query : query.toLowerCase();
  const segments: Segment[] = [];
  let from = 0;
  for (;;) {
    const at = hay.indexOf(needle, from);
    if (at < 0) break;
    if (at > from) segments.push({ text: text.slice(from, at), match: false });
    segments.push({ text: text.slice(at, at + needle.length), match: true });
    from = at + needle.length;
  }
  if (from < text.length || segments.length === 0) {
    segments.push({ text: text.slice(from), match: false });
  }
  return segments;
}

/** Index of the next (or previous) match after `current`, wrapping around; -1 without matches. */
export function stepMatch(current: number, count: number, direction: 1 | -1): number {
  if (count === 0) return -1;
  if (current < 0) return direction === 1 ? 0 : count - 1;
  return (current + direction + count) % count;
}

/** A file name for a log download: `sonarr_sonarr-abc_app_2026-01-01T12-00-00.txt`. */
export function logFileName(parts: (string | undefined)[], now: Date = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/\.\d+Z$/, '')
    .replaceAll(':', '-');
  const safe = parts
    .filter((part): part is string => Boolean(part))
    .map((part) => part.replace(/[^A-Za-z0-9._-]+/g, '-'));
  return `${[...safe, stamp].join('_')}.txt`;
}
