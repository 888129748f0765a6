import type { ComponentType, SVGProps } from 'react';
import { NavLink } from 'react-router';

import type { CurrentUser } from '@/api/types';
import {
  AppsIcon,
  AuditIcon,
  CatalogIcon,
  HomeIcon,
  InviteIcon,
  RolesIcon,
  SettingsIcon,
  StackIcon,
  UsersIcon,
} from '@/components/icons';
import { paths } from '@/config/paths';
import { can, canForAnyApp } from '@/lib/auth';
import { cn } from '@/lib/cn';

interface NavItem {
  label: string;
  to: string;
  icon: ComponentType<SVGProps<SVGSVGElement>>;
  visible: (user: CurrentUser) => boolean;
}

/** Sections shown only to users whose permissions allow them. */
export const NAV_ITEMS: NavItem[] = [
  {
    label: 'Dashboard',
    to: paths.dashboard.getHref(),
    icon: HomeIcon,
    visible: (u) => canForAnyApp(u, 'apps.view'),
  },
  // Every member's page: the apps they may open through the gateway.
  { label: 'Apps', to: paths.appsHome.getHref(), icon: AppsIcon, visible: () => true },
  // How Kubarr connected the installed apps (download clients, indexers, root folders).
  {
    label: 'Stack',
    to: paths.stack.getHref(),
    icon: StackIcon,
    visible: (u) => canForAnyApp(u, 'apps.view'),
  },
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

/** The main navigation: the sections this user may open, the current one marked. */
export function SideNav({ user, onNavigate }: { user: CurrentUser; onNavigate?: () => void }) {
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
