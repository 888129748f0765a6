import { useEffect, useRef, useState } from 'react';
import { Link, Navigate, Outlet, useLocation, useNavigation } from 'react-router';

import { CloseIcon, Logo, MenuIcon } from '@/components/icons';
import { ThemeToggle } from '@/components/theme-toggle';
import { paths } from '@/config/paths';
import { useAppStatusStream } from '@/features/apps/hooks/use-app-status-stream';
import { useCurrentUser } from '@/lib/auth';

import { SideNav } from './side-nav';
import { UserMenu } from './user-menu';

/** The signed-in frame: sidebar (a drawer on phones), top bar with theme toggle and user menu. */
export function AppLayout() {
  const { data: user } = useCurrentUser();
  const [drawerOpen, setDrawerOpen] = useState(false);
  const navigation = useNavigation();
  const location = useLocation();
  const mainRef = useRef<HTMLElement>(null);
  const firstRender = useRef(true);

  // Live app status for every page of the signed-in app.
  useAppStatusStream(Boolean(user));

  // After in-app navigation, move focus to the page so screen readers announce it.
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    mainRef.current?.focus({ preventScroll: true });
  }, [location.pathname]);

  useEffect(() => {
    if (!drawerOpen) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') setDrawerOpen(false);
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [drawerOpen]);

  if (!user) return null; // RequireAuth renders this layout only with a user

  // A role requires 2FA and it is not on yet: the server refuses everything else until it is.
  if (user.two_factor_enrollment_required && location.pathname !== paths.account.path) {
    return <Navigate to={paths.account.getHref()} replace />;
  }

  return (
    <div className="min-h-dvh bg-zinc-50 text-zinc-900 dark:bg-zinc-950 dark:text-zinc-100">
      <a
        href="#main"
        className="sr-only z-50 rounded-md bg-white px-3 py-2 text-sm font-medium focus:not-sr-only focus:fixed focus:top-2 focus:left-2 dark:bg-zinc-900"
      >
        Skip to content
      </a>
      {navigation.state === 'loading' && (
        <div
          className="fixed inset-x-0 top-0 z-50 h-0.5 animate-pulse bg-indigo-500"
          aria-hidden="true"
        />
      )}

      {/* Sidebar on wide screens */}
      <aside className="fixed inset-y-0 left-0 hidden w-60 flex-col border-r border-zinc-200 bg-white md:flex dark:border-zinc-800 dark:bg-zinc-900">
        <Link to={paths.dashboard.getHref()} className="flex h-14 items-center gap-2.5 px-5">
          <Logo className="size-7" />
          <span className="text-lg font-semibold tracking-tight">Kubarr</span>
        </Link>
        <SideNav user={user} />
      </aside>

      {/* Drawer on phones */}
      {drawerOpen && (
        <div className="fixed inset-0 z-40 md:hidden">
          <div
            className="absolute inset-0 bg-zinc-950/50"
            aria-hidden="true"
            onClick={() => setDrawerOpen(false)}
          />
          <aside
            id="mobile-nav"
            role="dialog"
            aria-modal="true"
            aria-label="Navigation"
            className="absolute inset-y-0 left-0 flex w-64 flex-col bg-white shadow-xl dark:bg-zinc-900"
          >
            <div className="flex h-14 items-center justify-between px-4">
              <span className="flex items-center gap-2.5">
                <Logo className="size-7" />
                <span className="text-lg font-semibold">Kubarr</span>
              </span>
              <button
                type="button"
                onClick={() => setDrawerOpen(false)}
                aria-label="Close navigation"
                className="rounded-md p-2 text-zinc-600 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800"
                autoFocus
              >
                <CloseIcon />
              </button>
            </div>
            <SideNav user={user} onNavigate={() => setDrawerOpen(false)} />
          </aside>
        </div>
      )}

      <div className="md:pl-60">
        <header className="sticky top-0 z-30 flex h-14 items-center gap-2 border-b border-zinc-200 bg-white/90 px-3 backdrop-blur sm:px-6 dark:border-zinc-800 dark:bg-zinc-900/90">
          <button
            type="button"
            className="rounded-md p-2 text-zinc-600 hover:bg-zinc-100 md:hidden dark:text-zinc-300 dark:hover:bg-zinc-800"
            aria-label="Open navigation"
            aria-expanded={drawerOpen}
            aria-controls="mobile-nav"
            onClick={() => setDrawerOpen(true)}
          >
            <MenuIcon />
          </button>
          <Link to={paths.dashboard.getHref()} className="flex items-center gap-2 md:hidden">
            <Logo className="size-6" />
            <span className="font-semibold">Kubarr</span>
          </Link>
          <div className="ml-auto flex items-center gap-1">
            <ThemeToggle />
            <UserMenu user={user} />
          </div>
        </header>
        <main
          id="main"
          ref={mainRef}
          tabIndex={-1}
          className="mx-auto max-w-7xl px-4 py-6 outline-none sm:px-6 lg:px-8"
        >
          <Outlet />
        </main>
      </div>
    </div>
  );
}
