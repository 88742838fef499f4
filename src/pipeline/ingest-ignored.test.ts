/** What ingest stores as an event's ignored reasons: all of them when ignored, the filtered-out ones when accepted. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RoutesFile } from '../config/types.ts';
import { silentLogger } from '../observability/logger.ts';
import { openStore } from '../store/open.ts';
import type { Store } from '../store/types.ts';
import { compileConfig } from './compile.ts';
import { ingest } from './ingest.ts';

const FILE: RoutesFile = {
  version: 1,
  providers: { p: { verify: { type: 'none' } } },
  targets: { t: { url: 'http://127.0.0.1:9/t' } },
  routes: [
    { name: 'other-type', from: 'p', events: ['invoice.paid'], to: 't' },
    { name: 'filtered', from: 'p', events: ['order'], filter: 'ok = true', to: 't' },
    { name: 'takes-all', from: 'p', events: ['order.created'], filter: 'take = true', to: 't' },
  ],
};

describe('ingest: stored ignored reasons', () => {
  let store: Store;
  const config = compileConfig(FILE, { path: '/tmp/routes.yaml', dir: '/tmp', sha256: '0'.repeat(64) });

  beforeEach(async () => {
    store = await openStore('sqlite::memory:');
  });
  afterEach(async () => {
    await store.close();
  });

  async function send(id: string, body: Record<string, unknown>) {
    const rawBody = Buffer.from(JSON.stringify({ id, type: 'order.created', ...body }));
    const outcome = await ingest({ config, store, logger: silentLogger() }, 'p', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      query: {},
      rawBody,
      receivedAt: new Date(),
    });
    if (outcome.kind !== 'accepted' && outcome.kind !== 'ignored') throw new Error(`unexpected ${outcome.kind}`);
    const stored = await store.getEvent(outcome.eventId);
    return { outcome, stored };
  }

  it("keeps every route's reason on an ignored event", async () => {
    const { outcome, stored } = await send('e1', { ok: false, take: false });
    expect(outcome.kind).toBe('ignored');
    expect(stored?.ignored).toEqual([
      { route: 'other-type', reason: 'event type "order.created" is not in events' },
      { route: 'filtered', reason: 'filter returned false' },
      { route: 'takes-all', reason: 'filter returned false' },
    ]);
  });

  it('keeps the filtered-out routes on an accepted event, and reports every reason in the outcome', async () => {
    const { outcome, stored } = await send('e2', { ok: false, take: true });
    expect(outcome.kind).toBe('accepted');
    expect(stored?.ignored).toEqual([{ route: 'filtered', reason: 'filter returned false' }]);
    expect(outcome.ignored).toEqual([
      { route: 'other-type', reason: 'event type "order.created" is not in events' },
      { route: 'filtered', reason: 'filter returned false' },
    ]);
  });
});

describe('ingest: an ignored event does not hold its dedup key', () => {
  it('routes a redelivery anew after routes.yaml was fixed, under the same event id, then answers duplicate', async () => {
    const store = await openStore('sqlite::memory:');
    try {
      const before = compileConfig(FILE, { path: '/tmp/routes.yaml', dir: '/tmp', sha256: '1'.repeat(64) });
      const fixed = compileConfig(
        { ...FILE, routes: [{ name: 'fixed', from: 'p', events: ['order.created'], to: 't' }] },
        { path: '/tmp/routes.yaml', dir: '/tmp', sha256: '2'.repeat(64) },
      );
      const request = {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        query: {},
        rawBody: Buffer.from(JSON.stringify({ id: 'e9', type: 'order.created', ok: false, take: false })),
        receivedAt: new Date(),
      };
      const first = await ingest({ config: before, store, logger: silentLogger() }, 'p', request);
      expect(first.kind).toBe('ignored');
      const second = await ingest({ config: fixed, store, logger: silentLogger() }, 'p', request);
      expect(second.kind).toBe('accepted');
      if (first.kind !== 'ignored' || second.kind !== 'accepted') return;
      expect(second.eventId).toBe(first.eventId);
      const stored = await store.getEvent(first.eventId);
      expect(stored).toMatchObject({ status: 'accepted', configSha256: '2'.repeat(64) });
      expect(stored?.deliveries.map((d) => d.route)).toEqual(['fixed']);
      expect((await ingest({ config: fixed, store, logger: silentLogger() }, 'p', request)).kind).toBe('duplicate');
    } finally {
      await store.close();
    }
  });
});
