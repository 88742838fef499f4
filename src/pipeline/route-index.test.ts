/** The event-type index must select exactly what matching every route one by one would. */
import { describe, expect, it } from 'vitest';
import { compileEventPatterns, eventMatches } from './match-event.ts';
import { MAX_EVENT_TYPES, selectRoutes } from './route-index.ts';
import type { CompiledRoute } from './types.ts';

function route(name: string, events?: readonly string[]): CompiledRoute {
  return {
    name,
    provider: 'p',
    events: compileEventPatterns(events),
    filter: null,
    map: null,
    targets: ['t'],
    group: null,
    cooldown: null,
  };
}

const ROUTES: readonly CompiledRoute[] = [
  route('all'),
  route('exact', ['customer.subscription.created']),
  route('prefix', ['customer.subscription']),
  route('top', ['customer']),
  route('star-middle', ['customer.*.created']),
  route('star-first', ['*.created']),
  route('star-only', ['*']),
  route('two-patterns', ['invoice.paid', 'customer.subscription.deleted']),
  route('longer-than-event', ['customer.subscription.created.extra']),
  route('none', []),
  route('other', ['charge.refunded']),
];

const TYPES = [
  'customer.subscription.created',
  'customer.subscription.deleted',
  'customer.created',
  'customer',
  'invoice.paid',
  'invoice.paid.late',
  'charge.refunded',
  'created',
  '',
  'a.b.c.d.e',
];

describe('selectRoutes', () => {
  it.each(TYPES)('selects for %j what eventMatches does, in declaration order', (type) => {
    const selection = selectRoutes(ROUTES, type);
    const expected = ROUTES.filter((r) => eventMatches(r.events, type));
    expect(selection.matching.map((r) => r.name)).toEqual(expected.map((r) => r.name));
    expect(selection.notListed).toEqual(
      ROUTES.filter((r) => !eventMatches(r.events, type)).map((r) => ({ route: r.name, reason: `event type "${type}" is not in events` })),
    );
    expect(selection.positions).toEqual(expected.map((r) => ROUTES.indexOf(r)));
  });

  it('answers the same type from memory, with the same frozen reasons', () => {
    const first = selectRoutes(ROUTES, 'customer.subscription.created');
    const again = selectRoutes(ROUTES, 'customer.subscription.created');
    expect(again).toBe(first);
    expect(Object.isFrozen(first.notListed)).toBe(true);
    expect(Object.isFrozen(first.notListed[0])).toBe(true);
  });

  it('keeps one index per routes array (a reloaded config starts afresh)', () => {
    const copy = [...ROUTES];
    expect(selectRoutes(copy, 'invoice.paid')).not.toBe(selectRoutes(ROUTES, 'invoice.paid'));
    expect(selectRoutes(copy, 'invoice.paid')).toEqual(selectRoutes(ROUTES, 'invoice.paid'));
  });

  it('stays right past the bound on remembered event types', () => {
    const routes = [route('x', ['t.1']), route('y', ['t'])];
    for (let i = 0; i < MAX_EVENT_TYPES + 10; i++) {
      const type = `t.${i}`;
      expect(selectRoutes(routes, type).matching.map((r) => r.name)).toEqual(i === 1 ? ['x', 'y'] : ['y']);
    }
    expect(selectRoutes(routes, 't.1').matching.map((r) => r.name)).toEqual(['x', 'y']);
  });
});
