// From the form's input to a chart's values and back: the starting input from the defaults, and
// the values object to send (typed per field, checked against the schema's limits), with an
// error per field where the input cannot be right. Pure functions, unit-tested.

import type { JsonSchema } from '@/api/types';
import {
  flattenFields,
  isRecord,
  primaryType,
  valueAt,
  type FormErrors,
  type FormField,
  type FormState,
} from '@/components/schema-form/schema-form-model';

const REQUIRED_MESSAGE = 'This field is required.';

function enumIndex(options: unknown[], value: unknown): number {
  const wanted = JSON.stringify(value);
  return options.findIndex((option) => JSON.stringify(option) === wanted);
}

function initialValue(field: FormField, value: unknown): string | boolean {
  switch (field.kind) {
    case 'boolean':
      return value === true;
    case 'enum': {
      const index = value === undefined ? -1 : enumIndex(field.schema.enum ?? [], value);
      return index < 0 ? '' : String(index);
    }
    case 'string':
    case 'password':
      return typeof value === 'string' ? value : '';
    case 'number':
    case 'integer':
      return typeof value === 'number' && Number.isFinite(value) ? String(value) : '';
    case 'list':
      return Array.isArray(value) ? value.map((item) => String(item)).join('\n') : '';
    case 'json':
      return value === undefined || value === null ? '' : JSON.stringify(value, null, 2);
    case 'object':
      return '';
  }
}

/** The form's starting input: defaults (chart values over schema defaults) where there are any. */
export function initialState(fields: FormField[], defaults: unknown): FormState {
  const state: FormState = {};
  for (const field of flattenFields(fields)) {
    if (field.kind === 'object') continue;
    state[field.path] = initialValue(field, valueAt(defaults, field.segments));
  }
  return state;
}

type Converted =
  { include: true; value: unknown } | { include: false } | { error: string; missing: boolean };

const OMIT: Converted = { include: false };

function emptyResult(field: FormField, hadDefault: boolean, emptyValue: unknown): Converted {
  if (field.required) return { error: REQUIRED_MESSAGE, missing: true };
  // Cleared a field that had a default: send the empty value, or Helm keeps the default.
  return hadDefault ? { include: true, value: emptyValue } : OMIT;
}

function checkNumber(schema: JsonSchema, n: number): string | null {
  if (schema.minimum !== undefined && n < schema.minimum)
    return `Must be at least ${schema.minimum}.`;
  if (schema.maximum !== undefined && n > schema.maximum)
    return `Must be at most ${schema.maximum}.`;
  if (schema.exclusiveMinimum !== undefined && n <= schema.exclusiveMinimum)
    return `Must be greater than ${schema.exclusiveMinimum}.`;
  if (schema.exclusiveMaximum !== undefined && n >= schema.exclusiveMaximum)
    return `Must be less than ${schema.exclusiveMaximum}.`;
  return null;
}

function parseNumber(text: string, integer: boolean): number | null {
  const trimmed = text.trim();
  if (integer ? !/^[-+]?\d+$/.test(trimmed) : trimmed === '') return null;
  const n = Number(trimmed);
  return Number.isFinite(n) ? n : null;
}

function checkString(schema: JsonSchema, text: string): string | null {
  if (schema.minLength !== undefined && text.length < schema.minLength)
    return `Must be at least ${schema.minLength} characters.`;
  if (schema.maxLength !== undefined && text.length > schema.maxLength)
    return `Must be at most ${schema.maxLength} characters.`;
  if (schema.pattern) {
    try {
      if (!new RegExp(schema.pattern, 'u').test(text)) return 'Does not have the expected format.';
    } catch {
      // A pattern JavaScript cannot compile: let the server judge.
    }
  }
  return null;
}

function convert(
  field: FormField,
  raw: string | boolean | undefined,
  fallback: unknown,
): Converted {
  const { schema } = field;
  const text = typeof raw === 'string' ? raw : '';
  switch (field.kind) {
    case 'boolean':
      return { include: true, value: raw === true };
    case 'string':
    case 'password': {
      if (text === '')
        return emptyResult(field, typeof fallback === 'string' && fallback !== '', '');
      const problem = checkString(schema, text);
      return problem ? { error: problem, missing: false } : { include: true, value: text };
    }
    case 'number':
    case 'integer': {
      if (text.trim() === '')
        return field.required ? { error: REQUIRED_MESSAGE, missing: true } : OMIT;
      const n = parseNumber(text, field.kind === 'integer');
      if (n === null) {
        return {
          error: field.kind === 'integer' ? 'Enter a whole number.' : 'Enter a number.',
          missing: false,
        };
      }
      const problem = checkNumber(schema, n);
      return problem ? { error: problem, missing: false } : { include: true, value: n };
    }
    case 'enum': {
      const options = schema.enum ?? [];
      if (text === '') return field.required ? { error: REQUIRED_MESSAGE, missing: true } : OMIT;
      const index = Number(text);
      return index >= 0 && index < options.length
        ? { include: true, value: options[index] }
        : { error: 'Choose one of the options.', missing: false };
    }
    case 'list': {
      const items = text
        .split('\n')
        .map((line) => line.trim())
        .filter(Boolean);
      if (items.length === 0)
        return emptyResult(field, Array.isArray(fallback) && fallback.length > 0, []);
      const itemType = schema.items ? primaryType(schema.items) : 'string';
      if (itemType === 'number' || itemType === 'integer') {
        const numbers = items.map((item) => parseNumber(item, itemType === 'integer'));
        if (numbers.some((n) => n === null)) {
          return { error: 'Each line must be a number.', missing: false };
        }
        return { include: true, value: numbers };
      }
      return { include: true, value: items };
    }
    case 'json': {
      if (text.trim() === '')
        return field.required ? { error: REQUIRED_MESSAGE, missing: true } : OMIT;
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        return { error: 'Enter valid JSON.', missing: false };
      }
      const type = primaryType(schema);
      if (type === 'object' && !isRecord(parsed))
        return { error: 'Enter a JSON object ({…}).', missing: false };
      if (type === 'array' && !Array.isArray(parsed))
        return { error: 'Enter a JSON array ([…]).', missing: false };
      return { include: true, value: parsed };
    }
    case 'object':
      return OMIT;
  }
}

interface Collected {
  values: Record<string, unknown>;
  errors: Record<string, { message: string; missing: boolean }>;
}

function collect(fields: FormField[], state: FormState, defaults: unknown): Collected {
  const result: Collected = { values: {}, errors: {} };
  for (const field of fields) {
    if (field.kind === 'object') {
      const child = collect(field.children, state, defaults);
      const childErrors = Object.entries(child.errors);
      const empty = Object.keys(child.values).length === 0;
      // An optional object left entirely empty is simply absent: its required fields don't apply.
      const onlyMissing = childErrors.every(([, e]) => e.missing);
      if (!field.required && empty && onlyMissing) continue;
      Object.assign(result.errors, child.errors);
      if (!empty) result.values[field.key] = child.values;
      else if (field.required && childErrors.length === 0) result.values[field.key] = {};
      continue;
    }
    const converted = convert(field, state[field.path], valueAt(defaults, field.segments));
    if ('error' in converted) {
      result.errors[field.path] = { message: converted.error, missing: converted.missing };
    } else if (converted.include) {
      result.values[field.key] = converted.value;
    }
  }
  return result;
}

/** The values object to send (`{app_name, values}`), and per-path errors when input is invalid. */
export function formStateToValues(
  fields: FormField[],
  state: FormState,
  defaults?: unknown,
): { values: Record<string, unknown>; errors: FormErrors } {
  const { values, errors } = collect(fields, state, defaults);
  return {
    values,
    errors: Object.fromEntries(Object.entries(errors).map(([path, e]) => [path, e.message])),
  };
}
