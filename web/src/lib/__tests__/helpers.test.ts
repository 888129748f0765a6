import { describe, expect, it } from 'vitest';

import { formatDuration, formatRelative } from '@/lib/format';
import { describeUserAgent } from '@/lib/user-agent';
import {
  emailProblem,
  normaliseTotp,
  passwordProblem,
  totpProblem,
  usernameProblem,
} from '@/lib/validation';

describe('formatDuration', () => {
  it('shows the two largest units like kubectl', () => {
    expect(formatDuration(42)).toBe('42s');
    expect(formatDuration(125)).toBe('2m 5s');
    expect(formatDuration(3700)).toBe('1h 1m');
    expect(formatDuration(200_000)).toBe('2d 7h');
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(-1)).toBe('—');
  });

  it('says how long ago or until', () => {
    const now = Date.parse('2026-01-01T12:00:00Z');
    expect(formatRelative('2026-01-01T11:57:00Z', now)).toBe('3m ago');
    expect(formatRelative('2026-01-03T12:00:00Z', now)).toBe('in 2d');
    expect(formatRelative('2026-01-01T12:00:01Z', now)).toBe('just now');
    expect(formatRelative(null, now)).toBe('—');
  });
});

describe('describeUserAgent', () => {
  it('names common browsers and systems', () => {
    expect(
      describeUserAgent(
        'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 Version/17.0 Safari/605.1.15',
      ),
    ).toBe('Safari on macOS');
    expect(
      describeUserAgent(
        'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36 Edg/120.0',
      ),
    ).toBe('Edge on Windows');
    expect(
      describeUserAgent(
        'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) AppleWebKit CriOS/120.0 Mobile Safari',
      ),
    ).toBe('Chrome on iOS');
    expect(describeUserAgent('curl/8.0')).toBe('curl');
    expect(describeUserAgent(null)).toBe('Unknown device');
  });
});

describe('validation', () => {
  it('mirrors the server’s account rules', () => {
    expect(usernameProblem('ab')).not.toBeNull();
    expect(usernameProblem('-ann')).not.toBeNull();
    expect(usernameProblem('Ann.B_2-x')).toBeNull();
    expect(emailProblem('ann@example')).toBeNull();
    expect(emailProblem('ann')).not.toBeNull();
    expect(passwordProblem('1234567')).toMatch(/at least 8/);
    expect(passwordProblem('12345678')).toBeNull();
    expect(passwordProblem('é'.repeat(40))).toMatch(/72 bytes/);
  });

  it('accepts TOTP codes typed with spaces', () => {
    expect(normaliseTotp('123 456')).toBe('123456');
    expect(totpProblem('123 456')).toBeNull();
    expect(totpProblem('12345a')).not.toBeNull();
  });
});
