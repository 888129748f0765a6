import type { ReactNode, SubmitEvent } from 'react';

import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';

export type SecondFactorMethod = 'totp' | 'recovery';

export interface SecondFactorStepProps {
  method: SecondFactorMethod;
  onMethodChange: (method: SecondFactorMethod) => void;
  code: string;
  onCodeChange: (value: string) => void;
  onSubmit: (event: SubmitEvent<HTMLFormElement>) => void;
  onBack: () => void;
  pending: boolean;
  disabled: boolean;
  messages: ReactNode;
}

/** The second sign-in step: a code from the authenticator app, or a one-time recovery code. */
export function SecondFactorStep({
  method,
  onMethodChange,
  code,
  onCodeChange,
  onSubmit,
  onBack,
  pending,
  disabled,
  messages,
}: SecondFactorStepProps) {
  const totp = method === 'totp';
  return (
    <form
      onSubmit={onSubmit}
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
      <Field key={method} label={totp ? 'Authentication code' : 'Recovery code'} required>
        {(control) => (
          <Input
            {...control}
            name={totp ? 'code' : 'recovery_code'}
            value={code}
            onChange={(e) => onCodeChange(e.target.value)}
            autoComplete={totp ? 'one-time-code' : 'off'}
            inputMode={totp ? 'numeric' : 'text'}
            maxLength={totp ? 6 : 64}
            spellCheck={false}
            autoFocus
            className={totp ? 'font-mono tracking-[0.3em]' : 'font-mono'}
          />
        )}
      </Field>
      <Button type="submit" className="w-full" loading={pending} disabled={disabled}>
        Verify
      </Button>
      <div className="flex flex-wrap justify-between gap-2 text-sm">
        <button
          type="button"
          className="font-medium text-indigo-600 hover:underline dark:text-indigo-400"
          onClick={() => onMethodChange(totp ? 'recovery' : 'totp')}
        >
          {totp ? 'Use a recovery code instead' : 'Use an authenticator code instead'}
        </button>
        <button
          type="button"
          className="text-zinc-600 hover:underline dark:text-zinc-400"
          onClick={onBack}
        >
          Back to sign in
        </button>
      </div>
    </form>
  );
}
