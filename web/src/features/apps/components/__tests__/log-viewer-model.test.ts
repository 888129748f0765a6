import { describe, expect, it } from 'vitest';

import {
  findMatches,
  highlightSegments,
  initialLogState,
  logFileName,
  logReducer,
  splitChunk,
  stepMatch,
  type LogAction,
  type LogState,
} from '../log-viewer-model';

const S = 'session-1';

function run(actions: LogAction[], state: LogState = initialLogState(5)): LogState {
  return actions.reduce(logReducer, state);
}

const texts = (state: LogState) => state.lines.map((line) => line.text);

describe('splitChunk', () => {
  it('keeps a line cut between chunks until its newline arrives', () => {
    expect(splitChunk('', 'a\nb\nhal')).toEqual({ lines: ['a', 'b'], partial: 'hal' });
    expect(splitChunk('hal', 'f\n')).toEqual({ lines: ['half'], partial: '' });
  });

  it('accepts CRLF and keeps empty lines', () => {
    expect(splitChunk('', 'one\r\n\r\ntwo\r\n')).toEqual({
      lines: ['one', '', 'two'],
      partial: '',
    });
  });
});

describe('logReducer', () => {
  it('appends complete lines and flushes the last partial line when the stream ends', () => {
    const state = run([
      { type: 'open', session: S },
      { type: 'chunk', session: S, text: 'first\nsec' },
      { type: 'chunk', session: S, text: 'ond\nthird' },
    ]);
    expect(texts(state)).toEqual(['first', 'second']);
    expect(state.status).toBe('streaming');
    const ended = logReducer(state, { type: 'end', session: S });
    expect(texts(ended)).toEqual(['first', 'second', 'third']);
    expect(ended.status).toBe('ended');
  });

  it('keeps at most `max` lines, dropping the oldest and counting them', () => {
    const state = run([{ type: 'chunk', session: S, text: '1\n2\n3\n4\n5\n6\n7\n' }]);
    expect(texts(state)).toEqual(['3', '4', '5', '6', '7']);
    expect(state.dropped).toBe(2);
    const more = logReducer(state, { type: 'chunk', session: S, text: '8\n' });
    expect(texts(more)).toEqual(['4', '5', '6', '7', '8']);
    expect(more.dropped).toBe(3);
  });

  it('gives lines ids that keep increasing as old lines drop off', () => {
    const state = run([{ type: 'chunk', session: S, text: 'a\nb\nc\nd\ne\nf\n' }]);
    const ids = state.lines.map((line) => line.id);
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('holds lines back while paused and shows them on resume, still bounded', () => {
    const paused = run([
      { type: 'chunk', session: S, text: 'a\nb\n' },
      { type: 'pause' },
      { type: 'chunk', session: S, text: 'c\nd\n' },
    ]);
    expect(texts(paused)).toEqual(['a', 'b']);
    expect(paused.pending.map((l) => l.text)).toEqual(['c', 'd']);

    const flooded = logReducer(paused, { type: 'chunk', session: S, text: 'e\nf\ng\nh\n' });
    expect(flooded.pending.map((l) => l.text)).toEqual(['d', 'e', 'f', 'g', 'h']);
    expect(flooded.dropped).toBe(1);

    const resumed = logReducer(flooded, { type: 'resume' });
    expect(resumed.paused).toBe(false);
    expect(resumed.pending).toEqual([]);
    expect(texts(resumed)).toEqual(['d', 'e', 'f', 'g', 'h']);
    expect(resumed.dropped).toBe(3);
  });

  it('starts from an empty, unpaused buffer when a new session (pod, follow…) begins', () => {
    const old = run([{ type: 'chunk', session: S, text: 'old\npart' }, { type: 'pause' }]);
    const fresh = logReducer(old, { type: 'chunk', session: 'session-2', text: 'new\n' });
    expect(texts(fresh)).toEqual(['new']);
    expect(fresh.paused).toBe(false);
    expect(fresh.partial).toBe('');
    expect(fresh.session).toBe('session-2');
    expect(fresh.lines[0]!.id).toBeGreaterThan(old.nextId - 1);
  });

  it('records an error with its message, keeping the lines read so far', () => {
    const state = run([
      { type: 'chunk', session: S, text: 'a\nb' },
      { type: 'error', session: S, message: 'The app has no pods.' },
    ]);
    expect(state.status).toBe('error');
    expect(state.error).toBe('The app has no pods.');
    expect(texts(state)).toEqual(['a', 'b']);
  });

  it('clears shown and pending lines', () => {
    const state = run([
      { type: 'chunk', session: S, text: 'a\n' },
      { type: 'pause' },
      { type: 'chunk', session: S, text: 'b\n' },
      { type: 'clear' },
    ]);
    expect(state.lines).toEqual([]);
    expect(state.pending).toEqual([]);
  });
});

describe('search', () => {
  const lines = ['Starting Sonarr', 'GET /api/v3/series 200', 'sonarr ready', 'done'].map(
    (text, index) => ({ id: index + 1, text }),
  );

  it('finds lines containing the text, case-insensitively by default', () => {
    expect(findMatches(lines, 'sonarr')).toEqual([1, 3]);
    expect(findMatches(lines, 'Sonarr', { caseSensitive: true })).toEqual([1]);
    expect(findMatches(lines, '')).toEqual([]);
    // Plain text, not a pattern.
    expect(findMatches(lines, '/api/v3/')).toEqual([2]);
    expect(findMatches(lines, '.*')).toEqual([]);
  });

  it('cuts a line into highlighted and plain runs', () => {
    expect(highlightSegments('sonarr and Sonarr', 'SONARR')).toEqual([
      { text: 'sonarr', match: true },
      { text: ' and ', match: false },
      { text: 'Sonarr', match: true },
    ]);
    expect(highlightSegments('abc', 'x')).toEqual([{ text: 'abc', match: false }]);
    expect(highlightSegments('', 'x')).toEqual([{ text: '', match: false }]);
  });

  it('steps through matches, wrapping at both ends', () => {
    expect(stepMatch(-1, 3, 1)).toBe(0);
    expect(stepMatch(-1, 3, -1)).toBe(2);
    expect(stepMatch(2, 3, 1)).toBe(0);
    expect(stepMatch(0, 3, -1)).toBe(2);
    expect(stepMatch(0, 0, 1)).toBe(-1);
  });
});

describe('logFileName', () => {
  it('names the app, pod and container with a timestamp, safe for file systems', () => {
    expect(
      logFileName(['sonarr', 'sonarr-7c9/x', 'app'], new Date('2026-01-02T03:04:05.678Z')),
    ).toBe('sonarr_sonarr-7c9-x_app_2026-01-02T03-04-05.txt');
    expect(logFileName(['sonarr', undefined], new Date('2026-01-02T03:04:05Z'))).toBe(
      'sonarr_2026-01-02T03-04-05.txt',
    );
  });
});
