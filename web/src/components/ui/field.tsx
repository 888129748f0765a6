import { useId, type ComponentProps, type ReactNode } from 'react';

import { cn } from '@/lib/cn';

/** Props a Field hands to its control so label, hint and error are wired for assistive tech. */
export interface FieldControlProps {
  id: string;
  'aria-describedby'?: string;
  'aria-invalid'?: true;
  'aria-required'?: true;
}

interface FieldProps {
  label: ReactNode;
  /** Shown under the control in red and announced; also marks the control invalid. */
  error?: string | undefined;
  hint?: ReactNode;
  required?: boolean;
  /** Use a fixed id (e.g. so an error can be focused); generated otherwise. */
  id?: string;
  className?: string;
  children: (control: FieldControlProps) => ReactNode;
}

export function Field({ label, error, hint, required, id, className, children }: FieldProps) {
  const generated = useId();
  const controlId = id ?? generated;
  const hintId = hint ? `${controlId}-hint` : undefined;
  const errorId = error ? `${controlId}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  const control: FieldControlProps = { id: controlId };
  if (describedBy) control['aria-describedby'] = describedBy;
  if (error) control['aria-invalid'] = true;
  if (required) control['aria-required'] = true;

  return (
    <div className={cn('space-y-1.5', className)}>
      <label
        htmlFor={controlId}
        className="block text-sm font-medium text-zinc-800 dark:text-zinc-200"
      >
        {label}
        {required && (
          <span className="ml-0.5 text-red-600" aria-hidden="true">
            *
          </span>
        )}
      </label>
      {children(control)}
      {hint && (
        <p id={hintId} className="text-xs text-zinc-500 dark:text-zinc-400">
          {hint}
        </p>
      )}
      {error && <FieldError id={errorId}>{error}</FieldError>}
    </div>
  );
}

export function FieldError({ className, ...props }: ComponentProps<'p'>) {
  return <p className={cn('text-sm text-red-600 dark:text-red-400', className)} {...props} />;
}

/** A checkbox with its label to the right, plus optional hint and error. */
export function CheckboxField({
  label,
  hint,
  error,
  id,
  className,
  ...props
}: Omit<ComponentProps<'input'>, 'type'> & {
  label: ReactNode;
  hint?: ReactNode;
  error?: string | undefined;
}) {
  const generated = useId();
  const controlId = id ?? generated;
  const hintId = hint ? `${controlId}-hint` : undefined;
  const errorId = error ? `${controlId}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  return (
    <div className={cn('space-y-1', className)}>
      <div className="flex items-start gap-2.5">
        <input
          type="checkbox"
          id={controlId}
          aria-describedby={describedBy}
          aria-invalid={error ? true : undefined}
          className="mt-0.5 size-4 rounded border-zinc-300 accent-indigo-600"
          {...props}
        />
        <label htmlFor={controlId} className="text-sm font-medium text-zinc-800 dark:text-zinc-200">
          {label}
        </label>
      </div>
      {hint && (
        <p id={hintId} className="pl-6.5 text-xs text-zinc-500 dark:text-zinc-400">
          {hint}
        </p>
      )}
      {error && (
        <FieldError id={errorId} className="pl-6.5">
          {error}
        </FieldError>
      )}
    </div>
  );
}
