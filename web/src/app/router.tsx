import type { ComponentType } from 'react';
import { createBrowserRouter, type RouteObject } from 'react-router';

import { Spinner } from '@/components/ui/spinner';
import { paths } from '@/config/paths';
import { RequireAuth } from '@/lib/auth';

import { AppLayout } from './layouts/app-layout';
import { RouteError } from './route-error';

type RouteModule = () => Promise<{ default: ComponentType }>;

/** A lazily loaded page with its own error boundary. */
function page(load: RouteModule): Pick<RouteObject, 'lazy' | 'errorElement'> {
  return {
    lazy: async () => ({ Component: (await load()).default }),
    errorElement: <RouteError />,
  };
}

function InitialLoad() {
  return (
    <div className="flex min-h-dvh items-center justify-center">
      <Spinner size="lg" label="Loading Kubarr" />
    </div>
  );
}

const pages: RouteObject[] = [
  { path: paths.setup.path, ...page(() => import('./routes/setup')) },
  { path: paths.login.path, ...page(() => import('./routes/login')) },
  { path: paths.register.path, ...page(() => import('./routes/register')) },
  {
    element: <RequireAuth />,
    errorElement: <RouteError />,
    children: [
      {
        element: <AppLayout />,
        errorElement: <RouteError />,
        children: [
          { index: true, ...page(() => import('./routes/dashboard')) },
          { path: paths.appsHome.path, ...page(() => import('./routes/apps-home')) },
          { path: paths.catalog.path, ...page(() => import('./routes/catalog')) },
          { path: paths.stack.path, ...page(() => import('./routes/stack')) },
          { path: paths.app.path, ...page(() => import('./routes/app-detail')) },
          { path: paths.users.path, ...page(() => import('./routes/users')) },
          { path: paths.invites.path, ...page(() => import('./routes/invites')) },
          { path: paths.roles.path, ...page(() => import('./routes/roles')) },
          { path: paths.audit.path, ...page(() => import('./routes/audit')) },
          { path: paths.settings.path, ...page(() => import('./routes/settings')) },
          { path: paths.account.path, ...page(() => import('./routes/account')) },
        ],
      },
    ],
  },
  { path: '*', ...page(() => import('./routes/not-found')) },
];

/** All routes, under a root that shows a spinner while the first page's chunk loads. */
export const routes: RouteObject[] = [
  { id: 'root', HydrateFallback: InitialLoad, errorElement: <RouteError />, children: pages },
];

export function createAppRouter() {
  return createBrowserRouter(routes);
}
