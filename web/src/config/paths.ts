// Every route of the SPA in one place. Components build links with `paths.x.getHref()` instead of
// string literals, so a route can move without hunting for its callers.

export const paths = {
  setup: { path: '/setup', getHref: () => '/setup' },
  login: {
    path: '/login',
    getHref: (redirect?: string | null) =>
      redirect && redirect !== '/' ? `/login?redirect=${encodeURIComponent(redirect)}` : '/login',
  },
  register: {
    path: '/register',
    getHref: (invite?: string) =>
      invite ? `/register?invite=${encodeURIComponent(invite)}` : '/register',
  },
  dashboard: { path: '/', getHref: () => '/' },
  /** The apps the user may open (every member's home; the landing page without apps.view). */
  appsHome: { path: '/apps', getHref: () => '/apps' },
  catalog: { path: '/catalog', getHref: () => '/catalog' },
  /** How the installed apps are connected to each other. */
  stack: { path: '/stack', getHref: () => '/stack' },
  app: {
    path: '/apps/:name',
    getHref: (name: string) => `/apps/${encodeURIComponent(name)}`,
  },
  users: { path: '/users', getHref: () => '/users' },
  invites: { path: '/invites', getHref: () => '/invites' },
  roles: { path: '/roles', getHref: () => '/roles' },
  audit: { path: '/audit', getHref: () => '/audit' },
  settings: { path: '/settings', getHref: () => '/settings' },
  account: { path: '/account', getHref: () => '/account' },
} as const;

/** Pages reachable without a session; a 401 there must not bounce the user to /login again. */
export const publicPaths: readonly string[] = [
  paths.setup.path,
  paths.login.path,
  paths.register.path,
];

/**
 * Accepts a `?redirect=` value only when it is a same-origin absolute path, so a crafted link
 * cannot send a user elsewhere after login. Anything else falls back to the dashboard.
 */
export function safeRedirect(target: string | null | undefined): string {
  if (!target?.startsWith('/') || target.startsWith('//') || target.startsWith('/\\')) {
    return paths.dashboard.getHref();
  }
  const pathname = target.split(/[?#]/)[0] ?? '';
  if (publicPaths.includes(pathname)) return paths.dashboard.getHref();
  return target;
}
