import { useState } from 'react';

import { cn } from '@/lib/cn';

import { catalogIconUrl } from '../api/get-catalog';

/** The chart's icon, or the app's initial when it has none. Fixed size: no layout shift. */
export function AppIcon({
  name,
  label,
  className,
}: {
  name: string;
  label: string;
  className?: string;
}) {
  const [failed, setFailed] = useState(false);
  const box = cn('size-10 shrink-0 rounded-lg', className);
  if (failed) {
    return (
      <span
        aria-hidden="true"
        className={cn(
          box,
          'flex items-center justify-center bg-indigo-100 text-lg font-semibold text-indigo-700 uppercase dark:bg-indigo-950 dark:text-indigo-300',
        )}
      >
        {label.charAt(0)}
      </span>
    );
  }
  return (
    <img
      src={catalogIconUrl(name)}
      alt=""
      width={40}
      height={40}
      loading="lazy"
      decoding="async"
      className={cn(box, 'bg-white object-contain p-1 ring-1 ring-zinc-200 dark:ring-zinc-700')}
      onError={() => setFailed(true)}
    />
  );
}
