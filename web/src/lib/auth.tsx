// The signed-in user and what they may do.
//
// The session lives in an HttpOnly cookie, so "am I signed in?" is answered by GET /api/auth/me:
// a user object, or 401 (→ null here). Permissions follow the contract rule: a user may use
// permission P on app A when any of their roles holds P globally or for A.

import { queryOptions, useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Navigate, Outlet, useLocation } from 'react-router';

import { queryKeys } from '@/api/query-keys';
import type { CurrentUser, Permission } from '@/api/types';
import { Button } from '@/components/ui/button';
import { Spinner } from '@/components/ui/spinner';
import { paths } from '@/config/paths';
import { apiClient, isApiError, unwrap } from '@/lib/api-client';

/** A permission from the contract, or any newer name the server may add. */
export type PermissionName = Permission | (string & {});

export async function getCurrentUser(signal?: AbortSignal): Promise<CurrentUser | null> {
  try {
    return await unwrap(apiClient.GET('/api/auth/me', { signal }), { skipAuthRedirect: true });
  } catch (error) {
    if (isApiError(error) && error.status === 401) return null;
    throw error;
  }
}

export const currentUserQueryOptions = () =>
  queryOptions({
    queryKey: queryKeys.me,
    queryFn: ({ signal }) => getCurrentUser(signal),
    staleTime: 5 * 60_000,
  });

export function useCurrentUser() {
  return useQuery(currentUserQueryOptions());
}

/** True when `user` holds `permission` globally, or — when `app` is given — for that app. */
export function can(
  user: CurrentUser | null | undefined,
  permission: PermissionName,
  app?: string,
): boolean {
  if (!user) return false;
  if ((user.permissions as readonly string[]).includes(permission)) return true;
  if (app === undefined) return false;
  return Object.hasOwn(user.app_permissions, app)
    ? ((user.app_permissions[app] as readonly string[] | undefined)?.includes(permission) ?? false)
    : false;
}

/** True when `user` holds `permission` globally or for at least one app (e.g. to show a nav entry). */
export function canForAnyApp(user: CurrentUser | null | undefined, permission: PermissionName) {
  if (!user) return false;
  if ((user.permissions as readonly string[]).includes(permission)) return true;
  return Object.values(user.app_permissions).some((perms) =>
    (perms as readonly string[]).includes(permission),
  );
}

export function useAuthorization() {
  const { data: user } = useCurrentUser();
  return {
    user: user ?? null,
    can: (permission: PermissionName, app?: string) => can(user, permission, app),
    canForAnyApp: (permission: PermissionName) => canForAnyApp(user, permission),
  };
}

/** Renders `children` only when the user may; otherwise `fallback` (nothing by default). */
export function Authorized({
  permission,
  app,
  anyApp = false,
  fallback = null,
  children,
}: {
  permission: PermissionName;
  app?: string;
  /** Accept a grant for any app (for entry points that list several apps). */
  anyApp?: boolean;
  fallback?: ReactNode;
  children: ReactNode;
}) {
  const { can: allowed, canForAnyApp: allowedSomewhere } = useAuthorization();
  const ok = anyApp ? allowedSomewhere(permission) : allowed(permission, app);
  return <>{ok ? children : fallback}</>;
}

/** Route guard: renders the nested routes for a signed-in user, else goes to /login?redirect=…. */
export function RequireAuth() {
  const location = useLocation();
  const { data: user, isPending, isError, error, refetch } = useCurrentUser();

  if (isPending) {
    return (
      <div className="flex min-h-dvh items-center justify-center">
        <Spinner label="Loading your session" />
      </div>
    );
  }
  if (isError) {
    return (
      <div role="alert" className="mx-auto max-w-md p-8 text-center">
        <p className="font-medium">Kubarr could not load your session.</p>
        <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
          {error instanceof Error ? error.message : 'Unknown error'}
        </p>
        <Button className="mt-4" onClick={() => void refetch()}>
          Try again
        </Button>
      </div>
    );
  }
  if (!user) {
    const here = `${location.pathname}${location.search}${location.hash}`;
    return <Navigate to={paths.login.getHref(here)} replace />;
  }
  return <Outlet />;
}

/** Page guard: the page for users holding `permission`, else a plain "no access" message. */
export function RequirePermission({
  permission,
  anyApp = false,
  children,
}: {
  permission: PermissionName;
  anyApp?: boolean;
  children: ReactNode;
}) {
  return (
    <Authorized
      permission={permission}
      anyApp={anyApp}
      fallback={
        <div role="alert" className="rounded-lg border border-zinc-200 p-6 dark:border-zinc-800">
          <h1 className="text-lg font-semibold">You don’t have access to this page</h1>
          <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
            It needs the <code className="font-mono">{permission}</code> permission. Ask an
            administrator if you need it.
          </p>
        </div>
      }
    >
      {children}
    </Authorized>
  );
}
