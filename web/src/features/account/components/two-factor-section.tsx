import { useState, type SubmitEvent } from 'react';

import type { CurrentUser, TwoFactorSetup } from '@/api/types';
import { QrCode } from '@/components/qr-code';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { CopyButton } from '@/components/ui/copy-button';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { useToast } from '@/components/ui/toast';
import { errorMessage, isApiError } from '@/lib/api-client';
import { normaliseTotp, totpProblem } from '@/lib/validation';

import { useDisableTwoFactor } from '../api/disable-two-factor';
import { useEnableTwoFactor } from '../api/enable-two-factor';
import { useSetupTwoFactor } from '../api/setup-two-factor';
import { RecoveryCodes } from './recovery-codes';

/** "JBSWY3DPEHPK3PXP" → "JBSW Y3DP EHPK 3PXP", easier to type by hand. */
export function groupSecret(secret: string): string {
  return secret.replace(/(.{4})(?=.)/g, '$1 ');
}

function CodeInput({
  value,
  onChange,
  error,
  disabled,
  label = 'Code from your authenticator app',
}: {
  value: string;
  onChange: (value: string) => void;
  error: string | undefined;
  disabled?: boolean;
  label?: string;
}) {
  return (
    <Field label={label} required error={error} className="max-w-56">
      {(control) => (
        <Input
          {...control}
          name="code"
          value={value}
          onChange={(event) => onChange(event.target.value)}
          autoComplete="one-time-code"
          inputMode="numeric"
          maxLength={7}
          spellCheck={false}
          disabled={disabled}
          className="font-mono tracking-[0.3em]"
        />
      )}
    </Field>
  );
}

function Enrolment({
  setup,
  onEnabled,
  onCancel,
}: {
  setup: TwoFactorSetup;
  onEnabled: (codes: string[]) => void;
  onCancel: () => void;
}) {
  const enable = useEnableTwoFactor();
  const [password, setPassword] = useState('');
  const [passwordError, setPasswordError] = useState<string>();
  const [code, setCode] = useState('');
  const [error, setError] = useState<string>();
  const [formError, setFormError] = useState<string | null>(null);

  const submit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    setFormError(null);
    const problem = totpProblem(code);
    setError(problem ?? undefined);
    setPasswordError(password ? undefined : 'Enter your password.');
    if (problem || !password) return;
    enable.mutate(
      { password, code: normaliseTotp(code) },
      {
        onSuccess: (data) => onEnabled(data.recovery_codes),
        onError: (err) => {
          if (isApiError(err) && err.field === 'password') {
            setPasswordError(err.message);
          } else if (isApiError(err) && (err.field === 'code' || err.code === 'invalid_code')) {
            setError(err.message);
          } else {
            setFormError(errorMessage(err));
          }
        },
      },
    );
  };

  return (
    <div className="space-y-5">
      <ol className="list-decimal space-y-1 pl-5 text-sm text-zinc-700 dark:text-zinc-300">
        <li>
          Scan the QR code with an authenticator app (Aegis, Google Authenticator, 1Password…).
        </li>
        <li>
          Confirm with your password and the 6-digit code it shows to turn two-factor authentication
          on.
        </li>
      </ol>
      <div className="flex flex-col gap-5 sm:flex-row sm:items-start">
        <QrCode
          value={setup.otpauth_uri}
          label="QR code to add Kubarr to your authenticator app"
          className="size-52 shrink-0 ring-1 ring-zinc-200 dark:ring-zinc-700"
        />
        <div className="min-w-0 space-y-2 text-sm">
          <p className="text-zinc-700 dark:text-zinc-300">Can’t scan it? Enter this key instead:</p>
          <p
            className="font-mono text-base break-all text-zinc-900 select-all dark:text-zinc-100"
            data-testid="totp-secret"
          >
            {groupSecret(setup.secret)}
          </p>
          <CopyButton text={setup.secret} label="Copy key" />
        </div>
      </div>
      <form onSubmit={submit} noValidate className="space-y-4">
        {formError && <Alert>{formError}</Alert>}
        <Field label="Your password" required error={passwordError} className="max-w-sm">
          {(control) => (
            <Input
              {...control}
              type="password"
              name="password"
              autoComplete="current-password"
              value={password}
              disabled={enable.isPending}
              onChange={(event) => {
                setPassword(event.target.value);
                setPasswordError(undefined);
              }}
            />
          )}
        </Field>
        <CodeInput
          value={code}
          onChange={(value) => {
            setCode(value);
            setError(undefined);
          }}
          error={error}
          disabled={enable.isPending}
        />
        <div className="flex gap-2">
          <Button type="submit" loading={enable.isPending}>
            Turn on
          </Button>
          <Button variant="secondary" onClick={onCancel} disabled={enable.isPending}>
            Cancel
          </Button>
        </div>
      </form>
    </div>
  );
}

function DisableForm({ onDone }: { onDone: () => void }) {
  const disable = useDisableTwoFactor();
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [errors, setErrors] = useState<{ password?: string; code?: string }>({});
  const [formError, setFormError] = useState<string | null>(null);

  const submit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    setFormError(null);
    const found = {
      password: password ? undefined : 'Enter your password.',
      code: totpProblem(code) ?? undefined,
    };
    setErrors(found);
    if (found.password || found.code) return;
    disable.mutate(
      { password, code: normaliseTotp(code) },
      {
        onSuccess: onDone,
        onError: (err) => setFormError(errorMessage(err)),
      },
    );
  };

  return (
    <form onSubmit={submit} noValidate className="space-y-4">
      <p className="text-sm text-zinc-700 dark:text-zinc-300">
        Confirm with your password and a current code. Your recovery codes stop working.
      </p>
      {formError && <Alert>{formError}</Alert>}
      <Field label="Password" required error={errors.password} className="max-w-sm">
        {(control) => (
          <Input
            {...control}
            type="password"
            name="password"
            autoComplete="current-password"
            value={password}
            onChange={(event) => {
              setPassword(event.target.value);
              setErrors((e) => ({ ...e, password: undefined }));
            }}
          />
        )}
      </Field>
      <CodeInput
        value={code}
        onChange={(value) => {
          setCode(value);
          setErrors((e) => ({ ...e, code: undefined }));
        }}
        error={errors.code}
        disabled={disable.isPending}
      />
      <Button type="submit" variant="danger" loading={disable.isPending}>
        Turn off two-factor authentication
      </Button>
    </form>
  );
}

type Stage =
  | { step: 'idle' }
  | { step: 'enrolling'; setup: TwoFactorSetup }
  | { step: 'codes'; codes: string[] }
  | { step: 'disabling' };

/**
 * Two-factor authentication: enrolment (QR code drawn in the page, secret for manual entry,
 * confirmation code), the recovery codes once, and turning it off with password + code.
 */
export function TwoFactorSection({ user }: { user: CurrentUser }) {
  const { toast } = useToast();
  const setup = useSetupTwoFactor();
  const [stage, setStage] = useState<Stage>({ step: 'idle' });

  if (stage.step === 'codes') {
    return (
      <RecoveryCodes
        codes={stage.codes}
        username={user.username}
        onDone={() => setStage({ step: 'idle' })}
      />
    );
  }

  if (stage.step === 'enrolling') {
    return (
      <Enrolment
        setup={stage.setup}
        onCancel={() => setStage({ step: 'idle' })}
        onEnabled={(codes) => {
          toast({ tone: 'success', title: 'Two-factor authentication is on' });
          setStage({ step: 'codes', codes });
        }}
      />
    );
  }

  if (user.totp_enabled) {
    return (
      <div className="space-y-4">
        <p className="flex items-center gap-2 text-sm">
          <span className="size-2 rounded-full bg-emerald-500" aria-hidden="true" />
          <span>
            Two-factor authentication is <strong>on</strong>. Signing in asks for a code from your
            authenticator app.
          </span>
        </p>
        {stage.step === 'disabling' ? (
          <>
            <DisableForm
              onDone={() => {
                setStage({ step: 'idle' });
                toast({ tone: 'success', title: 'Two-factor authentication is off' });
              }}
            />
            <Button variant="ghost" size="sm" onClick={() => setStage({ step: 'idle' })}>
              Keep it on
            </Button>
          </>
        ) : (
          <Button variant="secondary" onClick={() => setStage({ step: 'disabling' })}>
            Turn off…
          </Button>
        )}
      </div>
    );
  }

  return (
    <div className="space-y-4">
      {user.two_factor_enrollment_required && (
        <Alert tone="warning" title="Two-factor authentication is required">
          One of your roles requires it. Set it up to continue using Kubarr.
        </Alert>
      )}
      <p className="text-sm text-zinc-700 dark:text-zinc-300">
        Two-factor authentication is <strong>off</strong>. Turn it on so that signing in also needs
        a code from an app on your phone.
      </p>
      {setup.error && <Alert>{errorMessage(setup.error)}</Alert>}
      <Button
        loading={setup.isPending}
        onClick={() =>
          setup.mutate(undefined, {
            onSuccess: (data) => setStage({ step: 'enrolling', setup: data }),
          })
        }
      >
        Set up two-factor authentication
      </Button>
    </div>
  );
}
