import { useEffect, useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router';

import type { CurrentUser } from '@/api/types';
import { AccountIcon, ChevronDownIcon, LogoutIcon } from '@/components/icons';
import { useToast } from '@/components/ui/toast';
import { paths } from '@/config/paths';
import { useLogout } from '@/features/auth/api/logout';

/**
 * The account button in the top bar: who is signed in, a link to the account page and Sign out.
 * Closes on Escape (focus back on the button) and on a click outside.
 */
export function UserMenu({ user }: { user: CurrentUser }) {
  const [open, setOpen] = useState(false);
  const containerRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const navigate = useNavigate();
  const { toast } = useToast();
  const logout = useLogout({
    onSettled: () => {
      toast({ title: 'Signed out' });
      void navigate(paths.login.getHref(), { replace: true });
    },
  });

  useEffect(() => {
    if (!open) return;
    const onPointer = (event: PointerEvent) => {
      if (!containerRef.current?.contains(event.target as Node)) setOpen(false);
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') {
        setOpen(false);
        buttonRef.current?.focus();
      }
    };
    document.addEventListener('pointerdown', onPointer);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('pointerdown', onPointer);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  const item =
    'flex w-full items-center gap-2.5 rounded-md px-3 py-2 text-left text-sm text-zinc-700 hover:bg-zinc-100 focus-visible:outline-2 focus-visible:outline-indigo-600 dark:text-zinc-200 dark:hover:bg-zinc-800';

  return (
    <div ref={containerRef} className="relative">
      <button
        ref={buttonRef}
        type="button"
        aria-expanded={open}
        aria-controls="user-menu"
        onClick={() => setOpen((value) => !value)}
        className="flex items-center gap-2 rounded-md px-2 py-1.5 text-sm font-medium text-zinc-700 hover:bg-zinc-100 focus-visible:outline-2 focus-visible:outline-indigo-600 dark:text-zinc-200 dark:hover:bg-zinc-800"
      >
        <span
          aria-hidden="true"
          className="flex size-7 items-center justify-center rounded-full bg-indigo-600 text-xs font-semibold text-white uppercase"
        >
          {user.username.charAt(0)}
        </span>
        <span className="hidden max-w-32 truncate sm:inline">{user.username}</span>
        <span className="sr-only">Account menu</span>
        <ChevronDownIcon className="size-4" />
      </button>
      {open && (
        <div
          id="user-menu"
          className="absolute right-0 z-40 mt-2 w-60 rounded-lg bg-white p-1.5 shadow-lg ring-1 ring-zinc-200 dark:bg-zinc-900 dark:ring-zinc-800"
        >
          <div className="border-b border-zinc-200 px-3 py-2 dark:border-zinc-800">
            <p className="truncate text-sm font-medium">{user.username}</p>
            <p className="truncate text-xs text-zinc-500 dark:text-zinc-400">{user.email}</p>
          </div>
          <ul className="pt-1">
            <li>
              <Link to={paths.account.getHref()} className={item} onClick={() => setOpen(false)}>
                <AccountIcon />
                Account
              </Link>
            </li>
            <li>
              <button
                type="button"
                className={item}
                disabled={logout.isPending}
                onClick={() => logout.mutate()}
              >
                <LogoutIcon />
                {logout.isPending ? 'Signing out…' : 'Sign out'}
              </button>
            </li>
          </ul>
        </div>
      )}
    </div>
  );
}
