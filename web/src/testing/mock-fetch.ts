// A tiny fetch mock: route table in, recorded requests out. Unmatched requests fail the test
// loudly instead of hanging.
import { vi } from 'vitest';

import type { ErrorCode } from '@/api/types';

export interface RecordedRequest {
  method: string;
  /** Path plus query, e.g. `/api/apps?limit=10`. */
  path: string;
  headers: Headers;
  credentials: RequestCredentials | undefined;
  /** Parsed JSON body, or the raw string, or undefined. */
  body: unknown;
}

export interface MockReply {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface MockRoute {
  method?: string;
  /** Exact path (query ignored) or a pattern tested against path + query. */
  path: string | RegExp;
  reply: MockReply | ((request: RecordedRequest) => MockReply | Response);
  /** Answer only the first matching request. */
  once?: boolean;
}

export function jsonResponse({ status = 200, body, headers = {} }: MockReply): Response {
  const noBody = status === 204 || body === undefined;
  return new Response(noBody ? null : JSON.stringify(body), {
    status,
    headers: noBody ? headers : { 'Content-Type': 'application/json', ...headers },
  });
}

/** A contract error reply; `code` is one the server really sends (the document's `ErrorCode`). */
export function apiError(
  status: number,
  code: ErrorCode,
  message: string,
  extra: Record<string, unknown> = {},
): MockReply {
  return { status, body: { error: { code, message, ...extra } } };
}

export function mockFetch(routes: MockRoute[]) {
  const calls: RecordedRequest[] = [];
  const used = new Set<MockRoute>();

  const fetchMock = vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
    // The typed client passes a Request; other callers a URL and init.
    const fromRequest = input instanceof Request ? input : null;
    const url = new URL(
      typeof input === 'string' ? input : input instanceof URL ? input.href : input.url,
      'http://localhost',
    );
    const rawBody = fromRequest
      ? (await fromRequest.clone().text()) || undefined
      : typeof init.body === 'string'
        ? init.body
        : undefined;
    let body: unknown = rawBody;
    if (rawBody) {
      try {
        body = JSON.parse(rawBody);
      } catch {
        body = rawBody;
      }
    }
    const request: RecordedRequest = {
      method: (fromRequest?.method ?? init.method ?? 'GET').toUpperCase(),
      path: `${url.pathname}${url.search}`,
      headers: new Headers(fromRequest?.headers ?? init.headers),
      credentials: fromRequest?.credentials ?? init.credentials,
      body,
    };
    calls.push(request);

    const route = routes.find((candidate) => {
      if (candidate.once && used.has(candidate)) return false;
      if ((candidate.method ?? 'GET').toUpperCase() !== request.method) return false;
      return typeof candidate.path === 'string'
        ? candidate.path === url.pathname
        : candidate.path.test(request.path);
    });
    if (!route) {
      throw new Error(`mockFetch: no route for ${request.method} ${request.path}`);
    }
    used.add(route);
    const reply = typeof route.reply === 'function' ? route.reply(request) : route.reply;
    return reply instanceof Response ? reply : jsonResponse(reply);
  });

  vi.stubGlobal('fetch', fetchMock);
  return { calls, fetchMock };
}
