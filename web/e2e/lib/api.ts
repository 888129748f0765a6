// Talking to the server under test directly, for what a journey needs but does not test: an
// app installed before the journey starts, a user to sign in as, clean-up afterwards. The
// journeys themselves go through the browser.
import { expect, request, type APIRequestContext, type APIResponse } from '@playwright/test';

import type { components } from '../../src/api/schema.gen';

type Schemas = components['schemas'];
export type InstalledApp = Schemas['AppStatus'];
export type Role = Schemas['RoleResponse'];
export type User = Schemas['UserResponse'];

/** Every state-changing request needs it with a cookie session. */
const CSRF = { 'X-Kubarr-Csrf': '1' };

export async function apiContext(
  baseURL: string,
  storageState?: string,
): Promise<APIRequestContext> {
  return request.newContext({ baseURL, storageState, extraHTTPHeaders: CSRF });
}

async function json<T>(response: APIResponse, what: string): Promise<T> {
  if (!response.ok()) {
    throw new Error(`${what}: HTTP ${response.status()} ${await response.text()}`);
  }
  return (await response.json()) as T;
}

export async function listApps(api: APIRequestContext): Promise<InstalledApp[]> {
  return json(await api.get('/api/apps'), 'GET /api/apps');
}

/** Installs `app` with its chart's defaults and waits until every pod is Ready. */
export async function installApp(api: APIRequestContext, app: string): Promise<void> {
  await json(await api.post('/api/apps/install', { data: { app_name: app } }), `install ${app}`);
  await expect
    .poll(
      async () => {
        const found = (await listApps(api)).find((candidate) => candidate.name === app);
        return found && `${found.state} ${found.ready_pods}/${found.total_pods}`;
      },
      { message: `${app} to be Running with every pod Ready`, timeout: 240_000 },
    )
    .toMatch(/^installed (\d+)\/\1$/);
}

/** Uninstalls `app` with its data (when installed) and waits until it is gone. */
export async function uninstallApp(api: APIRequestContext, app: string): Promise<void> {
  const installed = async () => (await listApps(api)).some((candidate) => candidate.name === app);
  if (!(await installed())) return;
  const response = await api.delete(`/api/apps/${app}?delete_data=true`);
  // 409: an operation is already under way (an uninstall the journey started, say).
  if (!response.ok() && response.status() !== 409) {
    throw new Error(`uninstall ${app}: HTTP ${response.status()} ${await response.text()}`);
  }
  await expect
    .poll(installed, { message: `${app} to be uninstalled`, timeout: 180_000 })
    .toBe(false);
}

export async function roleId(api: APIRequestContext, name: string): Promise<number> {
  const roles = await json<Role[]>(await api.get('/api/roles'), 'GET /api/roles');
  const role = roles.find((candidate) => candidate.name === name);
  if (!role) throw new Error(`no role named ${name}`);
  return role.id;
}

export async function createUser(
  api: APIRequestContext,
  user: { username: string; email: string; password: string; role: string },
): Promise<User> {
  const data = {
    username: user.username,
    email: user.email,
    password: user.password,
    role_ids: [await roleId(api, user.role)],
  };
  return json(await api.post('/api/users', { data }), `create user ${user.username}`);
}

export async function getSetting(api: APIRequestContext, key: string): Promise<unknown> {
  const settings = await json<{ key: string; value: unknown }[]>(
    await api.get('/api/settings'),
    'GET /api/settings',
  );
  return settings.find((setting) => setting.key === key)?.value;
}

export async function putSetting(api: APIRequestContext, key: string, value: unknown) {
  await json(await api.put(`/api/settings/${key}`, { data: { value } }), `PUT setting ${key}`);
}

export async function deleteUser(api: APIRequestContext, id: number): Promise<void> {
  const response = await api.delete(`/api/users/${id}`);
  if (!response.ok() && response.status() !== 404) {
    throw new Error(`delete user ${id}: HTTP ${response.status()} ${await response.text()}`);
  }
}

export async function findUser(api: APIRequestContext, username: string): Promise<User | null> {
  const page = await json<Schemas['Page_UserResponse']>(
    await api.get('/api/users?limit=200'),
    'GET /api/users',
  );
  return page.items.find((user) => user.username === username) ?? null;
}

/** A role with `permissions` globally and `grants` for single apps; its id. */
export async function createRole(
  api: APIRequestContext,
  role: { name: string; permissions: string[]; grants: { app_name: string; permission: string }[] },
): Promise<number> {
  const data = { name: role.name, permissions: role.permissions, app_grants: role.grants };
  const created = await json<Role>(
    await api.post('/api/roles', { data }),
    `create role ${role.name}`,
  );
  return created.id;
}

export async function deleteRole(api: APIRequestContext, name: string): Promise<void> {
  const roles = await json<Role[]>(await api.get('/api/roles'), 'GET /api/roles');
  const role = roles.find((candidate) => candidate.name === name);
  if (!role) return;
  const response = await api.delete(`/api/roles/${role.id}`);
  if (!response.ok() && response.status() !== 404) {
    throw new Error(`delete role ${name}: HTTP ${response.status()} ${await response.text()}`);
  }
}
