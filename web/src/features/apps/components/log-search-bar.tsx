import { useId, type KeyboardEvent } from 'react';

import { Button } from '@/components/ui/button';
import { CheckboxField } from '@/components/ui/field';
import { Input } from '@/components/ui/input';

import type { LogSearch } from '../hooks/use-log-search';

/**
 * Search within the loaded lines: Enter / Shift+Enter step through the matches, Escape clears,
 * "Only matching lines" hides the rest. `onStep` runs before each step (the viewer stops
 * following the newest line so the match stays in view).
 */
export function LogSearchBar({ search, onStep }: { search: LogSearch; onStep: () => void }) {
  const id = useId();
  const step = (direction: 1 | -1) => {
    onStep();
    search.step(direction);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      step(event.shiftKey ? -1 : 1);
    } else if (event.key === 'Escape' && search.query) {
      event.preventDefault();
      search.setQuery('');
    }
  };

  const none = search.matches.length === 0;
  return (
    <div className="flex flex-col gap-2 sm:flex-row sm:items-center">
      <div className="flex min-w-0 flex-1 items-center gap-2">
        <label htmlFor={`${id}-search`} className="sr-only">
          Search the loaded lines
        </label>
        <Input
          id={`${id}-search`}
          type="search"
          placeholder="Search the loaded lines…"
          value={search.query}
          onChange={(event) => search.setQuery(event.target.value)}
          onKeyDown={onKeyDown}
          autoComplete="off"
          spellCheck={false}
          aria-describedby={`${id}-matches`}
          className="min-w-0"
        />
        <span
          id={`${id}-matches`}
          aria-live="polite"
          className="w-24 shrink-0 text-sm text-zinc-600 tabular-nums dark:text-zinc-400"
        >
          {search.matchLabel}
        </span>
      </div>
      <div className="flex items-center gap-2">
        <Button
          variant="secondary"
          size="sm"
          onClick={() => step(-1)}
          disabled={none}
          aria-label="Previous match"
        >
          ↑
        </Button>
        <Button
          variant="secondary"
          size="sm"
          onClick={() => step(1)}
          disabled={none}
          aria-label="Next match"
        >
          ↓
        </Button>
        <CheckboxField
          label="Only matching lines"
          checked={search.onlyMatches}
          onChange={(event) => search.setOnlyMatches(event.target.checked)}
        />
      </div>
    </div>
  );
}
