import type { AppState } from '@/api/types';
import { cn } from '@/lib/cn';

export type StatusTone = 'neutral' | 'progress' | 'success' | 'warning' | 'danger';

export interface StatusInfo {
  label: string;
  tone: StatusTone;
  /** A transition is under way (shows a pulsing dot). */
  busy: boolean;
}

const STATUS: Record<AppState, StatusInfo> = {
  not_installed: { label: 'Not installed', tone: 'neutral', busy: false },
  installing: { label: 'Installing', tone: 'progress', busy: true },
  installed: { label: 'Running', tone: 'success', busy: false },
  degraded: { label: 'Degraded', tone: 'warning', busy: false },
  upgrading: { label: 'Upgrading', tone: 'progress', busy: true },
  uninstalling: { label: 'Uninstalling', tone: 'progress', busy: true },
  error: { label: 'Error', tone: 'danger', busy: false },
};

/** How an app state is shown. Unknown states (a newer server) fall back to a neutral badge. */
export function statusInfo(state: string): StatusInfo {
  return Object.hasOwn(STATUS, state)
    ? STATUS[state as AppState]
    : { label: state ? state.replaceAll('_', ' ') : 'Unknown', tone: 'neutral', busy: false };
}

const toneClasses: Record<StatusTone, { badge: string; dot: string }> = {
  neutral: {
    badge:
      'bg-zinc-100 text-zinc-700 ring-zinc-300 dark:bg-zinc-800 dark:text-zinc-300 dark:ring-zinc-700',
    dot: 'bg-zinc-400',
  },
  progress: {
    badge:
      'bg-sky-50 text-sky-800 ring-sky-200 dark:bg-sky-950 dark:text-sky-200 dark:ring-sky-800',
    dot: 'bg-sky-500',
  },
  success: {
    badge:
      'bg-emerald-50 text-emerald-800 ring-emerald-200 dark:bg-emerald-950 dark:text-emerald-200 dark:ring-emerald-800',
    dot: 'bg-emerald-500',
  },
  warning: {
    badge:
      'bg-amber-50 text-amber-900 ring-amber-200 dark:bg-amber-950 dark:text-amber-200 dark:ring-amber-800',
    dot: 'bg-amber-500',
  },
  danger: {
    badge:
      'bg-red-50 text-red-800 ring-red-200 dark:bg-red-950 dark:text-red-200 dark:ring-red-800',
    dot: 'bg-red-500',
  },
};

/** A pill with a coloured dot and words: the state is never told by colour alone. */
export function ToneBadge({
  label,
  tone,
  busy = false,
  className,
}: {
  label: string;
  tone: StatusTone;
  busy?: boolean;
  className?: string;
}) {
  const classes = toneClasses[tone];
  return (
    <span
      data-tone={tone}
      className={cn(
        'inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset',
        classes.badge,
        className,
      )}
    >
      <span
        aria-hidden="true"
        className={cn('size-1.5 rounded-full', classes.dot, busy && 'animate-pulse')}
      />
      {label}
    </span>
  );
}

export function StatusBadge({
  state,
  className,
}: {
  state: AppState | (string & {});
  className?: string;
}) {
  const info = statusInfo(state);
  return <ToneBadge label={info.label} tone={info.tone} busy={info.busy} className={className} />;
}
