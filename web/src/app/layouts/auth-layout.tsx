import type { ReactNode } from 'react';

import { Logo } from '@/components/icons';
import { ThemeToggle } from '@/components/theme-toggle';

/** The frame of the signed-out pages: setup, login, register. */
export function AuthLayout({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div className="flex min-h-dvh flex-col bg-zinc-50 dark:bg-zinc-950">
      <title>{`${title} · Kubarr`}</title>
      <div className="flex justify-end p-3">
        <ThemeToggle />
      </div>
      <main className="flex flex-1 flex-col items-center px-4 pb-16 sm:justify-center sm:pb-24">
        <div className="mb-6 flex items-center gap-2.5">
          <Logo className="size-9" />
          <span className="text-xl font-semibold tracking-tight">Kubarr</span>
        </div>
        <div className="w-full max-w-sm rounded-xl bg-white p-6 shadow-sm ring-1 ring-zinc-200 sm:p-8 dark:bg-zinc-900 dark:ring-zinc-800">
          {children}
        </div>
      </main>
    </div>
  );
}
