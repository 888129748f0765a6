// Types of the Kubarr REST API, as feature code sees them.
//
// Everything here is an alias of the schema generated from the server's OpenAPI document
// (`npm run gen:api` → schema.gen.ts; `npm run check:api` guards drift). A few types narrow what
// the document can only say loosely: app states as a union (the server sends them as strings),
// free-form JSON as `unknown` (utoipa documents it as an empty object), and the login response's
// `requires_2fa: true` discriminant. Feature code imports only the names exported here.

import type { components } from './schema.gen';

type Schemas = components['schemas'];

/** Every permission name the server knows. */
export type Permission = Schemas['Permission'];

/** The error envelope every failing endpoint returns; `field` names the input at fault. */
export type ApiErrorBody = Schemas['ErrorBody'];

// ---- setup ---------------------------------------------------------------------------------------

export type SetupStatus = Schemas['SetupStatus'];
export type SetupRequest = Schemas['SetupRequest'];

// ---- auth ----------------------------------------------------------------------------------------

/** A user as returned next to a token (setup, login, 2FA) and by the users endpoints. */
export type User = Schemas['UserResponse'];
export type UserSummary = User;

/** GET /api/auth/me */
export type CurrentUser = Schemas['MeResponse'];

export type LoginRequest = Schemas['LoginRequest'];
export type SessionGranted = Schemas['SessionGranted'];
export type TwoFactorChallenge = Omit<Schemas['TwoFactorChallenge'], 'requires_2fa'> & {
  requires_2fa: true;
};
export type LoginResponse = SessionGranted | TwoFactorChallenge;
export type VerifyTwoFactorRequest = Schemas['VerifyTwoFactorRequest'];
export type RecoverTwoFactorRequest = Schemas['RecoverTwoFactorRequest'];
export type RegisterRequest = Schemas['RegisterRequest'];
export type RegisterResponse = Schemas['RegisterResponse'];

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
export type InstalledApp = Omit<Schemas['AppStatus'], 'state'> & { state: AppState };

/** GET /api/apps/{app}/status */
export type AppStatusResponse = Omit<Schemas['StatusResponse'], 'state'> & { state: AppState };

/** The payload of an `app_status` server-sent event. */
export type AppStatusEvent = Omit<Schemas['AppStatusEvent'], 'state'> & { state: AppState };

/** GET /api/apps/catalog item */
export type CatalogEntry = Schemas['CatalogItem'];

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
export type CatalogAppDetail = CatalogEntry & {
  values_schema: JsonSchema | null;
  /** The chart's default values (values.yaml). */
  default_values?: Record<string, unknown> | null;
};

export type InstallRequest = Omit<Schemas['InstallRequest'], 'values'> & {
  values?: Record<string, unknown>;
};

/** 202 answer of install, upgrade, restart and uninstall. */
export type OperationAccepted = Schemas['OperationAccepted'];
export type InstallAccepted = OperationAccepted;

/** POST /api/apps/{app}/upgrade */
export type UpgradeRequest = Omit<Schemas['UpgradeRequest'], 'values'> & {
  values?: Record<string, unknown>;
};

/** GET /api/apps/{app}/pods item */
export type PodInfo = Schemas['PodInfo'];

/** GET /api/apps/{app}/events item (newest first) */
export type KubeEvent = Schemas['EventInfo'];

// ---- pagination ----------------------------------------------------------------------------------

/** Lists that can grow: `?limit=&cursor=` → `{items, next_cursor}`. */
export interface Page<T> {
  items: T[];
  next_cursor?: string | null;
}

// ---- account -------------------------------------------------------------------------------------

/** GET /api/auth/sessions item */
export type SessionInfo = Schemas['SessionResponse'];
export type TwoFactorSetup = Schemas['TwoFactorSetupResponse'];
export type TwoFactorEnabled = Schemas['RecoveryCodesResponse'];
export type ChangePasswordRequest = Schemas['ChangePasswordRequest'];

// ---- users ---------------------------------------------------------------------------------------

export type CreateUserRequest = Schemas['CreateUserRequest'];
export type UpdateUserRequest = Schemas['UpdateUserRequest'];

// ---- invites -------------------------------------------------------------------------------------

export type CreateInviteRequest = Schemas['CreateInviteRequest'];
/** POST /api/invites → the only time the token is shown. */
export type InviteCreated = Schemas['CreatedInvite'];
/** GET /api/invites item (never the token). */
export type Invite = Schemas['InviteResponse'];

// ---- roles ---------------------------------------------------------------------------------------

export type PermissionInfo = Schemas['PermissionInfo'];
/** A per-app grant: a role holds `permission` for `app_name` only. */
export type AppGrant = Schemas['AppGrant'];
export type Role = Schemas['RoleResponse'];
export type CreateRoleRequest = Schemas['CreateRoleRequest'];
export type UpdateRoleRequest = Schemas['UpdateRoleRequest'];

// ---- audit ---------------------------------------------------------------------------------------

/** GET /api/audit item */
export type AuditEntry = Omit<Schemas['AuditEntry'], 'details'> & { details?: unknown };

/** GET /api/audit filters (all optional; times RFC 3339). */
export interface AuditFilters {
  action?: string;
  user_id?: number;
  resource_type?: string;
  since?: string;
  until?: string;
}

// ---- settings ------------------------------------------------------------------------------------

export type MediaStorageType = 'host_path' | 'nfs' | 'none';

export interface MediaStorage {
  type: MediaStorageType;
  host_path?: string | null;
  nfs_server?: string | null;
  nfs_path?: string | null;
}

/** GET /api/settings item: a known key with its effective value. */
export type Setting = Omit<Schemas['SettingResponse'], 'value'> & { value: unknown };

/** The typed values of the keys the settings page edits. */
export interface SettingValues {
  registration_enabled: boolean;
  registration_requires_approval: boolean;
  registration_default_role: string;
  session_idle_timeout_minutes: number;
  session_absolute_lifetime_hours: number;
  media_storage: MediaStorage;
  public_url: string | null;
}

export type SettingKey = keyof SettingValues;
