import { act, renderHook } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import type { LogLine } from '@/features/apps/components/log-viewer-model';
import { useLogSearch } from '../use-log-search';

const lines: LogLine[] = [
  { id: 1, text: 'starting sonarr' },
  { id: 2, text: 'GET /api/series 200' },
  { id: 3, text: 'error: disk full' },
  { id: 4, text: 'GET /api/queue 200' },
];

describe('useLogSearch', () => {
  it('finds matches case-insensitively and counts them before any step', () => {
    const { result } = renderHook(() => useLogSearch(lines));
    expect(result.current.matchLabel).toBe('');
    act(() => result.current.setQuery('get'));
    expect(result.current.matches).toEqual([2, 4]);
    expect(result.current.matchLabel).toBe('2 matches');
    expect(result.current.currentId).toBeUndefined();
  });

  it('steps forward and back through the matches, wrapping around', () => {
    const { result } = renderHook(() => useLogSearch(lines));
    act(() => result.current.setQuery('GET'));
    act(() => result.current.step(1));
    expect(result.current.matchLabel).toBe('1 of 2');
    expect(result.current.currentId).toBe(2);
    act(() => result.current.step(1));
    expect(result.current.currentId).toBe(4);
    act(() => result.current.step(1));
    expect(result.current.currentId).toBe(2);
    act(() => result.current.step(-1));
    expect(result.current.matchLabel).toBe('2 of 2');
  });

  it('starts a new search at no match and says when nothing matches', () => {
    const { result } = renderHook(() => useLogSearch(lines));
    act(() => result.current.setQuery('GET'));
    act(() => result.current.step(1));
    act(() => result.current.setQuery('error'));
    expect(result.current.matchLabel).toBe('1 match');
    expect(result.current.currentMatch).toBe(-1);
    act(() => result.current.setQuery('nothing like it'));
    expect(result.current.matchLabel).toBe('No matches');
  });

  it('shows only the matching lines when asked, all of them without a query', () => {
    const { result } = renderHook(() => useLogSearch(lines));
    act(() => result.current.setOnlyMatches(true));
    expect(result.current.visible).toHaveLength(4);
    act(() => result.current.setQuery('200'));
    expect(result.current.visible.map((line) => line.id)).toEqual([2, 4]);
    act(() => result.current.setOnlyMatches(false));
    expect(result.current.visible).toHaveLength(4);
  });

  it('keeps the current match in range when old lines drop off', () => {
    const { result, rerender } = renderHook(({ current }) => useLogSearch(current), {
      initialProps: { current: lines },
    });
    act(() => result.current.setQuery('GET'));
    act(() => result.current.step(-1));
    expect(result.current.currentId).toBe(4);
    rerender({ current: lines.slice(2) });
    expect(result.current.matches).toEqual([4]);
    expect(result.current.currentId).toBe(4);
  });
});
