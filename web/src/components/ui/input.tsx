import type { ComponentProps } from 'react';

import { cn } from '@/lib/cn';

export const controlClasses = cn(
  'block w-full rounded-md border-0 bg-white px-3 py-2 text-sm text-zinc-900 shadow-xs',
  'ring-1 ring-inset ring-zinc-300 placeholder:text-zinc-400',
  'focus:ring-2 focus:ring-inset focus:ring-indigo-600 focus:outline-none',
  'disabled:cursor-not-allowed disabled:bg-zinc-100 disabled:text-zinc-500',
  'aria-[invalid=true]:ring-red-500 aria-[invalid=true]:focus:ring-red-600',
  'dark:bg-zinc-900 dark:text-zinc-100 dark:ring-zinc-700 dark:placeholder:text-zinc-500 dark:disabled:bg-zinc-800',
);

export function Input({ className, ...props }: ComponentProps<'input'>) {
  return <input className={cn(controlClasses, 'h-10', className)} {...props} />;
}

export function Select({ className, ...props }: ComponentProps<'select'>) {
  return <select className={cn(controlClasses, 'h-10 pr-8', className)} {...props} />;
}

export function Textarea({ className, ...props }: ComponentProps<'textarea'>) {
  return <textarea className={cn(controlClasses, 'min-h-20 font-mono', className)} {...props} />;
}
