import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { verifierTypes } from '../providers/registry.ts';
import type { JsonSchema } from './schema.ts';
import { buildSchema } from './schema.ts';
import type { RoutesFile } from './types.ts';
import { validateSchema } from './validate-schema.ts';
import { SCHEMA_FILE, schemaFileText } from './write-schema.ts';

function isObject(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every subschema, with its JSON pointer. */
function* walk(schema: unknown, pointer = '#'): Generator<[string, JsonSchema]> {
  if (Array.isArray(schema)) {
    for (const [i, s] of schema.entries()) yield* walk(s, `${pointer}/${i}`);
    return;
  }
  if (!isObject(schema)) return;
  yield [pointer, schema];
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'properties' && isObject(value)) {
      for (const [name, s] of Object.entries(value)) yield* walk(s, `${pointer}/properties/${name}`);
    } else if (typeof value === 'object') {
      yield* walk(value, `${pointer}/${key}`);
    }
  }
}

describe('routes schema', () => {
  it('the committed schemas/routes.schema.json is exactly buildSchema() (run npx tsx src/config/write-schema.ts)', () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(schemaFileText());
  });

  it('describes every property, for editor hover help', () => {
    const undocumented: string[] = [];
    for (const [pointer, schema] of walk(buildSchema())) {
      if (!isObject(schema.properties) || pointer.includes('/if')) continue;
      for (const [name, property] of Object.entries(schema.properties)) {
        if (!isObject(property) || typeof property.description !== 'string' || property.description === '') {
          undocumented.push(`${pointer}/properties/${name}`);
        }
      }
    }
    expect(undocumented).toEqual([]);
  });

  it('closes every object against typos (additionalProperties: false, or a type dispatch whose branches are closed)', () => {
    const open: string[] = [];
    for (const [pointer, schema] of walk(buildSchema())) {
      if (!isObject(schema.properties)) continue;
      if (pointer.includes('/if')) continue;
      const closed = schema.additionalProperties === false;
      const dispatch =
        Array.isArray(schema.allOf) && schema.allOf.every((b) => isObject(b) && isObject(b.then) && b.then.additionalProperties === false);
      if (!closed && !dispatch) open.push(pointer);
    }
    expect(open).toEqual([]);
  });

  it("takes each verifier type's options from its registered module", () => {
    const verify = (
      (((buildSchema().properties as JsonSchema).providers as JsonSchema).additionalProperties as JsonSchema).properties as JsonSchema
    ).verify as JsonSchema;
    const branches = verify.allOf as JsonSchema[];
    const registered = [...verifierTypes.values()];
    expect(branches.map((b) => b.then)).toEqual(registered.map((t) => t.optionsSchema));
    expect(((verify.properties as JsonSchema).type as JsonSchema).enum).toEqual(registered.map((t) => t.type));
  });

  it('accepts a config that uses every field of RoutesFile (the types and the schema agree)', () => {
    const full: RoutesFile = {
      version: 1,
      server: { port: 8787, bodyLimit: '1mb', rateLimit: { requests: 600, per: '1m' }, trustProxy: ['10.0.0.0/8'] },
      store: 'sqlite:./data/hookgate.db',
      retention: '7d',
      providers: {
        stripe: { verify: { type: 'stripe', secret: 'x', tolerance: '5m' } },
        backend: {
          verify: { type: 'hmac', header: 'x-signature', algorithm: 'sha256', encoding: 'hex', prefix: 'sha256=', secrets: ['a', 'b'] },
          event: 'type',
          id: '$headers."x-request-id"',
        },
      },
      targets: {
        routine: {
          routine: { url: 'https://api.example/fire', token: 't', beta: 'b' },
          timeout: '30s',
          rateLimit: { requests: 5, per: '1s', concurrency: 2 },
        },
        api: {
          url: 'https://api.example/hooks',
          auth: { basic: { username: 'u', password: 'p' } },
          headers: { 'x-team': 'growth' },
          retry: { maxAttempts: 10, initialDelay: '5s', maxDelay: '1h' },
        },
      },
      routes: [
        { name: 'r', from: 'stripe', events: ['customer.*'], filter: 'true', map: '$', to: ['routine', 'api'] },
        { name: 'g', from: 'stripe', group: { by: 'data.id', wait: '30s', maxWait: '5m', max: 100 }, cooldown: '1h', to: 'api' },
        { name: 'c', from: 'stripe', cooldown: { by: 'data.id', for: '10m' }, to: 'api' },
      ],
    };
    expect(validateSchema(JSON.parse(JSON.stringify(full)))).toEqual([]);
  });

  it('rejects what the types forbid (the schema can fail)', () => {
    expect(validateSchema({ version: 1, providers: {}, targets: {}, routes: [], extra: true }).length).toBeGreaterThan(0);
    expect(validateSchema({ version: 1, providers: {}, targets: {} }).length).toBeGreaterThan(0);
    const route = (extra: Record<string, unknown>) => ({
      version: 1,
      providers: {},
      targets: {},
      routes: [{ name: 'r', from: 'p', to: 't', ...extra }],
    });
    expect(validateSchema(route({ group: { by: 'x' } })).length).toBeGreaterThan(0);
    expect(validateSchema(route({ group: { wait: '30s', size: 3 } })).length).toBeGreaterThan(0);
    expect(validateSchema(route({ cooldown: 'soon' })).length).toBeGreaterThan(0);
    expect(validateSchema(route({ cooldown: { by: 'x' } })).length).toBeGreaterThan(0);
  });
});
