import { afterEach, describe, expect, it, vi } from 'vitest';

import {
  ApiError,
  apiClient,
  apiHref,
  parseRetryAfter,
  setUnauthorizedHandler,
  unwrap,
} from '@/lib/api-client';
import { apiError, mockFetch } from '@/testing/mock-fetch';

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-03-01T12:00:00Z');

  it('reads delay-seconds', () => {
    expect(parseRetryAfter('42', now)).toBe(42);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
  });

  it('reads an HTTP date, rounding up and never negative', () => {
    expect(parseRetryAfter('Sun, 01 Mar 2026 12:01:30 GMT', now)).toBe(90);
    expect(parseRetryAfter('Sun, 01 Mar 2026 11:00:00 GMT', now)).toBe(0);
  });

  it('ignores absent or unreadable values', () => {
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('', now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
  });
});

describe('apiClient with unwrap', () => {
  afterEach(() => {
    setUnauthorizedHandler(null);
  });

  it('calls /api with same-origin credentials and JSON, without CSRF header on GET', async () => {
    const { calls } = mockFetch([{ path: '/api/apps', reply: { body: [{ name: 'sonarr' }] } }]);
    await expect(unwrap(apiClient.GET('/api/apps'))).resolves.toEqual([{ name: 'sonarr' }]);
    expect(calls[0]?.method).toBe('GET');
    expect(calls[0]?.credentials).toBe('same-origin');
    expect(calls[0]?.headers.get('X-Kubarr-Csrf')).toBeNull();
  });

  it('sends X-Kubarr-Csrf: 1 and a JSON body on every non-GET method', async () => {
    const { calls } = mockFetch([
      {
        method: 'POST',
        path: '/api/apps/install',
        reply: { status: 202, body: { state: 'installing' } },
      },
      { method: 'PUT', path: '/api/settings/registration_enabled', reply: { status: 204 } },
      { method: 'PATCH', path: '/api/users/1', reply: { status: 200, body: {} } },
      { method: 'DELETE', path: '/api/apps/sonarr', reply: { status: 202, body: {} } },
    ]);
    await unwrap(apiClient.POST('/api/apps/install', { body: { app_name: 'sonarr' } }));
    await expect(
      unwrap(
        apiClient.PUT('/api/settings/registration_enabled', {
          body: { value: true },
        }),
      ),
    ).resolves.toBeUndefined();
    await unwrap(
      apiClient.PATCH('/api/users/{id}', {
        params: { path: { id: 1 } },
        body: { is_active: false },
      }),
    );
    await unwrap(apiClient.DELETE('/api/apps/{app}', { params: { path: { app: 'sonarr' } } }));
    expect(calls.map((c) => c.headers.get('X-Kubarr-Csrf'))).toEqual(['1', '1', '1', '1']);
    expect(calls[0]?.headers.get('Content-Type')).toBe('application/json');
    expect(calls[0]?.body).toEqual({ app_name: 'sonarr' });
  });

  it('adds query parameters, skipping empty ones', async () => {
    const { calls } = mockFetch([{ path: '/api/audit', reply: { body: { items: [] } } }]);
    await unwrap(
      apiClient.GET('/api/audit', {
        params: { query: { action: 'login', user_id: undefined, cursor: '', limit: 50 } },
      }),
    );
    expect(calls[0]?.path).toBe('/api/audit?action=login&limit=50');
  });

  it('parses the contract error body into an ApiError', async () => {
    mockFetch([
      {
        method: 'POST',
        path: '/api/users',
        reply: apiError(409, 'username_taken', 'That username is taken.', { field: 'username' }),
      },
    ]);
    const error = await unwrap(
      apiClient.POST('/api/users', {
        body: { username: 'taken', email: 'a@example.test', password: 'long enough' },
      }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 409,
      code: 'username_taken',
      message: 'That username is taken.',
      field: 'username',
      retryAfterSeconds: undefined,
    });
  });

  it('reads a code this build does not know (a newer server’s) as http_<status>, keeping the message', async () => {
    mockFetch([
      {
        method: 'POST',
        path: '/api/invites',
        reply: { status: 409, body: { error: { code: 'brand_new_code', message: 'Newer rule.' } } },
      },
    ]);
    const error = await unwrap(apiClient.POST('/api/invites', { body: {} })).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ status: 409, code: 'http_409', message: 'Newer rule.' });
  });

  it('exposes Retry-After on a 429', async () => {
    mockFetch([
      {
        method: 'POST',
        path: '/api/auth/login',
        reply: {
          ...apiError(429, 'rate_limited', 'Too many attempts.'),
          headers: { 'Retry-After': '37' },
        },
      },
    ]);
    const error = await unwrap(
      apiClient.POST('/api/auth/login', { body: { username: 'admin', password: 'x' } }),
      { skipAuthRedirect: true },
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 429, code: 'rate_limited', retryAfterSeconds: 37 });
  });

  it('falls back to a status message when the body is not the contract envelope', async () => {
    mockFetch([
      {
        path: '/api/ready',
        reply: () => new Response('<html>Bad gateway</html>', { status: 502 }),
      },
      { path: '/api/health', reply: { status: 503, body: { database: 'down' } } },
    ]);
    await expect(unwrap(apiClient.GET('/api/ready'))).rejects.toMatchObject({
      status: 502,
      code: 'http_502',
    });
    await expect(unwrap(apiClient.GET('/api/health'))).rejects.toMatchObject({
      status: 503,
      code: 'http_503',
      message: expect.stringMatching(/unavailable/) as unknown,
    });
  });

  it('turns a network failure into an ApiError with status 0', async () => {
    vi.stubGlobal('fetch', vi.fn().mockRejectedValue(new TypeError('Failed to fetch')));
    await expect(unwrap(apiClient.GET('/api/apps'))).rejects.toMatchObject({
      status: 0,
      code: 'network_error',
    });
  });

  it('returns text for plain-text endpoints', async () => {
    mockFetch([{ path: '/api/apps/sonarr/logs', reply: () => new Response('line 1\nline 2\n') }]);
    await expect(
      unwrap(
        apiClient.GET('/api/apps/{app}/logs', {
          params: { path: { app: 'sonarr' } },
          parseAs: 'text',
        }),
      ),
    ).resolves.toBe('line 1\nline 2\n');
  });

  it('encodes path parameters', async () => {
    const { calls } = mockFetch([{ path: /^\/api\/apps\/.+\/pods$/, reply: { body: [] } }]);
    await unwrap(apiClient.GET('/api/apps/{app}/pods', { params: { path: { app: 'a b/c' } } }));
    expect(calls[0]?.path).toBe('/api/apps/a%20b%2Fc/pods');
    expect(apiHref('/api/apps/catalog/{app}/icon', { app: 'a b' })).toBe(
      '/api/apps/catalog/a%20b/icon',
    );
    expect(apiHref('/api/events/stream')).toBe('/api/events/stream');
  });

  it('lets an aborted request reject as an abort, not as a network error', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn().mockRejectedValue(new DOMException('The operation was aborted.', 'AbortError')),
    );
    await expect(unwrap(apiClient.GET('/api/apps'))).rejects.toMatchObject({ name: 'AbortError' });
  });

  describe('on 401', () => {
    it('sends the user to /login with the current location as redirect', async () => {
      window.history.replaceState(null, '', '/catalog?q=son#top');
      const handler = vi.fn();
      setUnauthorizedHandler(handler);
      mockFetch([{ path: '/api/apps', reply: apiError(401, 'unauthenticated', 'Sign in.') }]);
      await expect(unwrap(apiClient.GET('/api/apps'))).rejects.toMatchObject({ status: 401 });
      expect(handler).toHaveBeenCalledWith('/login?redirect=%2Fcatalog%3Fq%3Dson%23top');
    });

    it('does not redirect when the caller opts out', async () => {
      window.history.replaceState(null, '', '/users');
      const handler = vi.fn();
      setUnauthorizedHandler(handler);
      mockFetch([
        {
          method: 'POST',
          path: '/api/auth/login',
          reply: apiError(401, 'invalid_credentials', 'Invalid username or password.'),
        },
      ]);
      await expect(
        unwrap(
          apiClient.POST('/api/auth/login', { body: { username: 'admin', password: 'wrong' } }),
          { skipAuthRedirect: true },
        ),
      ).rejects.toMatchObject({ code: 'invalid_credentials' });
      expect(handler).not.toHaveBeenCalled();
    });

    it('does not redirect from a public page', async () => {
      window.history.replaceState(null, '', '/login');
      const handler = vi.fn();
      setUnauthorizedHandler(handler);
      mockFetch([{ path: '/api/apps', reply: apiError(401, 'unauthenticated', 'Sign in.') }]);
      await expect(unwrap(apiClient.GET('/api/apps'))).rejects.toMatchObject({ status: 401 });
      expect(handler).not.toHaveBeenCalled();
    });
  });
});
