// The model behind the install form: turns a chart's values schema (JSON Schema draft-07) into a
// tree of fields with their defaults, and maps a server error to its field. What the user typed
// becomes a values object in `schema-form-values.ts`. Pure functions, no React, so every rule is
// unit-tested.

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

export function isRecord(value: unknown): value is Record<string, unknown> {
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
