import { describe, expect, it } from 'vitest';

import { parseJsonSchema } from '@/lib/json-schema';

describe('parseJsonSchema', () => {
  it('keeps the keywords the form reads, nested', () => {
    expect(
      parseJsonSchema({
        type: 'object',
        required: ['port'],
        properties: {
          port: { type: 'integer', minimum: 1, maximum: 65535, default: 8989 },
          tags: { type: 'array', items: { type: 'string', pattern: '^[a-z]+$' } },
          mode: { enum: ['a', 'b'], title: 'Mode' },
          extra: { type: ['object', 'null'], additionalProperties: { type: 'string' } },
        },
      }),
    ).toEqual({
      type: 'object',
      required: ['port'],
      properties: {
        port: { type: 'integer', minimum: 1, maximum: 65535, default: 8989 },
        tags: { type: 'array', items: { type: 'string', pattern: '^[a-z]+$' } },
        mode: { enum: ['a', 'b'], title: 'Mode' },
        extra: { type: ['object', 'null'], additionalProperties: { type: 'string' } },
      },
    });
  });

  it('drops mistyped keywords instead of trusting them', () => {
    expect(
      parseJsonSchema({
        type: 'text',
        minimum: '3',
        required: ['a', 7],
        title: 42,
        properties: { a: 'not a schema', b: { type: 'boolean' } },
        items: [],
      }),
    ).toEqual({ required: ['a'], properties: { b: { type: 'boolean' } } });
  });

  it('is null for anything but an object', () => {
    expect(parseJsonSchema(null)).toBeNull();
    expect(parseJsonSchema([])).toBeNull();
    expect(parseJsonSchema('{}')).toBeNull();
    expect(parseJsonSchema({})).toEqual({});
  });
});
