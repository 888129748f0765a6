import type { ReactNode, SubmitEvent } from 'react';

import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';

export interface CredentialsStepProps {
  heading?: string | undefined;
  username: string;
  onUsernameChange: (value: string) => void;
  password: string;
  onPasswordChange: (value: string) => void;
  onSubmit: (event: SubmitEvent<HTMLFormElement>) => void;
  pending: boolean;
  disabled: boolean;
  messages: ReactNode;
}

/** The first sign-in step: username or email, and password. */
export function CredentialsStep({
  heading = 'Sign in to Kubarr',
  username,
  onUsernameChange,
  password,
  onPasswordChange,
  onSubmit,
  pending,
  disabled,
  messages,
}: CredentialsStepProps) {
  return (
    <form onSubmit={onSubmit} noValidate className="space-y-5" aria-label="Sign in">
      <h1 className="text-xl font-semibold">{heading}</h1>
      {messages}
      <Field label="Username or email" required>
        {(control) => (
          <Input
            {...control}
            name="username"
            value={username}
            onChange={(e) => onUsernameChange(e.target.value)}
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
            onChange={(e) => onPasswordChange(e.target.value)}
            autoComplete="current-password"
          />
        )}
      </Field>
      <Button type="submit" className="w-full" loading={pending} disabled={disabled}>
        Sign in
      </Button>
    </form>
  );
}
