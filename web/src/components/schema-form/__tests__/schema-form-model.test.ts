import { describe, expect, it } from 'vitest';

import type { JsonSchema } from '@/api/types';

import {
  buildFields,
  fieldForServerError,
  fieldKind,
  flattenFields,
  humanize,
  mergeDefaults,
  schemaDefaults,
} from '@/components/schema-form/schema-form-model';
import { formStateToValues, initialState } from '@/components/schema-form/schema-form-values';

const sonarrSchema: JsonSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  required: ['timezone'],
  properties: {
    timezone: {
      type: 'string',
      title: 'Time zone',
      default: 'UTC',
      description: 'TZ database name',
    },
    replicas: { type: 'integer', minimum: 1, maximum: 3, default: 1 },
    logLevel: { type: 'string', enum: ['info', 'debug', 'trace'], default: 'info' },
    persistence: {
      type: 'object',
      required: ['size'],
      properties: {
        enabled: { type: 'boolean', default: true },
        size: { type: 'string', default: '5Gi', pattern: '^[0-9]+(Mi|Gi|Ti)$' },
        storageClass: { type: 'string' },
      },
    },
    auth: {
      type: 'object',
      properties: {
        username: { type: 'string' },
        password: { type: 'string', format: 'password' },
      },
    },
    resources: {
      type: 'object',
      properties: {
        limits: {
          type: 'object',
          properties: { cpu: { type: 'number', exclusiveMinimum: 0 }, memory: { type: 'string' } },
        },
      },
    },
    extraEnv: { type: 'array', items: { type: 'string' } },
    podAnnotations: { type: 'object', additionalProperties: { type: 'string' } },
    chartVersion: { const: 'fixed' },
  },
};

describe('schema → fields', () => {
  it('maps types to controls', () => {
    expect(fieldKind({ type: 'string' })).toBe('string');
    expect(fieldKind({ type: 'string', format: 'password' })).toBe('password');
    expect(fieldKind({ type: ['integer', 'null'] })).toBe('integer');
    expect(fieldKind({ type: 'number' })).toBe('number');
    expect(fieldKind({ type: 'boolean' })).toBe('boolean');
    expect(fieldKind({ enum: [1, 2] })).toBe('enum');
    expect(fieldKind({ type: 'array', items: { type: 'integer' } })).toBe('list');
    expect(fieldKind({ type: 'array', items: { type: 'object' } })).toBe('json');
    expect(fieldKind({ type: 'object' })).toBe('json');
    expect(fieldKind({ default: true })).toBe('boolean');
    expect(fieldKind({})).toBe('json');
  });

  it('builds a nested tree with paths, labels and required flags, skipping constants', () => {
    const fields = buildFields(sonarrSchema);
    expect(fields.map((f) => f.key)).toEqual([
      'timezone',
      'replicas',
      'logLevel',
      'persistence',
      'auth',
      'resources',
      'extraEnv',
      'podAnnotations',
    ]);
    const all = flattenFields(fields);
    const byPath = Object.fromEntries(all.map((f) => [f.path, f]));
    expect(byPath['resources.limits.cpu']?.kind).toBe('number');
    expect(byPath['persistence.size']?.required).toBe(true);
    expect(byPath.timezone?.label).toBe('Time zone');
    expect(byPath.logLevel?.label).toBe('Log level');
    expect(byPath.podAnnotations?.kind).toBe('json');
  });

  it('humanizes keys', () => {
    expect(humanize('maxUploadSize')).toBe('Max upload size');
    expect(humanize('max_upload-size')).toBe('Max upload size');
    expect(humanize('tz')).toBe('Tz');
  });
});

describe('defaults', () => {
  it('collects schema defaults and lets chart values win', () => {
    const merged = mergeDefaults(schemaDefaults(sonarrSchema), {
      persistence: { size: '20Gi' },
      extraEnv: ['A=1'],
    });
    expect(merged).toMatchObject({
      timezone: 'UTC',
      replicas: 1,
      logLevel: 'info',
      persistence: { enabled: true, size: '20Gi' },
      extraEnv: ['A=1'],
    });
  });

  it('seeds the form state from defaults', () => {
    const fields = buildFields(sonarrSchema);
    const state = initialState(fields, schemaDefaults(sonarrSchema));
    expect(state).toMatchObject({
      timezone: 'UTC',
      replicas: '1',
      logLevel: '0',
      'persistence.enabled': true,
      'persistence.size': '5Gi',
      'persistence.storageClass': '',
      'auth.password': '',
      'resources.limits.cpu': '',
    });
  });
});

describe('form state → values', () => {
  const fields = buildFields(sonarrSchema);
  const defaults = schemaDefaults(sonarrSchema);
  const start = () => initialState(fields, defaults);

  it('produces typed nested values and omits untouched empty fields', () => {
    const { values, errors } = formStateToValues(
      fields,
      {
        ...start(),
        replicas: '2',
        logLevel: '1',
        'auth.password': 's3cret',
        'resources.limits.cpu': '0.5',
        extraEnv: 'A=1\n\n B=2 ',
        podAnnotations: '{"a": "b"}',
      },
      defaults,
    );
    expect(errors).toEqual({});
    expect(values).toEqual({
      timezone: 'UTC',
      replicas: 2,
      logLevel: 'debug',
      persistence: { enabled: true, size: '5Gi' },
      auth: { password: 's3cret' },
      resources: { limits: { cpu: 0.5 } },
      extraEnv: ['A=1', 'B=2'],
      podAnnotations: { a: 'b' },
    });
  });

  it('reports invalid and missing values by path', () => {
    const { errors } = formStateToValues(
      fields,
      {
        ...start(),
        timezone: '',
        replicas: '7',
        'persistence.size': 'big',
        'resources.limits.cpu': '0',
        podAnnotations: '[1]',
      },
      defaults,
    );
    expect(errors).toEqual({
      timezone: 'This field is required.',
      replicas: 'Must be at most 3.',
      'persistence.size': 'Does not have the expected format.',
      'resources.limits.cpu': 'Must be greater than 0.',
      podAnnotations: 'Enter a JSON object ({…}).',
    });
  });

  it('rejects fractions for integers', () => {
    const { errors } = formStateToValues(fields, { ...start(), replicas: '1.5' }, defaults);
    expect(errors.replicas).toBe('Enter a whole number.');
  });

  it('sends an explicit empty string when a defaulted field is cleared', () => {
    const schema: JsonSchema = {
      type: 'object',
      properties: { baseUrl: { type: 'string', default: '/sonarr' } },
    };
    const f = buildFields(schema);
    const d = schemaDefaults(schema);
    expect(formStateToValues(f, { baseUrl: '' }, d).values).toEqual({ baseUrl: '' });
  });

  it('leaves out an optional object that was left empty, even if it has required fields', () => {
    const schema: JsonSchema = {
      type: 'object',
      properties: {
        smtp: {
          type: 'object',
          required: ['host'],
          properties: { host: { type: 'string' }, port: { type: 'integer' } },
        },
      },
    };
    const f = buildFields(schema);
    expect(formStateToValues(f, { 'smtp.host': '', 'smtp.port': '' })).toEqual({
      values: {},
      errors: {},
    });
    expect(formStateToValues(f, { 'smtp.host': '', 'smtp.port': '25' }).errors).toEqual({
      'smtp.host': 'This field is required.',
    });
  });
});

describe('fieldForServerError', () => {
  const fields = buildFields(sonarrSchema);

  it('uses error.field in dotted, pointer or values-prefixed form', () => {
    expect(fieldForServerError({ field: 'persistence.size', message: 'bad' }, fields)).toBe(
      'persistence.size',
    );
    expect(fieldForServerError({ field: '/persistence/size', message: 'bad' }, fields)).toBe(
      'persistence.size',
    );
    expect(
      fieldForServerError({ field: 'values.resources.limits.cpu', message: 'bad' }, fields),
    ).toBe('resources.limits.cpu');
  });

  it('falls back to the nearest known ancestor of error.field', () => {
    expect(fieldForServerError({ field: 'persistence.size.extra', message: 'bad' }, fields)).toBe(
      'persistence.size',
    );
  });

  it('finds the longest value path named in the message', () => {
    expect(
      fieldForServerError(
        { message: 'values.persistence.size: "big" does not match pattern' },
        fields,
      ),
    ).toBe('persistence.size');
    expect(fieldForServerError({ message: 'at /resources/limits/cpu: must be > 0' }, fields)).toBe(
      'resources.limits.cpu',
    );
    expect(fieldForServerError({ message: 'replicas must be at most 3.' }, fields)).toBe(
      'replicas',
    );
  });

  it('maps a required-property error at an object path to the missing child', () => {
    expect(
      fieldForServerError(
        { field: '/persistence', message: '"size" is a required property' },
        fields,
      ),
    ).toBe('persistence.size');
    expect(fieldForServerError({ message: '"timezone" is a required property' }, fields)).toBe(
      'timezone',
    );
  });

  it('returns null when no value is named', () => {
    expect(fieldForServerError({ message: 'The chart failed to render.' }, fields)).toBeNull();
  });
});
