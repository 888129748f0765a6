import { useEffect, useId, useMemo, useState, type SubmitEvent, type ReactNode } from 'react';

import type { JsonSchema } from '@/api/types';
import { CheckboxField, Field, FieldError } from '@/components/ui/field';
import { Input, Select, Textarea } from '@/components/ui/input';

import {
  buildFields,
  fieldDomId,
  flattenFields,
  mergeDefaults,
  schemaDefaults,
  type FormErrors,
  type FormField,
  type FormState,
} from './schema-form-model';
import { formStateToValues, initialState } from './schema-form-values';

export interface SchemaFormProps {
  /** The form element's id, so a submit button elsewhere (a dialog footer) can use `form=`. */
  id: string;
  schema: JsonSchema | null | undefined;
  /** The chart's default values; they win over `default`s in the schema. */
  defaults?: Record<string, unknown> | null | undefined;
  /** Called with the values object when every field is valid. */
  onSubmit: (values: Record<string, unknown>) => void;
  /** Errors from the server, by field path; shown next to the field until it is edited. */
  serverErrors?: FormErrors;
  /** Called when the user edits a field (e.g. to clear a server error about it). */
  onFieldChange?: (path: string) => void;
  disabled?: boolean;
}

function constraintHint(field: FormField): string | null {
  const { schema, kind } = field;
  if (kind === 'number' || kind === 'integer') {
    const min = schema.minimum ?? schema.exclusiveMinimum;
    const max = schema.maximum ?? schema.exclusiveMaximum;
    if (min !== undefined && max !== undefined) return `Between ${min} and ${max}.`;
    if (min !== undefined) return `At least ${min}.`;
    if (max !== undefined) return `At most ${max}.`;
  }
  if (kind === 'list') return 'One value per line.';
  if (kind === 'json') return 'JSON.';
  return null;
}

function hintFor(field: FormField): ReactNode {
  const parts = [field.description, constraintHint(field)].filter(Boolean);
  return parts.length ? parts.join(' ') : undefined;
}

function enumLabel(value: unknown): string {
  if (value === null) return '(none)';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * A form generated from a JSON Schema (draft-07): nested objects become fieldsets; strings,
 * passwords, numbers, booleans, enums, simple lists and free-form JSON get matching controls.
 */
export function SchemaForm({
  id,
  schema,
  defaults,
  onSubmit,
  serverErrors,
  onFieldChange,
  disabled = false,
}: SchemaFormProps) {
  const prefix = `sf${useId().replace(/[^A-Za-z0-9_-]/g, '')}`;
  const fields = useMemo(() => buildFields(schema), [schema]);
  const effectiveDefaults = useMemo(
    () => mergeDefaults(schemaDefaults(schema), defaults ?? undefined),
    [schema, defaults],
  );
  const [state, setState] = useState<FormState>(() => initialState(fields, effectiveDefaults));
  const [errors, setErrors] = useState<FormErrors>({});

  const shown: FormErrors = { ...errors, ...serverErrors };

  // Bring a field the server complained about into view.
  useEffect(() => {
    const first = serverErrors ? Object.keys(serverErrors)[0] : undefined;
    if (first === undefined) return;
    const element = document.getElementById(fieldDomId(prefix, first));
    element?.scrollIntoView({ block: 'center' });
    element?.focus();
  }, [serverErrors, prefix]);

  const change = (path: string, value: string | boolean) => {
    setState((current) => ({ ...current, [path]: value }));
    setErrors((current) => {
      if (!(path in current)) return current;
      return Object.fromEntries(Object.entries(current).filter(([key]) => key !== path));
    });
    onFieldChange?.(path);
  };

  const submit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    const result = formStateToValues(fields, state, effectiveDefaults);
    setErrors(result.errors);
    const firstInvalid = flattenFields(fields).find((field) => field.path in result.errors);
    if (firstInvalid) {
      document.getElementById(fieldDomId(prefix, firstInvalid.path))?.focus();
      return;
    }
    onSubmit(result.values);
  };

  return (
    <form id={id} onSubmit={submit} noValidate className="space-y-5">
      {fields.length === 0 ? (
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          This app has no settings to choose before installing.
        </p>
      ) : (
        <FieldList
          fields={fields}
          state={state}
          errors={shown}
          prefix={prefix}
          disabled={disabled}
          onChange={change}
        />
      )}
    </form>
  );
}

interface FieldListProps {
  fields: FormField[];
  state: FormState;
  errors: FormErrors;
  prefix: string;
  disabled: boolean;
  onChange: (path: string, value: string | boolean) => void;
}

function FieldList(props: FieldListProps) {
  return (
    <>
      {props.fields.map((field) =>
        field.kind === 'object' ? (
          <ObjectFieldset key={field.path} field={field} {...props} />
        ) : (
          <LeafField key={field.path} field={field} {...props} />
        ),
      )}
    </>
  );
}

function ObjectFieldset({ field, ...props }: FieldListProps & { field: FormField }) {
  const error = props.errors[field.path];
  const errorId = error ? `${fieldDomId(props.prefix, field.path)}-error` : undefined;
  return (
    <fieldset
      id={fieldDomId(props.prefix, field.path)}
      tabIndex={-1}
      aria-describedby={errorId}
      className="space-y-4 rounded-lg border border-zinc-200 p-4 dark:border-zinc-800"
    >
      <legend className="px-1 text-sm font-semibold text-zinc-900 dark:text-zinc-100">
        {field.label}
      </legend>
      {field.description && (
        <p className="-mt-2 text-xs text-zinc-500 dark:text-zinc-400">{field.description}</p>
      )}
      {error && <FieldError id={errorId}>{error}</FieldError>}
      <FieldList {...props} fields={field.children} />
    </fieldset>
  );
}

function LeafField({
  field,
  state,
  errors,
  prefix,
  disabled,
  onChange,
}: FieldListProps & { field: FormField }) {
  const id = fieldDomId(prefix, field.path);
  const raw = state[field.path];
  const text = typeof raw === 'string' ? raw : '';
  const error = errors[field.path];
  const hint = hintFor(field);
  const { schema } = field;

  if (field.kind === 'boolean') {
    return (
      <CheckboxField
        id={id}
        name={field.path}
        label={field.label}
        hint={hint}
        error={error}
        checked={raw === true}
        disabled={disabled}
        onChange={(event) => onChange(field.path, event.target.checked)}
      />
    );
  }

  return (
    <Field id={id} label={field.label} hint={hint} error={error} required={field.required}>
      {(control) => {
        const common = {
          ...control,
          name: field.path,
          disabled,
        };
        switch (field.kind) {
          case 'enum': {
            const options = schema.enum ?? [];
            return (
              <Select
                {...common}
                value={text}
                onChange={(e) => onChange(field.path, e.target.value)}
              >
                {(text === '' || !field.required) && <option value="">Choose…</option>}
                {options.map((option, index) => (
                  <option key={JSON.stringify(option)} value={String(index)}>
                    {enumLabel(option)}
                  </option>
                ))}
              </Select>
            );
          }
          case 'number':
          case 'integer':
            return (
              <Input
                {...common}
                type="number"
                inputMode={field.kind === 'integer' ? 'numeric' : 'decimal'}
                step={field.kind === 'integer' ? 1 : 'any'}
                min={schema.minimum}
                max={schema.maximum}
                value={text}
                onChange={(e) => onChange(field.path, e.target.value)}
              />
            );
          case 'password':
            return (
              <Input
                {...common}
                type="password"
                autoComplete="new-password"
                value={text}
                onChange={(e) => onChange(field.path, e.target.value)}
              />
            );
          case 'list':
          case 'json':
            return (
              <Textarea
                {...common}
                rows={field.kind === 'json' ? 4 : 3}
                spellCheck={false}
                value={text}
                onChange={(e) => onChange(field.path, e.target.value)}
              />
            );
          default:
            return (
              <Input
                {...common}
                type={
                  schema.format === 'email' ? 'email' : schema.format === 'uri' ? 'url' : 'text'
                }
                placeholder={
                  typeof schema.examples?.[0] === 'string' ? schema.examples[0] : undefined
                }
                value={text}
                onChange={(e) => onChange(field.path, e.target.value)}
              />
            );
        }
      }}
    </Field>
  );
}
