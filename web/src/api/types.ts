// Hand-written types for the Kubarr REST API (see the API contract).
//
// The backend will publish its OpenAPI document at docs/openapi.json; `npm run gen:api` then writes
// src/api/schema.gen.ts. When that lands, replace the bodies below with aliases such as
//   export type InstalledApp = components['schemas']['InstalledApp'];
// Feature code imports only the names exported here, so the swap touches this one file.

/** Every permission name the contract defines (more may be added by the server). */
export type Permission =
  | 'users.view'
  | 'users.manage'
  | 'users.reset_password'
  | 'roles.view'
  | 'roles.manage'
  | 'apps.view'
  | 'apps.install'
  | 'apps.upgrade'
  | 'apps.restart'
  | 'apps.delete'
  | 'logs.view'
  | 'monitoring.view'
  | 'settings.view'
  | 'settings.manage'
  | 'audit.view'
  | 'notifications.view'
  | 'notifications.manage'
  | 'vpn.view'
  | 'vpn.manage';

/** The error envelope every failing endpoint returns. `field` is optional (added by some handlers). */
export interface ApiErrorBody {
  error: { code: string; message: string; field?: string };
}

// ---- setup ---------------------------------------------------------------------------------------

export interface SetupStatus {
  setup_required: boolean;
}

export interface SetupRequest {
  username: string;
  email: string;
  password: string;
}

// ---- auth ----------------------------------------------------------------------------------------

/** The user object returned next to a token (login, 2FA, setup). */
export interface UserSummary {
  id: number | string;
  username: string;
  email: string;
}

/** GET /api/auth/me */
export interface CurrentUser {
  id: number | string;
  username: string;
  email: string;
  roles: string[];
  permissions: string[];
  /** Per-app grants: app name → permissions held for that app only. */
  app_permissions: Record<string, string[]>;
  totp_enabled: boolean;
}

export interface LoginRequest {
  username: string;
  password: string;
}

export interface SessionGranted {
  token: string;
  expires_at: string;
  user: UserSummary;
}

export interface TwoFactorChallenge {
  requires_2fa: true;
  challenge_id: string;
  expires_at: string;
}

export type LoginResponse = SessionGranted | TwoFactorChallenge;

export interface VerifyTwoFactorRequest {
  challenge_id: string;
  code: string;
}

export interface RecoverTwoFactorRequest {
  challenge_id: string;
  recovery_code: string;
}

export interface RegisterRequest {
  invite_token: string;
  username: string;
  email: string;
  password: string;
}

// ---- apps ----------------------------------------------------------------------------------------

export type AppState =
  | 'not_installed'
  | 'installing'
  | 'installed'
  | 'degraded'
  | 'upgrading'
  | 'uninstalling'
  | 'error';

/** GET /api/apps item */
export interface InstalledApp {
  name: string;
  state: AppState;
  message: string;
  version: string;
  app_version: string;
  namespace: string;
  ready_pods: number;
  total_pods: number;
  updated_at: string;
}

/** GET /api/apps/catalog item */
export interface CatalogEntry {
  name: string;
  display_name: string;
  description: string;
  category: string;
  version: string;
  app_version: string;
  icon_url: string;
  installed: boolean;
}

/** A JSON Schema (draft-07) object as found in a chart's values.schema.json. */
export interface JsonSchema {
  $schema?: string;
  $id?: string;
  title?: string;
  description?: string;
  type?: JsonSchemaType | JsonSchemaType[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  additionalProperties?: boolean | JsonSchema;
  readOnly?: boolean;
  examples?: unknown[];
}

export type JsonSchemaType =
  'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean' | 'null';

/** GET /api/apps/catalog/{app}: one entry plus its values schema and default values. */
export interface CatalogAppDetail extends CatalogEntry {
  values_schema: JsonSchema | null;
  /** The chart's default values (values.yaml). Optional: schema defaults are used when absent. */
  default_values?: Record<string, unknown> | null;
}

export interface InstallRequest {
  app_name: string;
  values?: Record<string, unknown>;
}

export interface InstallAccepted {
  app_name: string;
  state: AppState;
}

/** The payload of an `app_status` server-sent event. */
export interface AppStatusEvent {
  name: string;
  state: AppState;
  message: string;
}
