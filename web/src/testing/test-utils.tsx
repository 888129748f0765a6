import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ReactElement } from 'react';
import { createMemoryRouter, RouterProvider, type RouteObject } from 'react-router';

import type { CurrentUser } from '@/api/types';
import { queryKeys } from '@/api/query-keys';
import { ToastProvider } from '@/components/ui/toast';
import { ThemeProvider } from '@/lib/theme';

export function createTestQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { retry: false, gcTime: Infinity, staleTime: Infinity },
      mutations: { retry: false },
    },
  });
}

export function makeUser(overrides: Partial<CurrentUser> = {}): CurrentUser {
  return {
    id: 1,
    username: 'alice',
    email: 'alice@example.test',
    roles: ['admin'],
    permissions: [],
    app_permissions: {},
    totp_enabled: false,
    two_factor_enrollment_required: false,
    ...overrides,
  };
}

interface RenderOptions {
  /** Where the memory router starts. */
  route?: string;
  /** The route path `ui` is mounted at (default: the pathname of `route`). */
  path?: string;
  /** Extra routes, e.g. the page a form navigates to. */
  routes?: RouteObject[];
  /** Pre-seeds GET /api/auth/me in the cache. */
  user?: CurrentUser | null;
  queryClient?: QueryClient;
}

/** Renders `ui` inside the app's providers and a memory router. */
export function renderWithProviders(ui: ReactElement, options: RenderOptions = {}) {
  const route = options.route ?? '/';
  const queryClient = options.queryClient ?? createTestQueryClient();
  if (options.user !== undefined) queryClient.setQueryData(queryKeys.me, options.user);
  const router = createMemoryRouter(
    [{ path: options.path ?? route.split('?')[0], element: ui }, ...(options.routes ?? [])],
    { initialEntries: [route] },
  );
  const user = userEvent.setup();
  const result = render(
    <ThemeProvider>
      <QueryClientProvider client={queryClient}>
        <ToastProvider>
          <RouterProvider router={router} />
        </ToastProvider>
      </QueryClientProvider>
    </ThemeProvider>,
  );
  return { ...result, user, router, queryClient };
}
