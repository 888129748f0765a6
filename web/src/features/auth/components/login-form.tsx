import { useQueryClient } from '@tanstack/react-query';
import { useState, type SubmitEvent } from 'react';
import { useNavigate, useSearchParams } from 'react-router';

import { safeRedirect } from '@/config/paths';

import { isTwoFactorChallenge, useLogin } from '../api/login';
import { useRecoverTwoFactor } from '../api/recover-two-factor';
import { useVerifyTwoFactor } from '../api/verify-two-factor';
import { useCountdown } from '../hooks/use-countdown';
import { CredentialsStep } from './credentials-step';
import { describeLoginFailure, secondFactorProblem, type LoginStep } from './login-errors';
import { LoginMessages } from './login-messages';
import { SecondFactorStep, type SecondFactorMethod } from './second-factor-step';

type Step =
  | { kind: 'credentials' }
  | {
      kind: 'second-factor';
      challengeId: string;
      expiresAt: number;
      method: SecondFactorMethod;
    };

const EXPIRED = 'Your sign-in expired. Enter your password again.';

/**
 * Sign-in in two steps: username/email + password, then — when the account has 2FA — a TOTP code
 * or a recovery code. On success it goes to `?redirect=` (same-origin paths only) or the dashboard.
 * This component holds the flow; the steps are `CredentialsStep` and `SecondFactorStep`, the
 * wording of failures is `describeLoginFailure`'s.
 */
export function LoginForm({
  heading,
  onSignedIn,
}: {
  /** The first step's heading (default "Sign in to Kubarr"). */
  heading?: string;
  /** Where to go once signed in, instead of `?redirect=` (e.g. back to an app). */
  onSignedIn?: () => void;
} = {}) {
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
    if (onSignedIn) {
      onSignedIn();
      return;
    }
    void navigate(safeRedirect(searchParams.get('redirect')), { replace: true });
  };

  const backToCredentials = (message: string | null) => {
    setStep({ kind: 'credentials' });
    setPassword('');
    setCode('');
    setError(null);
    setNotice(message);
  };

  const handleError = (err: unknown, during: LoginStep) => {
    const failure = describeLoginFailure(err, during);
    switch (failure.kind) {
      case 'rate-limited': {
        const now = Date.now();
        setLock({ until: now + failure.waitSeconds * 1000, since: now });
        setError(null);
        return;
      }
      case 'challenge-expired':
        backToCredentials(EXPIRED);
        return;
      case 'message':
        setError(failure.message);
    }
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
      backToCredentials(EXPIRED);
      return;
    }
    const value = code.replace(/\s+/g, '');
    const problem = secondFactorProblem(step.method, value);
    if (problem) {
      setError(problem);
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

  const messages = <LoginMessages notice={notice} lockedSeconds={secondsLeft} error={error} />;

  if (step.kind === 'second-factor') {
    return (
      <SecondFactorStep
        method={step.method}
        onMethodChange={(method) => {
          setStep({ ...step, method });
          setCode('');
          setError(null);
        }}
        code={code}
        onCodeChange={setCode}
        onSubmit={submitSecondFactor}
        onBack={() => backToCredentials(null)}
        pending={verify.isPending || recover.isPending}
        disabled={locked}
        messages={messages}
      />
    );
  }

  return (
    <CredentialsStep
      heading={heading}
      username={username}
      onUsernameChange={setUsername}
      password={password}
      onPasswordChange={setPassword}
      onSubmit={submitCredentials}
      pending={login.isPending}
      disabled={busy || locked}
      messages={messages}
    />
  );
}
