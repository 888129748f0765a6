// Types of the stack wiring API: how Kubarr connects the installed apps to each other (an arr to
// its download client, Prowlarr to the arrs, an arr to its root folder) and the state of each link.
//
// The schemas come from the server's OpenAPI document (src/api/schema.gen.ts).

import type { ApiErrorBody } from '@/api/types';

import type { components } from '@/api/schema.gen';

type Schemas = components['schemas'];

/** What a link sets up. */
export type WiringKind = Schemas['LinkKind'];

/** Where a link stands: being set up or checked, in place, changed in the app, refused, or off. */
export type WiringState = Schemas['LinkState'];

/** An installed app the caller may view. */
export type WiringApp = Schemas['WiringApp'];

/** One link between two apps (or, for `root-folder`, between an app and its media folder). */
export type WiringLink = Schemas['WiringLink'];

/** GET /api/stack/wiring */
export type WiringGraph = Schemas['WiringGraph'];

/** GET /api/apps/{app}/account: whether Kubarr needs an administrator account of the app. */
export type AppAccount = Schemas['AppAccount'];

/** PUT /api/apps/{app}/account (the password is write-only). */
export type AppAccountRequest = Schemas['AppAccountRequest'];

/** PUT /api/stack/wiring/{id} */
export interface WiringLinkUpdate {
  enabled: boolean;
}

// ---- the endpoints, in the shape openapi-typescript generates (for the typed client) ----------

interface JsonContent<T> {
  headers: Record<string, unknown>;
  content: { 'application/json': T };
}

interface ErrorResponses {
  401: JsonContent<ApiErrorBody>;
  403: JsonContent<ApiErrorBody>;
  404: JsonContent<ApiErrorBody>;
}

interface NoParameters {
  query?: never;
  header?: never;
  path?: never;
  cookie?: never;
}

interface LinkParameters {
  query?: never;
  header?: never;
  path: { id: string };
  cookie?: never;
}

interface Unused {
  get?: never;
  put?: never;
  post?: never;
  delete?: never;
  options?: never;
  head?: never;
  patch?: never;
  trace?: never;
}

export interface StackApiPaths {
  '/api/stack/wiring': Omit<Unused, 'get'> & {
    parameters: NoParameters;
    /** The installed apps the caller may view and the links between them (apps.view). */
    get: {
      parameters: NoParameters;
      requestBody?: never;
      responses: { 200: JsonContent<WiringGraph> } & ErrorResponses;
    };
  };
  '/api/stack/wiring/{id}': Omit<Unused, 'put'> & {
    parameters: NoParameters;
    /** Turns a link on or off (apps.upgrade on both apps). */
    put: {
      parameters: LinkParameters;
      requestBody: { content: { 'application/json': WiringLinkUpdate } };
      responses: { 200: JsonContent<WiringLink> } & ErrorResponses;
    };
  };
  '/api/stack/wiring/{id}/repair': Omit<Unused, 'post'> & {
    parameters: NoParameters;
    /** Sets the link up again (apps.upgrade on both apps); it turns `pending`. */
    post: {
      parameters: LinkParameters;
      requestBody?: never;
      responses: { 202: JsonContent<WiringLink> } & ErrorResponses;
    };
  };
}
