// The one way the SPA talks to the Kubarr API: a client typed by the server's OpenAPI document.
//
// - `apiClient.GET('/api/apps/{app}/pods', { params: { path: { app } } })`: paths, path and query
//   parameters and request bodies are checked against `src/api/schema.gen.ts` (generated from
//   docs/openapi.json), and so are the response types. `unwrap` turns the result into the body or
//   a thrown `ApiError`.
// - The session is an HttpOnly SameSite=Strict cookie set by the server at login, so requests use
//   `credentials: 'same-origin'` and send no Authorization header: the SPA never holds a token
//   (Bearer tokens are for API clients and the CLI).
// - Every state-changing request carries `X-Kubarr-Csrf: 1`, which the server requires for
//   cookie-authenticated writes.
// - Failures become an `ApiError` parsed from the contract's `{"error":{"code","message","field"}}`.
// - A 401 sends the user to /login?redirect=<where they were> (unless the caller opts out).

import createClient, { type Middleware } from 'openapi-fetch';

import { isErrorCode } from '@/api/enums';
import type { paths as ApiPaths } from '@/api/schema.gen';
import type { ErrorCode } from '@/api/types';
import { paths, publicPaths } from '@/config/paths';

export const CSRF_HEADER = 'X-Kubarr-Csrf';

/**
 * The server's error codes (the OpenAPI document's `ErrorCode`), plus the ones the client makes
 * up itself: `network_error` (no answer) and `http_<status>` (an answer without the envelope, or
 * with a code this build does not know — a newer server's).
 */
export type ApiErrorCode = ErrorCode | 'network_error' | `http_${number}`;

export class ApiError extends Error {
  override readonly name = 'ApiError';
  /** HTTP status; 0 when the server could not be reached at all. */
  readonly status: number;
  /** The contract's snake_case error code, e.g. `invalid_credentials`. */
  readonly code: ApiErrorCode;
  /** The input field the error is about, when the server names one (a dotted path). */
  readonly field: string | undefined;
  /** Seconds to wait before retrying, from the `Retry-After` header (429, 503). */
  readonly retryAfterSeconds: number | undefined;

  constructor(init: {
    status: number;
    code: ApiErrorCode;
    message: string;
    field?: string | undefined;
    retryAfterSeconds?: number | undefined;
  }) {
    super(init.message);
    this.status = init.status;
    this.code = init.code;
    this.field = init.field;
    this.retryAfterSeconds = init.retryAfterSeconds;
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

/** A message fit for the user, whatever was thrown. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error && error.message) return error.message;
  return 'Something went wrong. Please try again.';
}

/**
 * `Retry-After` is either delay-seconds or an HTTP date. Returns whole seconds (≥ 0), or
 * undefined when the header is absent or unreadable.
 */
export function parseRetryAfter(
  value: string | null,
  now: number = Date.now(),
): number | undefined {
  if (value == null) return undefined;
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  if (/^\d+$/.test(trimmed)) return Number.parseInt(trimmed, 10);
  // An HTTP date always names a weekday or month ("Sun, 01 Mar 2026 12:00:00 GMT").
  if (!/[A-Za-z]/.test(trimmed)) return undefined;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - now) / 1000));
}

const STATUS_MESSAGES: Record<number, string> = {
  400: 'The request was not valid.',
  401: 'Your session has ended. Please sign in again.',
  403: 'You are not allowed to do that.',
  404: 'Not found.',
  409: 'That conflicts with the current state. Refresh and try again.',
  413: 'The request is too large.',
  422: 'Some values are not valid.',
  429: 'Too many requests. Please wait and try again.',
  503: 'A service Kubarr depends on is unavailable. Try again shortly.',
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Builds an ApiError from a failed response and its body (already parsed as JSON when it was
 * JSON). A body that is not the contract envelope (a proxy's error page, say) keeps a message
 * based on the status.
 */
export function toApiError(response: Response, body: unknown): ApiError {
  let code: ApiErrorCode = `http_${response.status}`;
  let message =
    STATUS_MESSAGES[response.status] ??
    `The server answered with an error (HTTP ${response.status}).`;
  let field: string | undefined;
  if (isRecord(body) && isRecord(body.error)) {
    const err = body.error;
    if (isErrorCode(err.code)) code = err.code;
    if (typeof err.message === 'string' && err.message) message = err.message;
    if (typeof err.field === 'string' && err.field) field = err.field;
  }
  return new ApiError({
    status: response.status,
    code,
    message,
    field,
    retryAfterSeconds: parseRetryAfter(response.headers.get('Retry-After')),
  });
}

// ---- 401 handling ------------------------------------------------------------------------------

type UnauthorizedHandler = (loginHref: string) => void;

const defaultUnauthorizedHandler: UnauthorizedHandler = (href) => {
  window.location.assign(href);
};

let unauthorizedHandler: UnauthorizedHandler = defaultUnauthorizedHandler;

/** The router installs a handler that navigates without a reload; tests install spies. */
export function setUnauthorizedHandler(handler: UnauthorizedHandler | null): void {
  unauthorizedHandler = handler ?? defaultUnauthorizedHandler;
}

function handleUnauthorized(): void {
  const { pathname, search, hash } = window.location;
  if (publicPaths.includes(pathname)) return;
  unauthorizedHandler(paths.login.getHref(`${pathname}${search}${hash}`));
}

// ---- the client --------------------------------------------------------------------------------

/** Query strings leave out absent and empty values (an empty filter means "no filter"). */
function serializeQuery(query: Record<string, unknown>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      params.set(key, String(value));
    }
  }
  return params.toString();
}

const csrf: Middleware = {
  onRequest({ request }) {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      request.headers.set(CSRF_HEADER, '1');
    }
    return request;
  },
};

const networkError: Middleware = {
  onError({ error }) {
    // An abort is the caller's own doing: returning nothing lets it through unchanged.
    if (error instanceof DOMException && error.name === 'AbortError') return;
    return new ApiError({
      status: 0,
      code: 'network_error',
      message: 'Could not reach the Kubarr server. Check your connection and try again.',
    });
  },
};

/**
 * The typed client. Its paths are the document's (`/api/...`). Requests are built as absolute
 * URLs on this page's origin, so the same code runs in the browser and under jsdom.
 */
export const apiClient = createClient<ApiPaths>({
  baseUrl: window.location.origin,
  credentials: 'same-origin',
  headers: { Accept: 'application/json' },
  querySerializer: serializeQuery,
  // Looked up on every call (not captured once), so tests can stub the global fetch.
  fetch: (request) => globalThis.fetch(request),
});
apiClient.use(csrf, networkError);

export interface CallOptions {
  /** Don't redirect to /login on 401 (login itself, the session probe, public pages' calls). */
  skipAuthRedirect?: boolean;
}

/** What openapi-fetch resolves with: `data` on success, `error` (the parsed body) otherwise. */
interface ClientResult {
  data?: unknown;
  error?: unknown;
  response: Response;
}

/** The success branch's body type; `undefined` for a response without content (204). */
type SuccessData<R> = R extends { data: infer D; error?: never }
  ? [D] extends [never]
    ? undefined
    : D
  : never;

/**
 * The body of a successful call (undefined for 204), or an `ApiError` thrown for a failed one.
 *
 * ```ts
 * const pods = await unwrap(apiClient.GET('/api/apps/{app}/pods', { params: { path: { app } } }));
 * ```
 */
export async function unwrap<R extends ClientResult>(
  pending: Promise<R>,
  options: CallOptions = {},
): Promise<SuccessData<R>> {
  const result = await pending;
  if (result.response.ok) {
    // openapi-fetch's result type does not tie `data` to `response.ok`; this check does.
    return result.data as SuccessData<R>;
  }
  if (result.response.status === 401 && !options.skipAuthRedirect) handleUnauthorized();
  throw toApiError(result.response, result.error);
}

type GetPath = {
  [P in keyof ApiPaths]: ApiPaths[P] extends { get: unknown } ? P : never;
}[keyof ApiPaths];

type PathParams<P extends GetPath> = ApiPaths[P]['get'] extends {
  parameters: { path: infer Params };
}
  ? Params
  : never;

/**
 * The URL of a GET endpoint for the browser to load itself (`<img src>`, `EventSource`), with
 * its path parameters encoded: `apiHref('/api/apps/catalog/{app}/icon', { app })`.
 */
export function apiHref<P extends GetPath>(
  ...[path, params]: PathParams<P> extends never ? [P] : [P, PathParams<P>]
): string {
  const values = (params ?? {}) as Record<string, string | number>;
  return path.replace(/\{([^}]+)\}/g, (_, name: string) =>
    encodeURIComponent(String(values[name])),
  );
}
