// Query keys shared across features, so one feature's mutation can invalidate another's lists
// without importing it. Keys are hierarchical: invalidating ['apps'] also hits ['apps', name, …].

import type { AuditFilters } from './types';

export const queryKeys = {
  me: ['auth', 'me'] as const,
  sessions: ['auth', 'sessions'] as const,
  setupStatus: ['setup', 'status'] as const,
  apps: ['apps'] as const,
  appsList: ['apps', 'list'] as const,
  app: (name: string) => ['apps', 'detail', name] as const,
  appStatus: (name: string) => ['apps', 'detail', name, 'status'] as const,
  appPods: (name: string) => ['apps', 'detail', name, 'pods'] as const,
  appEvents: (name: string) => ['apps', 'detail', name, 'events'] as const,
  catalog: ['catalog'] as const,
  catalogList: ['catalog', 'list'] as const,
  catalogApp: (name: string) => ['catalog', 'app', name] as const,
  users: ['users'] as const,
  usersList: ['users', 'list'] as const,
  invites: ['invites'] as const,
  roles: ['roles'] as const,
  permissions: ['permissions'] as const,
  audit: ['audit'] as const,
  auditList: (filters: AuditFilters) => ['audit', 'list', filters] as const,
  settings: ['settings'] as const,
  gateway: ['gateway'] as const,
  gatewayOverview: ['gateway', 'overview'] as const,
  /** Under apps: an install, uninstall or access change refreshes the Apps home too. */
  openableApps: ['apps', 'openable'] as const,
  /** How the installed apps are wired to each other (the Stack page, an app's connections). */
  stack: ['stack'] as const,
  stackWiring: ['stack', 'wiring'] as const,
  appAccount: (name: string) => ['stack', 'account', name] as const,
};
