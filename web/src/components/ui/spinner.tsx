import { cn } from '@/lib/cn';

export function Spinner({
  label = 'Loading',
  size = 'md',
  className,
}: {
  /** Read by screen readers; also shown next to the spinner when `showLabel`. */
  label?: string;
  size?: 'sm' | 'md' | 'lg';
  className?: string;
}) {
  const dimension = { sm: 'size-4', md: 'size-6', lg: 'size-10' }[size];
  return (
    <span role="status" className={cn('inline-flex items-center', className)}>
      <svg
        className={cn('animate-spin text-indigo-600 dark:text-indigo-400', dimension)}
        viewBox="0 0 24 24"
        fill="none"
        aria-hidden="true"
      >
        <circle cx="12" cy="12" r="10" stroke="currentColor" strokeOpacity="0.25" strokeWidth="4" />
        <path
          d="M22 12a10 10 0 0 0-10-10"
          stroke="currentColor"
          strokeWidth="4"
          strokeLinecap="round"
        />
      </svg>
      <span className="sr-only">{label}</span>
    </span>
  );
}

/** A centred spinner for a page or panel that is loading. */
export function PageSpinner({ label = 'Loading' }: { label?: string }) {
  return (
    <div className="flex min-h-48 items-center justify-center">
      <Spinner size="lg" label={label} />
    </div>
  );
}
