// Types of the Kubarr REST API, as feature code sees them.
//
// Everything here is an alias of the schema generated from the server's OpenAPI document
// (`npm run gen:api` → schema.gen.ts; `npm run check:api` guards drift), so what the typed client
// (`lib/api-client.ts`) returns is what these names say, without casts. The few types of our own
// describe what the client parses itself: a chart's values schema (`lib/json-schema.ts`), the
// status events of the SSE stream, and the setting values the settings page edits. Feature code
// imports only the names exported here.

import type { components } from './schema.gen';

type Schemas = components['schemas'];

/** Every permission name the server knows. */
export type Permission = Schemas['Permission'];

/** The error envelope every failing endpoint returns; `field` names the input at fault. */
export type ApiErrorBody = Schemas['ErrorBody'];

/** Every error code the server may answer with. */
export type ErrorCode = Schemas['ErrorCode'];

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
export type TwoFactorChallenge = Schemas['TwoFactorChallenge'];
export type LoginResponse = Schemas['LoginResponse'];
export type VerifyTwoFactorRequest = Schemas['VerifyTwoFactorRequest'];
export type RecoverTwoFactorRequest = Schemas['RecoverTwoFactorRequest'];
export type RegisterRequest = Schemas['RegisterRequest'];
export type RegisterResponse = Schemas['RegisterResponse'];

// ---- apps ----------------------------------------------------------------------------------------

/** An app's live state (`installed` means every pod is Ready). */
export type AppState = Schemas['LiveState'];

/** An operation under way on an app. */
export type AppOperation = Schemas['AppOperation'];

/** GET /api/apps item */
export type InstalledApp = Schemas['AppStatus'];

/** GET /api/apps/{app}/status */
export type AppStatusResponse = Schemas['StatusResponse'];

/** The payload of an `app_status` server-sent event. */
export type AppStatusEvent = Schemas['AppStatusEvent'];

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

/**
 * GET /api/apps/catalog/{app}: one entry plus its values schema (read by `parseJsonSchema`, null
 * when the chart has none) and default values (the chart's values.yaml).
 */
export type CatalogAppDetail = Omit<Schemas['CatalogDetail'], 'values_schema'> & {
  values_schema: JsonSchema | null;
};

export type InstallRequest = Schemas['InstallRequest'];

/** 202 answer of install, upgrade, restart and uninstall. */
export type OperationAccepted = Schemas['OperationAccepted'];
export type InstallAccepted = OperationAccepted;

/** POST /api/apps/{app}/upgrade */
export type UpgradeRequest = Schemas['UpgradeRequest'];

/** GET /api/apps/{app}/pods item */
export type PodInfo = Schemas['PodInfo'];

/** GET /api/apps/{app}/events item (newest first) */
export type KubeEvent = Schemas['EventInfo'];

// ---- gateway -------------------------------------------------------------------------------------

/** How the gateway serves an app: Kubarr's sign-in (`gated`), the app's own (`native`), or `off`. */
export type AccessMode = Schemas['AccessMode'];

/** GET /api/gateway/apps item: an installed app the caller may open (the Apps home page). */
export type OpenableApp = Schemas['OpenableApp'];

/** POST /api/apps/{app}/launch */
export type LaunchRequest = Schemas['LaunchRequest'];
export type LaunchResponse = Schemas['LaunchResponse'];

/** GET /api/gateway: the gateway's set-up and each installed app's access (settings page). */
export type GatewayOverview = Schemas['GatewayOverview'];
export type GatewayAppAccess = Schemas['GatewayApp'];

/** PUT /api/apps/{app}/gateway-credentials (write-only: never returned). */
export type AppCredentialsRequest = Schemas['AppCredentialsRequest'];

// ---- pagination ----------------------------------------------------------------------------------

// Lists that can grow: `?limit=&cursor=` → `{items, next_cursor}`.
export type UserPage = Schemas['Page_UserResponse'];
export type InvitePage = Schemas['Page_InviteResponse'];
export type AuditPage = Schemas['Page_AuditEntry'];

// ---- account -------------------------------------------------------------------------------------

/** GET /api/auth/sessions item */
export type SessionInfo = Schemas['SessionResponse'];
export type TwoFactorSetup = Schemas['TwoFactorSetupResponse'];
export type TwoFactorEnabled = Schemas['RecoveryCodesResponse'];
export type ChangePasswordRequest = Schemas['ChangePasswordRequest'];
export type DisableTwoFactorRequest = Schemas['DisableTwoFactorRequest'];

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
export type AuditEntry = Schemas['AuditEntry'];

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

/**
 * GET /api/settings item: a known key with its effective value. The document calls every value
 * an object; they are booleans, strings, numbers or objects depending on the key, so readers
 * check them (`settings-model.ts`).
 */
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
