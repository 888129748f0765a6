import { useState } from 'react';

import { cn } from '@/lib/cn';

/**
 * An app's icon from its catalog entry (`icon_url`), or the initial of its name when the chart
 * has none or it fails to load. Fixed size: no layout shift while it loads.
 */
export function AppIcon({
  src,
  label,
  className,
}: {
  src: string | null | undefined;
  label: string;
  className?: string;
}) {
  const [failedSrc, setFailedSrc] = useState<string | null>(null);
  const box = cn('size-10 shrink-0 rounded-lg', className);
  if (!src || failedSrc === src) {
    return (
      <span
        aria-hidden="true"
        data-testid="app-icon-initial"
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
      src={src}
      alt=""
      width={40}
      height={40}
      loading="lazy"
      decoding="async"
      className={cn(box, 'bg-white object-contain p-1 ring-1 ring-zinc-200 dark:ring-zinc-700')}
      onError={() => setFailedSrc(src)}
    />
  );
}
