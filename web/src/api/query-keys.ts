// Query keys shared across features, so one feature's mutation can invalidate another's lists
// without importing it. Keys are hierarchical: invalidating ['apps'] also hits ['apps', name, …].

export const queryKeys = {
  me: ['auth', 'me'] as const,
  setupStatus: ['setup', 'status'] as const,
  apps: ['apps'] as const,
  appsList: ['apps', 'list'] as const,
  catalog: ['catalog'] as const,
  catalogList: ['catalog', 'list'] as const,
  catalogApp: (name: string) => ['catalog', 'app', name] as const,
};
