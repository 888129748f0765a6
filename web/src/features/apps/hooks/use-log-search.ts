import { useDeferredValue, useMemo, useState } from 'react';

import { findMatches, stepMatch, type LogLine } from '../components/log-viewer-model';

export interface LogSearch {
  /** What the user typed. */
  query: string;
  setQuery: (query: string) => void;
  /** The query the matches were found for (deferred, so typing stays responsive). */
  search: string;
  /** Ids of the matching lines, oldest first. */
  matches: number[];
  matchSet: ReadonlySet<number>;
  /** Index into `matches` of the match the user stepped to; -1 for none. */
  currentMatch: number;
  /** Line id of that match. */
  currentId: number | undefined;
  step: (direction: 1 | -1) => void;
  onlyMatches: boolean;
  setOnlyMatches: (only: boolean) => void;
  /** The lines to show: all of them, or only the matching ones. */
  visible: LogLine[];
  /** "No matches", "3 matches", "2 of 3", or '' without a search. */
  matchLabel: string;
}

/** Search within the loaded lines: matches, stepping between them, "only matching lines". */
export function useLogSearch(lines: LogLine[]): LogSearch {
  const [query, setQuery] = useState('');
  const [onlyMatches, setOnlyMatches] = useState(false);
  // The match the user stepped to, for the search it was made in.
  const [cursor, setCursor] = useState({ search: '', index: -1 });

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

  const step = (direction: 1 | -1) => {
    setCursor({ search, index: stepMatch(currentMatch, matches.length, direction) });
  };

  const matchLabel = !search
    ? ''
    : matches.length === 0
      ? 'No matches'
      : currentMatch >= 0
        ? `${currentMatch + 1} of ${matches.length}`
        : `${matches.length} ${matches.length === 1 ? 'match' : 'matches'}`;

  return {
    query,
    setQuery,
    search,
    matches,
    matchSet,
    currentMatch,
    currentId,
    step,
    onlyMatches,
    setOnlyMatches,
    visible,
    matchLabel,
  };
}
