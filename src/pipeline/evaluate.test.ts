/** evaluateRoutes over the event-type index: reasons for every route, in declaration order. */
import { describe, expect, it } from 'vitest';
import type { RoutesFile } from '../config/types.ts';
import { compileConfig } from './compile.ts';
import { evaluateRoutes } from './evaluate.ts';

function config(routes: RoutesFile['routes']) {
  const file: RoutesFile = {
    version: 1,
    providers: { p: { verify: { type: 'none' } }, empty: { verify: { type: 'none' } } },
    targets: { t: { url: 'http://127.0.0.1:9/t' } },
    routes,
  };
  return compileConfig(file, { path: '/tmp/routes.yaml', dir: '/tmp', sha256: '0'.repeat(64) });
}

function input(eventType: string, body: unknown) {
  return {
    body,
    provider: 'p',
    eventType,
    dedupKey: 'k',
    req: { method: 'POST', headers: {}, query: {}, rawBody: Buffer.from('{}'), receivedAt: new Date(0) },
  };
}

describe('evaluateRoutes', () => {
  const compiled = config([
    { name: 'a-other-type', from: 'p', events: ['other'], to: 't' },
    { name: 'b-filtered', from: 'p', events: ['order'], filter: 'ok = true', to: 't' },
    { name: 'c-other-type', from: 'p', events: ['other.too'], to: 't' },
    { name: 'd-delivered', from: 'p', events: ['order'], map: '{"route": $route, "event": $event}', to: 't' },
    { name: 'e-filtered', from: 'p', filter: 'ok = true', to: 't' },
    { name: 'f-other-type', from: 'p', events: ['x'], to: 't' },
  ]);
  const routes = compiled.routesByProvider.get('p')!;

  it('lists every route that did not deliver, in declaration order, with its reason', async () => {
    const result = await evaluateRoutes(routes, compiled, input('order.created', { ok: false }));
    expect(result.deliveries.map((d) => d.route)).toEqual(['d-delivered']);
    expect(result.ignored).toEqual([
      { route: 'a-other-type', reason: 'event type "order.created" is not in events' },
      { route: 'b-filtered', reason: 'filter returned false' },
      { route: 'c-other-type', reason: 'event type "order.created" is not in events' },
      { route: 'e-filtered', reason: 'filter returned false' },
      { route: 'f-other-type', reason: 'event type "order.created" is not in events' },
    ]);
    expect(result.filteredOut).toEqual([
      { route: 'b-filtered', reason: 'filter returned false' },
      { route: 'e-filtered', reason: 'filter returned false' },
    ]);
  });

  it('binds $route per route', async () => {
    const result = await evaluateRoutes(routes, compiled, input('order.created', { ok: true }));
    expect(result.deliveries.map((d) => d.route)).toEqual(['b-filtered', 'd-delivered', 'e-filtered']);
    expect(result.deliveries[1]?.mapped).toEqual({ route: 'd-delivered', event: 'order.created' });
  });

  it('says so when the provider has no route', async () => {
    const result = await evaluateRoutes(compiled.routesByProvider.get('empty')!, compiled, input('x', {}));
    expect(result).toEqual({
      deliveries: [],
      ignored: [{ route: '*', reason: 'no route is declared for provider p' }],
      filteredOut: [],
      shapes: [],
    });
  });
});
