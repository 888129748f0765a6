import { act, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { apiError, mockFetch } from '@/testing/mock-fetch';
import { renderWithProviders } from '@/testing/test-utils';

import { LoginForm } from '../login-form';

const session = {
  token: 't',
  expires_at: '2099-01-01T00:00:00Z',
  user: { id: 1, username: 'alice', email: 'alice@example.test' },
};

const challenge = (expiresAt = '2099-01-01T00:00:00Z') => ({
  requires_2fa: true,
  challenge_id: 'ch-1',
  expires_at: expiresAt,
});

function renderLogin(route = '/login?redirect=%2Fcatalog') {
  return renderWithProviders(<LoginForm />, {
    route,
    path: '/login',
    routes: [
      { path: '/', element: <p>dashboard page</p> },
      { path: '/catalog', element: <p>catalog page</p> },
    ],
  });
}

async function enterCredentials(
  user: ReturnType<typeof renderLogin>['user'],
  password = 'correct horse',
) {
  await user.type(screen.getByLabelText(/Username or email/), 'alice');
  await user.type(screen.getByLabelText(/^Password/), password);
  await user.click(screen.getByRole('button', { name: 'Sign in' }));
}

describe('LoginForm', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('signs in with password then TOTP code and goes to the redirect target', async () => {
    const { calls } = mockFetch([
      { method: 'POST', path: '/api/auth/login', reply: { body: challenge() } },
      { method: 'POST', path: '/api/auth/2fa/verify', reply: { body: session } },
    ]);
    const { user, router } = renderLogin();

    await enterCredentials(user);
    expect(
      await screen.findByRole('heading', { name: 'Two-factor authentication' }),
    ).toBeInTheDocument();
    expect(calls[0]?.body).toEqual({ username: 'alice', password: 'correct horse' });
    expect(calls[0]?.headers.get('X-Kubarr-Csrf')).toBe('1');

    await user.type(screen.getByLabelText(/Authentication code/), '123456');
    await user.click(screen.getByRole('button', { name: 'Verify' }));

    expect(await screen.findByText('catalog page')).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/catalog');
    expect(calls[1]).toMatchObject({
      method: 'POST',
      path: '/api/auth/2fa/verify',
      body: { challenge_id: 'ch-1', code: '123456' },
    });
  });

  it('signs in without 2FA straight to the dashboard when there is no redirect', async () => {
    mockFetch([{ method: 'POST', path: '/api/auth/login', reply: { body: session } }]);
    const { user } = renderLogin('/login');
    await enterCredentials(user);
    expect(await screen.findByText('dashboard page')).toBeInTheDocument();
  });

  it('ignores a redirect that points off-site', async () => {
    mockFetch([{ method: 'POST', path: '/api/auth/login', reply: { body: session } }]);
    const { user } = renderLogin('/login?redirect=%2F%2Fevil.test');
    await enterCredentials(user);
    expect(await screen.findByText('dashboard page')).toBeInTheDocument();
  });

  it('accepts a recovery code instead of a TOTP code', async () => {
    const { calls } = mockFetch([
      { method: 'POST', path: '/api/auth/login', reply: { body: challenge() } },
      { method: 'POST', path: '/api/auth/2fa/recover', reply: { body: session } },
    ]);
    const { user } = renderLogin();
    await enterCredentials(user);
    await user.click(await screen.findByRole('button', { name: 'Use a recovery code instead' }));
    await user.type(screen.getByLabelText(/Recovery code/), 'abcd-efgh');
    await user.click(screen.getByRole('button', { name: 'Verify' }));
    expect(await screen.findByText('catalog page')).toBeInTheDocument();
    expect(calls[1]?.body).toEqual({ challenge_id: 'ch-1', recovery_code: 'abcd-efgh' });
  });

  it('says so when the credentials are wrong, without saying which part', async () => {
    mockFetch([
      {
        method: 'POST',
        path: '/api/auth/login',
        reply: apiError(401, 'invalid_credentials', 'invalid credentials'),
      },
    ]);
    const { user } = renderLogin();
    await enterCredentials(user, 'wrong');
    expect(await screen.findByText('Invalid username or password.')).toBeInTheDocument();
    expect(screen.getByRole('heading', { name: 'Sign in to Kubarr' })).toBeInTheDocument();
  });

  it('shows the wait from Retry-After on 429 and blocks the button meanwhile', async () => {
    mockFetch([
      {
        method: 'POST',
        path: '/api/auth/login',
        reply: {
          ...apiError(429, 'rate_limited', 'Too many login attempts'),
          headers: { 'Retry-After': '42' },
        },
      },
    ]);
    const { user } = renderLogin();
    await enterCredentials(user);
    expect(await screen.findByText('Too many sign-in attempts')).toBeInTheDocument();
    expect(screen.getByText(/Try again in 4[12] seconds/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeDisabled();
  });

  it('says the code is wrong and stays on the second step', async () => {
    mockFetch([
      { method: 'POST', path: '/api/auth/login', reply: { body: challenge() } },
      {
        method: 'POST',
        path: '/api/auth/2fa/verify',
        reply: apiError(401, 'invalid_code', 'bad code'),
      },
    ]);
    const { user } = renderLogin();
    await enterCredentials(user);
    await user.type(await screen.findByLabelText(/Authentication code/), '000000');
    await user.click(screen.getByRole('button', { name: 'Verify' }));
    expect(await screen.findByText(/That code is not valid/)).toBeInTheDocument();
    expect(screen.getByLabelText(/Authentication code/)).toBeInTheDocument();
  });

  it('goes back to step one when the server says the challenge expired', async () => {
    mockFetch([
      { method: 'POST', path: '/api/auth/login', reply: { body: challenge() } },
      {
        method: 'POST',
        path: '/api/auth/2fa/verify',
        reply: apiError(401, 'invalid_challenge', 'The login challenge expired.'),
      },
    ]);
    const { user } = renderLogin();
    await enterCredentials(user);
    await user.type(await screen.findByLabelText(/Authentication code/), '123456');
    await user.click(screen.getByRole('button', { name: 'Verify' }));
    expect(
      await screen.findByText('Your sign-in expired. Enter your password again.'),
    ).toBeInTheDocument();
    expect(screen.getByLabelText(/Username or email/)).toHaveValue('alice');
    expect(screen.getByLabelText(/^Password/)).toHaveValue('');
  });

  it('goes back to step one without a request when the challenge ran out locally', async () => {
    const { calls } = mockFetch([
      {
        method: 'POST',
        path: '/api/auth/login',
        reply: { body: challenge('2000-01-01T00:00:00Z') },
      },
    ]);
    const { user } = renderLogin();
    await enterCredentials(user);
    await user.type(await screen.findByLabelText(/Authentication code/), '123456');
    await act(async () => {
      await user.click(screen.getByRole('button', { name: 'Verify' }));
    });
    await waitFor(() =>
      expect(
        screen.getByText('Your sign-in expired. Enter your password again.'),
      ).toBeInTheDocument(),
    );
    expect(calls).toHaveLength(1);
  });

  it('checks the code format before sending it', async () => {
    const { calls } = mockFetch([
      { method: 'POST', path: '/api/auth/login', reply: { body: challenge() } },
    ]);
    const { user } = renderLogin();
    await enterCredentials(user);
    await user.type(await screen.findByLabelText(/Authentication code/), '12a');
    await user.click(screen.getByRole('button', { name: 'Verify' }));
    expect(screen.getByText('A code has exactly 6 digits.')).toBeInTheDocument();
    expect(calls).toHaveLength(1);
  });
});
