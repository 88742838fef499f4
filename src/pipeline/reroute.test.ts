/** Rerouting stored events through the current config, with a real SQLite store. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RoutesFile } from '../config/types.ts';
import { silentLogger } from '../observability/logger.ts';
import { openStore } from '../store/open.ts';
import type { Store } from '../store/types.ts';
import { compileConfig } from './compile.ts';
import { ingest } from './ingest.ts';
import { rerouteMatching, rerouteReply, rerouteStoredEvent } from './reroute.ts';

const BROKEN: RoutesFile = {
  version: 1,
  providers: { p: { verify: { type: 'none' } } },
  targets: { t: { url: 'http://127.0.0.1:9/t' }, u: { url: 'http://127.0.0.1:9/u' } },
  routes: [{ name: 'orders', from: 'p', events: ['order.created'], filter: 'status = "pais"', to: 't' }],
};
const FIXED: RoutesFile = {
  ...BROKEN,
  routes: [
    { name: 'orders', from: 'p', events: ['order.created'], filter: 'status = "paid"', map: '{"order": id}', to: 't' },
    { name: 'audit', from: 'p', to: 'u' },
  ],
};
const at = (sha: string) => ({ path: '/tmp/routes.yaml', dir: '/tmp', sha256: sha.repeat(64) });

describe('rerouting stored events', () => {
  let store: Store;
  const broken = compileConfig(BROKEN, at('1'));
  const fixed = compileConfig(FIXED, at('2'));

  beforeEach(async () => {
    store = await openStore('sqlite::memory:');
  });
  afterEach(async () => {
    await store.close();
  });

  async function receive(id: string, status: string): Promise<string> {
    const outcome = await ingest({ config: broken, store, logger: silentLogger() }, 'p', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': id },
      query: {},
      rawBody: Buffer.from(JSON.stringify({ id, type: 'order.created', status })),
      receivedAt: new Date(),
    });
    if (outcome.kind !== 'ignored') throw new Error(`expected ignored, got ${outcome.kind}`);
    return outcome.eventId;
  }

  it('routes an ignored event under the fixed config, mapping it as ingest would, and answers like ingress', async () => {
    const eventId = await receive('o1', 'paid');
    const event = (await store.getEvent(eventId))!;
    let woken = 0;
    const outcome = await rerouteStoredEvent({ config: fixed, store, logger: silentLogger(), onStored: () => woken++ }, event);
    expect(outcome.kind).toBe('accepted');
    expect(rerouteReply(outcome)).toMatchObject({ status: 202, body: { status: 'accepted', deliveries: 2 } });
    expect(woken).toBe(1);
    const stored = await store.getEvent(eventId);
    expect(stored).toMatchObject({ status: 'accepted', configSha256: '2'.repeat(64) });
    const orders = stored?.deliveries.find((d) => d.route === 'orders');
    expect(JSON.parse(orders!.body!.toString())).toEqual({ order: 'o1' });
  });

  it('never adds a delivery twice: a second reroute of the same event adds nothing', async () => {
    const eventId = await receive('o2', 'paid');
    await rerouteStoredEvent({ config: fixed, store, logger: silentLogger() }, (await store.getEvent(eventId))!);
    const again = await rerouteStoredEvent({ config: fixed, store, logger: silentLogger() }, (await store.getEvent(eventId))!);
    expect(again.kind === 'accepted' && again.added).toEqual([]);
    expect((await store.getEvent(eventId))?.deliveries).toHaveLength(2);
  });

  it('keeps an event ignored, with the new reasons, when the fixed config still does not take it', async () => {
    const noAudit = compileConfig({ ...FIXED, routes: [FIXED.routes[0]!] }, at('3'));
    const eventId = await receive('o3', 'refunded');
    const outcome = await rerouteStoredEvent({ config: noAudit, store, logger: silentLogger() }, (await store.getEvent(eventId))!);
    expect(outcome).toMatchObject({ kind: 'ignored', ignored: [{ route: 'orders', reason: 'filter returned false' }] });
    expect(rerouteReply(outcome).status).toBe(200);
    expect(await store.getEvent(eventId)).toMatchObject({ status: 'ignored', configSha256: '3'.repeat(64), deliveries: [] });
  });

  it('lists on a dry run and reroutes every matching event, oldest first', async () => {
    const first = await receive('o4', 'paid');
    const second = await receive('o5', 'paid');
    const ctx = { config: fixed, store, logger: silentLogger() };
    const dry = await rerouteMatching(ctx, { status: 'ignored' }, true);
    expect(dry.matched.map((e) => e.id)).toEqual([first, second]);
    expect((await store.getEvent(first))?.status).toBe('ignored');
    const done = await rerouteMatching(ctx, { status: 'ignored' }, false);
    expect(done.outcomes.map((o) => o.kind)).toEqual(['accepted', 'accepted']);
    expect((await store.listEvents({ status: 'ignored' })).items).toEqual([]);
  });

  it('refuses an event whose provider is no longer configured, without touching it', async () => {
    const eventId = await receive('o6', 'paid');
    const other = compileConfig(
      { ...FIXED, providers: { q: { verify: { type: 'none' } } }, routes: [{ name: 'q', from: 'q', to: 't' }] },
      at('4'),
    );
    const outcome = await rerouteStoredEvent({ config: other, store, logger: silentLogger() }, (await store.getEvent(eventId))!);
    expect(outcome.kind).toBe('unroutable');
    expect(rerouteReply(outcome).status).toBe(422);
    expect((await store.getEvent(eventId))?.status).toBe('ignored');
  });
});
