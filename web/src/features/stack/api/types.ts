// Types of the stack wiring API: how Kubarr connects the installed apps to each other (an arr to
// its download client, Prowlarr to the arrs, an arr to its root folder) and the state of each link.
//
// They mirror the server's `WiringGraph`, `WiringApp` and `WiringLink` schemas by hand, because the
// OpenAPI snapshot (docs/openapi.json → src/api/schema.gen.ts) does not describe these endpoints
// yet. Once it does: run `npm run gen:api`, alias the generated schemas in `src/api/types.ts`,
// delete this file and `stack-client.ts`, and call the endpoints through `apiClient` directly.

import type { ApiErrorBody } from '@/api/types';

/** What a link sets up. */
export type WiringKind = 'download-client' | 'root-folder' | 'application';

/** Where a link stands: being set up or checked, in place, changed in the app, refused, or off. */
export type WiringState = 'pending' | 'ok' | 'drifted' | 'failed' | 'disabled';

/** An installed app the caller may view. */
export interface WiringApp {
  name: string;
  display_name: string;
  /** The catalog category slug, e.g. `media-manager`. */
  category: string;
}

/** One link between two apps (or, for `root-folder`, between an app and its media folder). */
export interface WiringLink {
  /** e.g. `sonarr:download-client:qbittorrent`. */
  id: string;
  from: string;
  /** The same as `from` for a `root-folder` link. */
  to: string;
  kind: WiringKind;
  state: WiringState;
  /** The app's own error, in its words. */
  message: string | null;
  /** What the link sets up, e.g. "category tv, saves to /data/torrents/tv". */
  detail: string | null;
  /** When Kubarr last checked the link (RFC 3339). */
  checked_at: string | null;
  enabled: boolean;
  /** The caller holds apps.upgrade on both apps, so may repair, disable or enable the link. */
  can_manage: boolean;
}

/** GET /api/stack/wiring */
export interface WiringGraph {
  apps: WiringApp[];
  links: WiringLink[];
}

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
