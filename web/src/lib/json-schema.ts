// Reading a chart's values schema (JSON Schema draft-07) as the API sends it: free-form JSON.
// Only the keywords the values form understands are kept, and only with the types the draft
// gives them; a mistyped keyword is dropped rather than trusted, so the form never has to
// second-guess what it reads.

import type { JsonSchema, JsonSchemaType } from '@/api/types';

const TYPES = new Set<string>([
  'object',
  'array',
  'string',
  'number',
  'integer',
  'boolean',
  'null',
]);
const STRING_KEYWORDS = ['$schema', '$id', 'title', 'description', 'format', 'pattern'] as const;
const NUMBER_KEYWORDS = [
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minLength',
  'maxLength',
] as const;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isType(value: unknown): value is JsonSchemaType {
  return typeof value === 'string' && TYPES.has(value);
}

function readType(value: unknown): JsonSchema['type'] {
  if (isType(value)) return value;
  if (Array.isArray(value)) {
    const types = value.filter(isType);
    return types.length > 0 ? types : undefined;
  }
  return undefined;
}

/** The schema in `value`, or null when it is not a JSON object. */
export function parseJsonSchema(value: unknown): JsonSchema | null {
  if (!isRecord(value)) return null;
  const schema: JsonSchema = {};
  for (const key of STRING_KEYWORDS) {
    const v = value[key];
    if (typeof v === 'string') schema[key] = v;
  }
  for (const key of NUMBER_KEYWORDS) {
    const v = value[key];
    if (typeof v === 'number' && Number.isFinite(v)) schema[key] = v;
  }
  const type = readType(value.type);
  if (type !== undefined) schema.type = type;
  if (isRecord(value.properties)) {
    const properties: Record<string, JsonSchema> = {};
    for (const [name, child] of Object.entries(value.properties)) {
      const parsed = parseJsonSchema(child);
      if (parsed) properties[name] = parsed;
    }
    schema.properties = properties;
  }
  if (Array.isArray(value.required)) {
    schema.required = value.required.filter((r): r is string => typeof r === 'string');
  }
  const items = parseJsonSchema(value.items);
  if (items) schema.items = items;
  if (Array.isArray(value.enum)) schema.enum = value.enum;
  if (Array.isArray(value.examples)) schema.examples = value.examples;
  if ('const' in value) schema.const = value.const;
  if ('default' in value) schema.default = value.default;
  if (typeof value.additionalProperties === 'boolean') {
    schema.additionalProperties = value.additionalProperties;
  } else {
    const additional = parseJsonSchema(value.additionalProperties);
    if (additional) schema.additionalProperties = additional;
  }
  if (typeof value.readOnly === 'boolean') schema.readOnly = value.readOnly;
  return schema;
}
