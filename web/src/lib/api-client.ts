// The one way the SPA talks to the Kubarr API.
//
// - Everything lives under /api; the session is an HttpOnly SameSite=Strict cookie set by the
//   server at login, so requests use `credentials: 'same-origin'` and the SPA stores no token.
// - Every state-changing request carries `X-Kubarr-Csrf: 1`, which the server requires for
//   cookie-authenticated writes.
// - Failures become an `ApiError` parsed from the contract's `{"error":{"code","message"}}` body.
// - A 401 sends the user to /login?redirect=<where they were> (unless the caller opts out).

import { paths, publicPaths } from '@/config/paths';

export const API_BASE = '/api';
export const CSRF_HEADER = 'X-Kubarr-Csrf';

export class ApiError extends Error {
  override readonly name = 'ApiError';
  /** HTTP status; 0 when the server could not be reached at all. */
  readonly status: number;
  /** The contract's snake_case error code, e.g. `invalid_credentials`. */
  readonly code: string;
  /** The input field the error is about, when the server names one. */
  readonly field: string | undefined;
  /** Seconds to wait before retrying, from the `Retry-After` header (429, 503). */
  readonly retryAfterSeconds: number | undefined;

  constructor(init: {
    status: number;
    code: string;
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

function fallbackMessage(status: number): string {
  return STATUS_MESSAGES[status] ?? `The server answered with an error (HTTP ${status}).`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Builds an ApiError from a failed response, reading the contract error body when present. */
export async function toApiError(response: Response): Promise<ApiError> {
  let code = `http_${response.status}`;
  let message = fallbackMessage(response.status);
  let field: string | undefined;
  try {
    const text = await response.text();
    const body: unknown = text ? JSON.parse(text) : null;
    if (isRecord(body) && isRecord(body.error)) {
      const err = body.error;
      if (typeof err.code === 'string' && err.code) code = err.code;
      if (typeof err.message === 'string' && err.message) message = err.message;
      if (typeof err.field === 'string' && err.field) field = err.field;
    }
  } catch {
    // Not JSON (a proxy error page, say): keep the status-based message.
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

// ---- requests ----------------------------------------------------------------------------------

export type QueryParams = Record<string, string | number | boolean | null | undefined>;

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Serialized as JSON. */
  body?: unknown;
  query?: QueryParams;
  signal?: AbortSignal | undefined;
  /** `text` for plain-text endpoints such as logs. */
  responseType?: 'json' | 'text';
  /** Don't redirect to /login on 401 (login itself, the session probe). */
  skipAuthRedirect?: boolean;
}

/** `/apps` → `/api/apps?…`. Callers encode path segments themselves. */
export function apiUrl(path: string, query?: QueryParams): string {
  let url = `${API_BASE}${path.startsWith('/') ? path : `/${path}`}`;
  if (query) {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
    }
    const qs = params.toString();
    if (qs) url += `?${qs}`;
  }
  return url;
}

export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (method !== 'GET') headers[CSRF_HEADER] = '1';
  let body: string | undefined;
  if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.body);
  }

  let response: Response;
  try {
    response = await fetch(apiUrl(path, options.query), {
      method,
      headers,
      body,
      credentials: 'same-origin',
      signal: options.signal ?? null,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError({
      status: 0,
      code: 'network_error',
      message: 'Could not reach the Kubarr server. Check your connection and try again.',
    });
  }

  if (!response.ok) {
    const error = await toApiError(response);
    if (response.status === 401 && !options.skipAuthRedirect) handleUnauthorized();
    throw error;
  }

  if (response.status === 204 || response.status === 205) return undefined as T;
  const text = await response.text();
  if (options.responseType === 'text') return text as T;
  return (text ? JSON.parse(text) : undefined) as T;
}

/**
 * GET that hands back the open response for the caller to read as a stream (e.g. followed logs
 * with `response.body.getReader()`). Failures are thrown as `ApiError` like `request`'s; abort the
 * signal to stop reading and close the connection.
 */
export async function openStream(
  path: string,
  options: Pick<RequestOptions, 'query' | 'signal' | 'skipAuthRedirect'> = {},
): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(apiUrl(path, options.query), {
      method: 'GET',
      headers: { Accept: 'text/plain, application/json' },
      credentials: 'same-origin',
      signal: options.signal ?? null,
      cache: 'no-store',
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError({
      status: 0,
      code: 'network_error',
      message: 'Could not reach the Kubarr server. Check your connection and try again.',
    });
  }
  if (!response.ok) {
    const error = await toApiError(response);
    if (response.status === 401 && !options.skipAuthRedirect) handleUnauthorized();
    throw error;
  }
  return response;
}

type BodylessOptions = Omit<RequestOptions, 'method' | 'body'>;

export const api = {
  get: <T>(path: string, options?: BodylessOptions) => request<T>(path, { ...options }),
  post: <T>(path: string, body?: unknown, options?: BodylessOptions) =>
    request<T>(path, { ...options, method: 'POST', body }),
  put: <T>(path: string, body?: unknown, options?: BodylessOptions) =>
    request<T>(path, { ...options, method: 'PUT', body }),
  patch: <T>(path: string, body?: unknown, options?: BodylessOptions) =>
    request<T>(path, { ...options, method: 'PATCH', body }),
  delete: <T>(path: string, options?: BodylessOptions) =>
    request<T>(path, { ...options, method: 'DELETE' }),
};
