import { useEffect, useRef, useState, type ComponentType, type SVGProps } from 'react';
import {
  Link,
  Navigate,
  NavLink,
  Outlet,
  useLocation,
  useNavigate,
  useNavigation,
} from 'react-router';

import {
  AccountIcon,
  AuditIcon,
  CatalogIcon,
  ChevronDownIcon,
  CloseIcon,
  HomeIcon,
  InviteIcon,
  LogoutIcon,
  Logo,
  MenuIcon,
  RolesIcon,
  SettingsIcon,
  UsersIcon,
} from '@/components/icons';
import { ThemeToggle } from '@/components/theme-toggle';
import { useToast } from '@/components/ui/toast';
import { paths } from '@/config/paths';
import { useAppStatusStream } from '@/features/apps/hooks/use-app-status-stream';
import { useLogout } from '@/features/auth/api/logout';
import { canForAnyApp, can, useCurrentUser } from '@/lib/auth';
import type { CurrentUser } from '@/api/types';
import { cn } from '@/lib/cn';

interface NavItem {
  label: string;
  to: string;
  icon: ComponentType<SVGProps<SVGSVGElement>>;
  visible: (user: CurrentUser) => boolean;
}

/** Sections shown only to users whose permissions allow them. */
export const NAV_ITEMS: NavItem[] = [
  { label: 'Dashboard', to: paths.dashboard.getHref(), icon: HomeIcon, visible: () => true },
  {
    label: 'Catalog',
    to: paths.catalog.getHref(),
    icon: CatalogIcon,
    visible: (u) => canForAnyApp(u, 'apps.view'),
  },
  {
    label: 'Users',
    to: paths.users.getHref(),
    icon: UsersIcon,
    visible: (u) => can(u, 'users.view'),
  },
  {
    label: 'Invites',
    to: paths.invites.getHref(),
    icon: InviteIcon,
    visible: (u) => can(u, 'users.manage'),
  },
  {
    label: 'Roles',
    to: paths.roles.getHref(),
    icon: RolesIcon,
    visible: (u) => can(u, 'roles.view'),
  },
  {
    label: 'Audit log',
    to: paths.audit.getHref(),
    icon: AuditIcon,
    visible: (u) => can(u, 'audit.view'),
  },
  {
    label: 'Settings',
    to: paths.settings.getHref(),
    icon: SettingsIcon,
    visible: (u) => can(u, 'settings.view'),
  },
];

function SideNav({ user, onNavigate }: { user: CurrentUser; onNavigate?: () => void }) {
  return (
    <nav aria-label="Main" className="flex flex-col gap-1 p-3">
      {NAV_ITEMS.filter((item) => item.visible(user)).map(({ label, to, icon: Icon }) => (
        <NavLink
          key={to}
          to={to}
          end={to === '/'}
          onClick={onNavigate}
          className={({ isActive }) =>
            cn(
              'flex items-center gap-3 rounded-md px-3 py-2 text-sm font-medium focus-visible:outline-2 focus-visible:outline-indigo-600',
              isActive
                ? 'bg-indigo-50 text-indigo-700 dark:bg-indigo-950/60 dark:text-indigo-300'
                : 'text-zinc-700 hover:bg-zinc-100 hover:text-zinc-900 dark:text-zinc-300 dark:hover:bg-zinc-800 dark:hover:text-zinc-100',
            )
          }
        >
          <Icon />
          {label}
        </NavLink>
      ))}
    </nav>
  );
}

function UserMenu({ user }: { user: CurrentUser }) {
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
