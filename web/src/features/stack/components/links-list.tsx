import type { WiringLink } from '../api/types';
import { kindLabel, linkTitle, type NameOf } from '../utils/wiring-model';
import { linkLabel } from './wiring-graph';
import { LinkStateBadge } from './link-state-badge';

/** Every link as a row (the diagram's content as a list; fits a phone). A row opens the link. */
export function LinksList({
  links,
  nameOf,
  onSelect,
}: {
  links: WiringLink[];
  nameOf: NameOf;
  onSelect: (id: string) => void;
}) {
  return (
    <ul
      aria-label="All links"
      className="divide-y divide-zinc-200 overflow-hidden rounded-lg bg-white ring-1 ring-zinc-200 dark:divide-zinc-800 dark:bg-zinc-900 dark:ring-zinc-800"
    >
      {links.map((link) => (
        <li key={link.id}>
          <button
            type="button"
            aria-label={linkLabel(link, nameOf)}
            data-link={link.id}
            onClick={() => onSelect(link.id)}
            className="flex w-full flex-wrap items-center gap-x-3 gap-y-1 px-4 py-3 text-left hover:bg-zinc-50 focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-indigo-600 dark:hover:bg-zinc-800/60"
          >
            <span className="min-w-0 flex-1">
              <span className="block text-sm font-medium text-zinc-900 dark:text-zinc-100">
                {linkTitle(link, nameOf)}
                <span className="font-normal text-zinc-500 dark:text-zinc-400">
                  {' · '}
                  {kindLabel(link.kind)}
                </span>
              </span>
              {(link.message ?? link.detail) && (
                <span className="mt-0.5 block truncate text-xs text-zinc-600 dark:text-zinc-400">
                  {link.message ?? link.detail}
                </span>
              )}
            </span>
            <LinkStateBadge state={link.state} />
          </button>
        </li>
      ))}
    </ul>
  );
}
