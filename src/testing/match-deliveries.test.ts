import { describe, expect, it } from 'vitest';
import { type ActualDelivery, deliveryDiff, matchDeliveries } from './match-deliveries.ts';
import type { ExpectedDelivery } from './types.ts';

function actual(route: string, target: string, mapped: unknown, extra: Partial<ActualDelivery> = {}): ActualDelivery {
  return { route, target, mapped, headers: { 'content-type': 'application/json', 'idempotency-key': 'hg_1' }, error: null, ...extra };
}

describe('matchDeliveries', () => {
  it('pairs expected and actual deliveries in any order', () => {
    const got = [actual('r1', 'a', { n: 1 }), actual('r1', 'b', { n: 1 }), actual('r2', 'a', 'text')];
    const want: ExpectedDelivery[] = [
      { route: 'r2', target: 'a', bodyEquals: { value: 'text' } },
      { route: 'r1', target: 'b' },
      { route: 'r1', body: { value: { n: 1 } } },
    ];
    expect(matchDeliveries(want, got)).toEqual([]);
  });

  it('finds the pairing a greedy match would miss', () => {
    // The first expectation fits both deliveries; the second fits only the first one.
    const got = [actual('r', 'a', { x: 1, y: 2 }), actual('r', 'b', { x: 1 })];
    const want: ExpectedDelivery[] = [{ body: { value: { x: 1 } } }, { body: { value: { y: 2 } } }];
    expect(matchDeliveries(want, got)).toEqual([]);
  });

  it('explains a body difference on the closest delivery with its path', () => {
    const got = [actual('onboard', 'routine', { plan: 'Pro Monthly' })];
    const failures = matchDeliveries([{ route: 'onboard', target: 'routine', body: { value: { plan: 'Pro Yearly' } } }], got);
    expect(failures).toEqual([
      {
        message: 'deliveries[0] (onboard → routine): differs at body.plan',
        path: 'body.plan',
        expected: 'Pro Yearly',
        actual: 'Pro Monthly',
      },
    ]);
  });

  it('reports a missing delivery and an unexpected one', () => {
    expect(matchDeliveries([{ route: 'r1' }], [])).toEqual([
      { message: 'deliveries[0] (r1 → *): no such delivery', expected: { route: 'r1' }, actual: [] },
    ]);
    const failures = matchDeliveries([], [actual('r2', 't', 1)]);
    expect(failures).toHaveLength(1);
    expect(failures[0]!.message).toBe('unexpected delivery (r2 → t)');
  });

  it('is the complete list: an extra delivery fails even when the expected ones match', () => {
    const failures = matchDeliveries([{ route: 'r1' }], [actual('r1', 't', 1), actual('r1', 'u', 1)]);
    expect(failures.map((f) => f.message)).toEqual(['unexpected delivery (r1 → u)']);
  });
});

describe('deliveryDiff', () => {
  it('matches a failed map only against an expected error substring', () => {
    const failed = actual('r', 't', null, { error: 'map failed: T2001 The left side of the + operator must be a number' });
    expect(deliveryDiff({ route: 'r', error: 'T2001' }, failed)).toBeNull();
    expect(deliveryDiff({ route: 'r' }, failed)?.path).toBe('error');
    expect(deliveryDiff({ error: 'T2001' }, actual('r', 't', {}))?.path).toBe('error');
  });

  it('checks headers case-insensitively and never prints a credential', () => {
    const a = actual('r', 't', {}, { headers: { Authorization: 'Bearer sk-live-secret', 'Idempotency-Key': 'hg_1' } });
    expect(deliveryDiff({ headers: { 'idempotency-key': 'hg_1' } }, a)).toBeNull();
    const d = deliveryDiff({ headers: { authorization: 'Bearer other' } }, a);
    expect(d).toEqual({ path: 'headers["authorization"]', expected: 'Bearer other', actual: '[redacted]' });
  });
});
