import { describe, expect, it } from 'vitest';

import {
  describeLoginFailure,
  RATE_LIMIT_FALLBACK_SECONDS,
  secondFactorProblem,
} from '@/features/auth/components/login-errors';
import { ApiError, type ApiErrorCode } from '@/lib/api-client';

const apiError = (status: number, code: ApiErrorCode, extra: { retryAfterSeconds?: number } = {}) =>
  new ApiError({ status, code, message: `server: ${code}`, ...extra });

describe('describeLoginFailure', () => {
  it('waits out a 429 for Retry-After, or a fallback without it', () => {
    expect(
      describeLoginFailure(apiError(429, 'rate_limited', { retryAfterSeconds: 12 }), 'totp'),
    ).toEqual({ kind: 'rate-limited', waitSeconds: 12 });
    expect(describeLoginFailure(apiError(429, 'rate_limited'), 'credentials')).toEqual({
      kind: 'rate-limited',
      waitSeconds: RATE_LIMIT_FALLBACK_SECONDS,
    });
  });

  it('says the same thing for every wrong login', () => {
    expect(describeLoginFailure(apiError(401, 'invalid_credentials'), 'credentials')).toEqual({
      kind: 'message',
      message: 'Invalid username or password.',
    });
  });

  it('sends an expired challenge back to the password, words a wrong code per method', () => {
    for (const status of [401, 404, 410]) {
      expect(describeLoginFailure(apiError(status, 'invalid_challenge'), 'totp')).toEqual({
        kind: 'challenge-expired',
      });
    }
    expect(describeLoginFailure(apiError(401, 'invalid_code'), 'totp')).toEqual({
      kind: 'message',
      message: 'That code is not valid. Check your authenticator app and try again.',
    });
    expect(describeLoginFailure(apiError(401, 'invalid_code'), 'recovery')).toEqual({
      kind: 'message',
      message: 'That recovery code is not valid or has already been used.',
    });
  });

  it('passes other server messages and anything thrown through', () => {
    expect(describeLoginFailure(apiError(503, 'database_unavailable'), 'credentials')).toEqual({
      kind: 'message',
      message: 'server: database_unavailable',
    });
    expect(describeLoginFailure(new Error('boom'), 'totp')).toEqual({
      kind: 'message',
      message: 'boom',
    });
  });
});

describe('secondFactorProblem', () => {
  it('wants six digits for a TOTP code and anything for a recovery code', () => {
    expect(secondFactorProblem('totp', '12345')).toBe('A code has exactly 6 digits.');
    expect(secondFactorProblem('totp', '12345a')).toBe('A code has exactly 6 digits.');
    expect(secondFactorProblem('totp', '123456')).toBeNull();
    expect(secondFactorProblem('recovery', '')).toBe('Enter one of your recovery codes.');
    expect(secondFactorProblem('recovery', 'abcd-efgh')).toBeNull();
  });
});
