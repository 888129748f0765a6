import type { ReactNode } from 'react';

import type { SettingValues } from '@/api/types';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';

/** What every section of the settings page gets. */
export interface SettingsSectionProps {
  saved: SettingValues;
  readOnly: boolean;
}

/** Save (enabled once something changed) and Undo changes; nothing for a read-only viewer. */
export function SaveRow({
  dirty,
  pending,
  readOnly,
  onReset,
}: {
  dirty: boolean;
  pending: boolean;
  readOnly: boolean;
  onReset: () => void;
}) {
  if (readOnly) return null;
  return (
    <div className="flex gap-2 pt-2">
      <Button type="submit" loading={pending} disabled={!dirty}>
        Save
      </Button>
      {dirty && (
        <Button variant="ghost" onClick={onReset} disabled={pending}>
          Undo changes
        </Button>
      )}
    </div>
  );
}

/** A whole-number input with its unit after it. */
export function NumberField({
  label,
  hint,
  error,
  value,
  unit,
  disabled,
  onChange,
}: {
  label: string;
  hint: ReactNode;
  error: string | undefined;
  value: string;
  unit: string;
  disabled: boolean;
  onChange: (value: string) => void;
}) {
  return (
    <Field label={label} hint={hint} error={error}>
      {(control) => (
        <div className="flex items-center gap-2">
          <Input
            {...control}
            type="number"
            inputMode="numeric"
            min={1}
            step={1}
            value={value}
            disabled={disabled}
            onChange={(event) => onChange(event.target.value)}
            className="max-w-36"
          />
          <span className="text-sm text-zinc-600 dark:text-zinc-400">{unit}</span>
        </div>
      )}
    </Field>
  );
}
