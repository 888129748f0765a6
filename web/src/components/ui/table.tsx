import type { ComponentProps } from 'react';

import { cn } from '@/lib/cn';

/** A table that scrolls sideways on narrow screens instead of overflowing the page. */
export function Table({ className, children, ...props }: ComponentProps<'table'>) {
  return (
    <div className="overflow-x-auto rounded-lg ring-1 ring-zinc-200 dark:ring-zinc-800">
      <table
        className={cn(
          'min-w-full divide-y divide-zinc-200 text-sm dark:divide-zinc-800',
          className,
        )}
        {...props}
      >
        {children}
      </table>
    </div>
  );
}

export function TableCaption({ className, ...props }: ComponentProps<'caption'>) {
  return <caption className={cn('sr-only', className)} {...props} />;
}

export function THead({ className, ...props }: ComponentProps<'thead'>) {
  return <thead className={cn('bg-zinc-50 dark:bg-zinc-900', className)} {...props} />;
}

export function TBody({ className, ...props }: ComponentProps<'tbody'>) {
  return (
    <tbody
      className={cn(
        'divide-y divide-zinc-200 bg-white dark:divide-zinc-800 dark:bg-zinc-950',
        className,
      )}
      {...props}
    />
  );
}

export function TR(props: ComponentProps<'tr'>) {
  return <tr {...props} />;
}

export function TH({ className, scope = 'col', ...props }: ComponentProps<'th'>) {
  return (
    <th
      scope={scope}
      className={cn(
        'px-3 py-2.5 text-left font-semibold whitespace-nowrap text-zinc-700 dark:text-zinc-300',
        className,
      )}
      {...props}
    />
  );
}

export function TD({ className, ...props }: ComponentProps<'td'>) {
  return (
    <td className={cn('px-3 py-2.5 text-zinc-700 dark:text-zinc-300', className)} {...props} />
  );
}
