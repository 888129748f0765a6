import type { ReactNode } from 'react';

import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { formatDateTime, formatRelative } from '@/lib/format';

import type { WiringLink } from '../api/types';
import {
  kindLabel,
  linkSentence,
  linkStateInfo,
  linkTitle,
  type NameOf,
} from '../utils/wiring-model';
import { LinkActions } from './link-actions';
import { LinkStateBadge } from './link-state-badge';

/** Everything about one link, with its actions. */
export function LinkDialog({
  link,
  nameOf,
  onClose,
}: {
  /** The link shown; null when closed (or when it went away). */
  link: WiringLink | null;
  nameOf: NameOf;
  onClose: () => void;
}) {
  if (!link) return <Dialog open={false} onClose={onClose} title="" />;
  const state = linkStateInfo(link.state);
  const rows: [string, ReactNode][] = [
    ['Kind', kindLabel(link.kind)],
    [
      'State',
      <span key="state" className="flex flex-wrap items-center gap-2">
        <LinkStateBadge state={link.state} />
        {state.description && (
          <span className="text-zinc-600 dark:text-zinc-400">{state.description}</span>
        )}
      </span>,
    ],
    ['What it sets up', link.detail ?? '—'],
  ];
  if (link.message) {
    rows.push([
      `Message from ${nameOf(link.from)}`,
      <span key="message" className="whitespace-pre-wrap text-amber-800 dark:text-amber-300">
        {link.message}
      </span>,
    ]);
  }
  rows.push([
    'Last checked',
    link.checked_at ? (
      <time key="checked" dateTime={link.checked_at} title={formatDateTime(link.checked_at)}>
        {formatRelative(link.checked_at)}
      </time>
    ) : (
      'Not checked yet'
    ),
  ]);

  return (
    <Dialog
      open
      onClose={onClose}
      title={linkTitle(link, nameOf)}
      description={linkSentence(link, nameOf)}
      footer={
        <Button variant="ghost" onClick={onClose}>
          Close
        </Button>
      }
    >
      <dl className="space-y-3 text-sm">
        {rows.map(([label, value]) => (
          <div key={label} className="grid gap-0.5 sm:grid-cols-[9rem_1fr] sm:gap-3">
            <dt className="text-zinc-500 dark:text-zinc-400">{label}</dt>
            <dd className="min-w-0 break-words text-zinc-900 dark:text-zinc-100">{value}</dd>
          </div>
        ))}
      </dl>
      <LinkActions key={link.id} link={link} nameOf={nameOf} className="mt-5" />
    </Dialog>
  );
}
