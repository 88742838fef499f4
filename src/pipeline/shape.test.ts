import { describe, expect, it } from 'vitest';
import type { RoutesFile } from '../config/types.ts';
import { compileConfig } from './compile.ts';
import { evaluateRoutes } from './evaluate.ts';
import { shapeKey, storedDeliveries, storeShape } from './shape.ts';

function config(routes: RoutesFile['routes']) {
  const file: RoutesFile = {
    version: 1,
    providers: { p: { verify: { type: 'none' } } },
    targets: { t: { url: 'http://127.0.0.1:9/t' }, u: { url: 'http://127.0.0.1:9/u' } },
    routes,
  };
  return compileConfig(file, { path: '/tmp/routes.yaml', dir: '/tmp', sha256: '0'.repeat(64) });
}

function input(body: unknown) {
  return {
    body,
    provider: 'p',
    eventType: 'issue.created',
    dedupKey: 'k',
    req: { method: 'POST', headers: {}, query: {}, rawBody: Buffer.from('{}'), receivedAt: new Date(0) },
  };
}

describe('shaping at evaluation', () => {
  const compiled = config([
    { name: 'grouped', from: 'p', group: { by: 'issue.id', wait: '30s' }, map: '$group.count', to: 't' },
    { name: 'cooled', from: 'p', cooldown: { by: 'issue.id', for: '1h' }, map: '{"id": issue.id}', to: ['t', 'u'] },
    { name: 'plain', from: 'p', to: 't' },
    { name: 'bad-key', from: 'p', group: { by: '$error("no key")', wait: '30s' }, to: 't' },
  ]);

  it('a grouped route creates no delivery and does not map: it plans a join under its key', async () => {
    const result = await evaluateRoutes(compiled.routes, compiled, input({ issue: { id: 42 } }));
    expect(result.shapes.map((s) => [s.kind, s.route.name, s.key])).toEqual([
      ['join', 'grouped', '42'],
      ['gate', 'cooled', '42'],
    ]);
    expect(result.deliveries.map((d) => [d.route, d.target, d.error === null])).toEqual([
      ['cooled', 't', true],
      ['cooled', 'u', true],
      ['plain', 't', true],
      ['bad-key', 't', false],
    ]);
    expect(result.deliveries.find((d) => d.route === 'bad-key')?.error).toMatch(/^group\.by failed: .*no key/);
  });

  it('storeShape holds a gated route’s deliveries back for the store to decide, and passes the rest', async () => {
    const result = await evaluateRoutes(compiled.routes, compiled, input({ issue: { id: 'a' } }));
    const deliveries = result.deliveries.map((d) => ({
      id: d.deliveryId,
      route: d.route,
      target: d.target,
      idempotencyKey: d.idempotencyKey,
      body: d.payload,
      status: 'pending' as const,
      nextAttemptAt: 0,
    }));
    const shape = storeShape(result.shapes, deliveries);
    expect(shape.plain.map((d) => d.route)).toEqual(['plain', 'bad-key']);
    expect(shape.write?.joins).toEqual([{ route: 'grouped', key: 'a', waitMs: 30_000, maxWaitMs: 300_000, max: 1000, cooldownMs: null }]);
    expect(shape.write?.gates.map((g) => [g.route, g.key, g.forMs, g.deliveries.map((d) => d.target)])).toEqual([
      ['cooled', 'a', 3_600_000, ['t', 'u']],
    ]);
    expect(storedDeliveries(deliveries, [{ route: 'cooled', outcome: 'cooldown', until: 1 }]).map((d) => d.route)).toEqual([
      'plain',
      'bad-key',
    ]);
    expect(storeShape([], deliveries)).toEqual({ plain: deliveries, write: null });
  });
});

describe('shapeKey', () => {
  it.each([
    [undefined, ''],
    [null, ''],
    ['abc', 'abc'],
    [42, '42'],
    [true, 'true'],
    [{ a: 1 }, '{"a":1}'],
    [['x', 'y'], '["x","y"]'],
  ])('%j -> %j', (value, key) => {
    expect(shapeKey(value)).toBe(key);
  });
});
