// The model behind the install form: turns a chart's values schema (JSON Schema draft-07) into a
// tree of fields, seeds them with defaults, and turns what the user typed back into a values
// object — validating as it goes. Pure functions, no React, so every rule is unit-tested.

import type { JsonSchema, JsonSchemaType } from '@/api/types';
import { matchErrorField, type FieldErrorSource } from '@/lib/form-errors';

export type FieldKind =
  'object' | 'string' | 'password' | 'number' | 'integer' | 'boolean' | 'enum' | 'list' | 'json';

export interface FormField {
  /** Property name in its parent object. */
  key: string;
  /** Dotted path from the root, e.g. `persistence.size`; unique within a form. */
  path: string;
  segments: string[];
  kind: FieldKind;
  schema: JsonSchema;
  label: string;
  description: string | undefined;
  required: boolean;
  /** Sub-fields of an `object` field. */
  children: FormField[];
}

/** Raw input per field path: text for inputs and selects, booleans for checkboxes. */
export type FormState = Record<string, string | boolean>;
export type FormErrors = Record<string, string>;

const REQUIRED_MESSAGE = 'This field is required.';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The schema's type, ignoring "null" in a type list (nullable fields). */
export function primaryType(schema: JsonSchema): JsonSchemaType | undefined {
  if (Array.isArray(schema.type)) return schema.type.find((t) => t !== 'null');
  if (schema.type) return schema.type;
  if (schema.properties) return 'object';
  switch (typeof schema.default) {
    case 'boolean':
      return 'boolean';
    case 'number':
      return Number.isInteger(schema.default) ? 'integer' : 'number';
    case 'string':
      return 'string';
    default:
      return undefined;
  }
}

const LIST_ITEM_TYPES = new Set<JsonSchemaType | undefined>(['string', 'number', 'integer']);

export function fieldKind(schema: JsonSchema): FieldKind {
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return 'enum';
  const type = primaryType(schema);
  switch (type) {
    case 'object':
      // An object without declared properties is a free-form map: edit it as JSON.
      return schema.properties && Object.keys(schema.properties).length > 0 ? 'object' : 'json';
    case 'string':
      return schema.format === 'password' ? 'password' : 'string';
    case 'number':
    case 'integer':
    case 'boolean':
      return type;
    case 'array':
      return schema.items && !schema.items.enum && LIST_ITEM_TYPES.has(primaryType(schema.items))
        ? 'list'
        : 'json';
    default:
      return 'json';
  }
}

/** `maxUploadSize` / `max_upload_size` / `max-upload-size` → "Max upload size". */
export function humanize(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .trim()
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The editable fields of an object schema, in declaration order. */
export function buildFields(
  schema: JsonSchema | null | undefined,
  parent: string[] = [],
): FormField[] {
  if (!schema?.properties) return [];
  const required = new Set(schema.required ?? []);
  const fields: FormField[] = [];
  for (const [key, child] of Object.entries(schema.properties)) {
    if (child.readOnly || child.const !== undefined) continue;
    const segments = [...parent, key];
    const kind = fieldKind(child);
    fields.push({
      key,
      path: segments.join('.'),
      segments,
      kind,
      schema: child,
      label: child.title ?? humanize(key),
      description: child.description,
      required: required.has(key),
      children: kind === 'object' ? buildFields(child, segments) : [],
    });
  }
  return fields;
}

/** Every field, objects included, depth-first. */
export function flattenFields(fields: FormField[]): FormField[] {
  return fields.flatMap((field) => [field, ...flattenFields(field.children)]);
}

/** A tree of the `default`s declared in the schema. */
export function schemaDefaults(schema: JsonSchema | null | undefined): unknown {
  if (!schema) return undefined;
  if (primaryType(schema) !== 'object' || !schema.properties) return schema.default;
  const result: Record<string, unknown> = isRecord(schema.default) ? { ...schema.default } : {};
  for (const [key, child] of Object.entries(schema.properties)) {
    const value = mergeDefaults(result[key], schemaDefaults(child));
    if (value !== undefined) result[key] = value;
  }
  return result;
}

/** Deep-merges objects; anywhere else `override` wins when it is defined. */
export function mergeDefaults(base: unknown, override: unknown): unknown {
  if (override === undefined) return base;
  if (isRecord(base) && isRecord(override)) {
    const result: Record<string, unknown> = { ...base };
    for (const [key, value] of Object.entries(override))
      result[key] = mergeDefaults(base[key], value);
    return result;
  }
  return override;
}

export function valueAt(tree: unknown, segments: string[]): unknown {
  let node = tree;
  for (const segment of segments) {
    if (!isRecord(node)) return undefined;
    node = node[segment];
  }
  return node;
}

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

/**
 * Which field a server validation error (400/422) is about, by `error.field` or by a value path in
 * its message. Understands `"x" is a required property` at an object path. Null when unknown.
 */
export function fieldForServerError(error: FieldErrorSource, fields: FormField[]): string | null {
  const paths = flattenFields(fields).map((field) => field.path);
  const target = matchErrorField(error, paths);
  const missing = /"([^"]+)" is a required property/.exec(error.message)?.[1];
  if (missing) {
    const candidate = target ? `${target}.${missing}` : missing;
    if (paths.includes(candidate)) return candidate;
  }
  return target;
}

/** A DOM id for a field's control. */
export function fieldDomId(prefix: string, path: string): string {
  return `${prefix}-${path.replace(/[^A-Za-z0-9_-]/g, '-')}`;
}
