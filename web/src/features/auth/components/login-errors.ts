// What the sign-in form makes of a failed step. Pure, so each case is tested on its own: the
// server says little on purpose (one `invalid_credentials` for every wrong login), and the form
// words it for the step the user is on.

import { errorMessage, isApiError } from '@/lib/api-client';

export type LoginStep = 'credentials' | 'totp' | 'recovery';

export type LoginFailure =
  /** 429: wait this long before trying again. */
  | { kind: 'rate-limited'; waitSeconds: number }
  /** The 2FA challenge is gone: start again with the password. */
  | { kind: 'challenge-expired' }
  | { kind: 'message'; message: string };

/** Used when a 429 carries no (readable) Retry-After. */
export const RATE_LIMIT_FALLBACK_SECONDS = 30;

export function describeLoginFailure(error: unknown, during: LoginStep): LoginFailure {
  if (!isApiError(error)) return { kind: 'message', message: errorMessage(error) };
  if (error.status === 429) {
    return {
      kind: 'rate-limited',
      waitSeconds: error.retryAfterSeconds ?? RATE_LIMIT_FALLBACK_SECONDS,
    };
  }
  if (error.status === 401 && during === 'credentials') {
    return { kind: 'message', message: 'Invalid username or password.' };
  }
  if (error.status === 401 || error.status === 404 || error.status === 410) {
    // Expired, unknown or tried too often: the password step must be done again.
    if (error.code === 'invalid_challenge') return { kind: 'challenge-expired' };
    return {
      kind: 'message',
      message:
        during === 'recovery'
          ? 'That recovery code is not valid or has already been used.'
          : 'That code is not valid. Check your authenticator app and try again.',
    };
  }
  return { kind: 'message', message: error.message };
}

/** The code as typed, checked for its kind; a message when it cannot be right. */
export function secondFactorProblem(method: 'totp' | 'recovery', code: string): string | null {
  if (method === 'totp' && !/^\d{6}$/.test(code)) return 'A code has exactly 6 digits.';
  if (method === 'recovery' && !code) return 'Enter one of your recovery codes.';
  return null;
}
