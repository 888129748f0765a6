import { useQueryClient } from '@tanstack/react-query';
import { useState, type SubmitEvent } from 'react';
import { useNavigate, useSearchParams } from 'react-router';

import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { safeRedirect } from '@/config/paths';
import { errorMessage, isApiError } from '@/lib/api-client';

import { isTwoFactorChallenge, useLogin } from '../api/login';
import { useRecoverTwoFactor } from '../api/recover-two-factor';
import { useVerifyTwoFactor } from '../api/verify-two-factor';
import { useCountdown } from '../hooks/use-countdown';

type Step =
  | { kind: 'credentials' }
  | { kind: 'second-factor'; challengeId: string; expiresAt: number; method: 'totp' | 'recovery' };

const RATE_LIMIT_FALLBACK_SECONDS = 30;

function looksLikeExpiredChallenge(code: string): boolean {
  return /challenge|expired/.test(code);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * Sign-in in two steps: username/email + password, then — when the account has 2FA — a TOTP code
 * or a recovery code. On success it goes to `?redirect=` (same-origin paths only) or the dashboard.
 */
export function LoginForm() {
  const navigate = useNavigate();
  const [searchParams] = useSearchParams();
  const queryClient = useQueryClient();

  const [step, setStep] = useState<Step>({ kind: 'credentials' });
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [lock, setLock] = useState<{ until: number; since: number } | null>(null);
  const secondsLeft = useCountdown(lock?.until ?? null, lock?.since ?? 0);
  const locked = secondsLeft > 0;

  const login = useLogin();
  const verify = useVerifyTwoFactor();
  const recover = useRecoverTwoFactor();
  const busy = login.isPending || verify.isPending || recover.isPending;

  const finish = () => {
    // A new session: nothing cached for the anonymous visitor may leak into it.
    queryClient.clear();
    void navigate(safeRedirect(searchParams.get('redirect')), { replace: true });
  };

  const backToCredentials = (message: string | null) => {
    setStep({ kind: 'credentials' });
    setPassword('');
    setCode('');
    setError(null);
    setNotice(message);
  };

  const handleError = (err: unknown, during: 'credentials' | 'totp' | 'recovery') => {
    if (!isApiError(err)) {
      setError(errorMessage(err));
      return;
    }
    if (err.status === 429) {
      const now = Date.now();
      const wait = err.retryAfterSeconds ?? RATE_LIMIT_FALLBACK_SECONDS;
      setLock({ until: now + wait * 1000, since: now });
      setError(null);
      return;
    }
    if (err.status === 401 && during === 'credentials') {
      setError('Invalid username or password.');
      return;
    }
    if (err.status === 401 || err.status === 404 || err.status === 410) {
      if (looksLikeExpiredChallenge(err.code)) {
        backToCredentials('Your sign-in expired. Enter your password again.');
        return;
      }
      setError(
        during === 'recovery'
          ? 'That recovery code is not valid or has already been used.'
          : 'That code is not valid. Check your authenticator app and try again.',
      );
      return;
    }
    setError(err.message);
  };

  const submitCredentials = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    setNotice(null);
    if (!username.trim() || !password) {
      setError('Enter your username or email and your password.');
      return;
    }
    setError(null);
    login.mutate(
      { username: username.trim(), password },
      {
        onSuccess: (response) => {
          if (isTwoFactorChallenge(response)) {
            setStep({
              kind: 'second-factor',
              challengeId: response.challenge_id,
              expiresAt: Date.parse(response.expires_at),
              method: 'totp',
            });
            setCode('');
            return;
          }
          finish();
        },
        onError: (err) => handleError(err, 'credentials'),
      },
    );
  };

  const submitSecondFactor = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (step.kind !== 'second-factor') return;
    if (Date.now() > step.expiresAt) {
      backToCredentials('Your sign-in expired. Enter your password again.');
      return;
    }
    const value = code.replace(/\s+/g, '');
    if (step.method === 'totp' && !/^\d{6}$/.test(value)) {
      setError('A code has exactly 6 digits.');
      return;
    }
    if (step.method === 'recovery' && !value) {
      setError('Enter one of your recovery codes.');
      return;
    }
    setError(null);
    const callbacks = {
      onSuccess: finish,
      onError: (err: unknown) => handleError(err, step.method),
    };
    if (step.method === 'totp') {
      verify.mutate({ challenge_id: step.challengeId, code: value }, callbacks);
    } else {
      recover.mutate({ challenge_id: step.challengeId, recovery_code: value }, callbacks);
    }
  };

  const messages = (
    <>
      {notice && <Alert tone="warning">{notice}</Alert>}
      {locked && (
        <Alert tone="warning" title="Too many sign-in attempts">
          Try again in {plural(secondsLeft, 'second')}.
        </Alert>
      )}
      {error && <Alert>{error}</Alert>}
    </>
  );

  if (step.kind === 'second-factor') {
    const totp = step.method === 'totp';
    return (
      <form
        onSubmit={submitSecondFactor}
        noValidate
        className="space-y-5"
        aria-label="Two-factor authentication"
      >
        <div>
          <h1 className="text-xl font-semibold">Two-factor authentication</h1>
          <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
            {totp
              ? 'Enter the 6-digit code from your authenticator app.'
              : 'Enter one of the recovery codes you saved when you turned on two-factor authentication. Each code works once.'}
          </p>
        </div>
        {messages}
        <Field key={step.method} label={totp ? 'Authentication code' : 'Recovery code'} required>
          {(control) => (
            <Input
              {...control}
              name={totp ? 'code' : 'recovery_code'}
              value={code}
              onChange={(e) => setCode(e.target.value)}
              autoComplete={totp ? 'one-time-code' : 'off'}
              inputMode={totp ? 'numeric' : 'text'}
              maxLength={totp ? 6 : 64}
              spellCheck={false}
              autoFocus
              className={totp ? 'font-mono tracking-[0.3em]' : 'font-mono'}
            />
          )}
        </Field>
        <Button
          type="submit"
          className="w-full"
          loading={verify.isPending || recover.isPending}
          disabled={locked}
        >
          Verify
        </Button>
        <div className="flex flex-wrap justify-between gap-2 text-sm">
          <button
            type="button"
            className="font-medium text-indigo-600 hover:underline dark:text-indigo-400"
            onClick={() => {
              setStep({ ...step, method: totp ? 'recovery' : 'totp' });
              setCode('');
              setError(null);
            }}
          >
            {totp ? 'Use a recovery code instead' : 'Use an authenticator code instead'}
          </button>
          <button
            type="button"
            className="text-zinc-600 hover:underline dark:text-zinc-400"
            onClick={() => backToCredentials(null)}
          >
            Back to sign in
          </button>
        </div>
      </form>
    );
  }

  return (
    <form onSubmit={submitCredentials} noValidate className="space-y-5" aria-label="Sign in">
      <h1 className="text-xl font-semibold">Sign in to Kubarr</h1>
      {messages}
      <Field label="Username or email" required>
        {(control) => (
          <Input
            {...control}
            name="username"
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            autoComplete="username"
            autoCapitalize="none"
            spellCheck={false}
            autoFocus
          />
        )}
      </Field>
      <Field label="Password" required>
        {(control) => (
          <Input
            {...control}
            name="password"
            type="password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            autoComplete="current-password"
          />
        )}
      </Field>
      <Button type="submit" className="w-full" loading={login.isPending} disabled={busy || locked}>
        Sign in
      </Button>
    </form>
  );
}
