/** A reroute into grouped and cooled-down routes: it joins a group once, and never bypasses a cooldown. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RoutesFile } from '../config/types.ts';
import { silentLogger } from '../observability/logger.ts';
import { openStore } from '../store/open.ts';
import type { Store } from '../store/types.ts';
import { compileConfig } from './compile.ts';
import { ingest } from './ingest.ts';
import { rerouteReply, rerouteStoredEvent } from './reroute.ts';

const T0 = Date.parse('2026-12-01T10:00:00.000Z');

function config(routes: RoutesFile['routes']) {
  const file: RoutesFile = {
    version: 1,
    providers: { p: { verify: { type: 'none' } } },
    targets: { t: { url: 'http://127.0.0.1:9/t' } },
    routes,
  };
  return compileConfig(file, { path: '/tmp/routes.yaml', dir: '/tmp', sha256: '0'.repeat(64) });
}

describe('reroute with fire shaping', () => {
  let store: Store;
  beforeEach(async () => {
    store = await openStore('sqlite::memory:');
  });
  afterEach(async () => {
    await store.close();
  });

  async function send(body: Record<string, unknown>, routes: RoutesFile['routes']): Promise<string> {
    const outcome = await ingest({ config: config(routes), store, logger: silentLogger() }, 'p', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      query: {},
      rawBody: Buffer.from(JSON.stringify(body)),
      receivedAt: new Date(T0),
    });
    if (outcome.kind !== 'accepted' && outcome.kind !== 'ignored') throw new Error(outcome.kind);
    return outcome.eventId;
  }

  it('an ignored event rerouted into a grouped route joins a group, once', async () => {
    const id = await send({ type: 'a', n: 1 }, [{ name: 'g', from: 'p', events: ['b'], group: { wait: '30s' }, to: 't' }]);
    const fixed = config([{ name: 'g', from: 'p', events: ['a'], group: { wait: '30s' }, to: 't' }]);
    const ctx = { config: fixed, store, logger: silentLogger(), now: () => T0 + 60_000 };
    const first = await rerouteStoredEvent(ctx, (await store.getEvent(id))!);
    expect(rerouteReply(first)).toEqual({ status: 202, body: { status: 'accepted', id: expect.any(String), deliveries: 0, grouped: 1 } });
    expect((await store.groups.listOpenGroups()).map((g) => [g.count, g.firstAt])).toEqual([[1, T0 + 60_000]]);
    await rerouteStoredEvent(ctx, (await store.getEvent(id))!);
    expect((await store.groups.listOpenGroups()).map((g) => g.count)).toEqual([1]);
  });

  it('a rerouted event does not bypass the cooldown of its key', async () => {
    const routes: RoutesFile['routes'] = [{ name: 'c', from: 'p', events: ['a'], cooldown: '1h', to: 't' }];
    await send({ type: 'a', n: 1 }, routes);
    const held = await send({ type: 'b', n: 2 }, [{ name: 'c', from: 'p', events: ['x'], to: 't' }]);
    const ctx = {
      config: config([{ name: 'c', from: 'p', events: ['a', 'b'], cooldown: '1h', to: 't' }]),
      store,
      logger: silentLogger(),
      now: () => T0 + 60_000,
    };
    const outcome = await rerouteStoredEvent(ctx, (await store.getEvent(held))!);
    expect(outcome.kind).toBe('ignored');
    expect((await store.getEvent(held))?.deliveries).toEqual([]);
    expect((await store.groups.eventShapes(held)).map((s) => [s.outcome, s.until])).toEqual([['cooldown', T0 + 3_600_000]]);
  });
});
