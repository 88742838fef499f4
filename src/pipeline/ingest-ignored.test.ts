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
