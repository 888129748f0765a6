import { useState, type SubmitEvent } from 'react';

import { SectionCard } from '@/components/section-card';
import { Alert } from '@/components/ui/alert';
import { errorMessage } from '@/lib/api-client';

import { isSettingSaveError } from '../api/update-setting';
import { useSaveSettings } from '../hooks/use-save-settings';
import { NumberField, SaveRow, type SettingsSectionProps } from './settings-form-parts';
import { sessionProblems, sessionSaveOrder, type SessionErrors } from './settings-model';

/**
 * Session idle timeout and lifetime, checked together (idle ≤ lifetime) and saved in the order
 * the server's rule needs at every step.
 */
export function SessionSection({ saved, readOnly }: SettingsSectionProps) {
  const [idle, setIdle] = useState<string | null>(null);
  const [absolute, setAbsolute] = useState<string | null>(null);
  const [errors, setErrors] = useState<SessionErrors>({});
  const { save, update } = useSaveSettings('Session settings');
  const idleText = idle ?? String(saved.session_idle_timeout_minutes);
  const absoluteText = absolute ?? String(saved.session_absolute_lifetime_hours);
  const dirty =
    idleText !== String(saved.session_idle_timeout_minutes) ||
    absoluteText !== String(saved.session_absolute_lifetime_hours);

  const submit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    const next = {
      session_idle_timeout_minutes: Number(idleText),
      session_absolute_lifetime_hours: Number(absoluteText),
    };
    const found = sessionProblems(
      next.session_idle_timeout_minutes,
      next.session_absolute_lifetime_hours,
    );
    setErrors(found);
    if (found.idle || found.absolute) return;
    save(
      sessionSaveOrder(saved, next).map((key) => ({ key, value: next[key] })),
      () => {
        setIdle(null);
        setAbsolute(null);
      },
      (error) => {
        if (!isSettingSaveError(error)) return false;
        setErrors(
          error.settingKey === 'session_idle_timeout_minutes'
            ? { idle: error.message }
            : { absolute: error.message },
        );
        return true;
      },
    );
  };

  return (
    <SectionCard
      title="Sessions"
      description="How long people stay signed in. Changes apply to sessions from now on."
    >
      <form onSubmit={submit} noValidate className="space-y-4">
        {update.error && <Alert>{errorMessage(update.error)}</Alert>}
        <div className="grid gap-4 sm:grid-cols-2">
          <NumberField
            label="Idle timeout"
            unit="minutes"
            hint="A session unused this long ends."
            error={errors.idle}
            value={idleText}
            disabled={readOnly || update.isPending}
            onChange={(value) => {
              setIdle(value);
              setErrors({});
            }}
          />
          <NumberField
            label="Session lifetime"
            unit="hours"
            hint="A session ends this long after sign-in, however active."
            error={errors.absolute}
            value={absoluteText}
            disabled={readOnly || update.isPending}
            onChange={(value) => {
              setAbsolute(value);
              setErrors({});
            }}
          />
        </div>
        <SaveRow
          dirty={dirty}
          pending={update.isPending}
          readOnly={readOnly}
          onReset={() => {
            setIdle(null);
            setAbsolute(null);
            setErrors({});
          }}
        />
      </form>
    </SectionCard>
  );
}
