/** POST /admin/events/{id}/reroute and POST /admin/reroute over HTTP, with a real SQLite store. */
import express from 'express';
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RoutesFile } from '../config/types.ts';
import { silentLogger } from '../observability/logger.ts';
import { compileConfig } from '../pipeline/compile.ts';
import { ingest } from '../pipeline/ingest.ts';
import type { CompiledConfig } from '../pipeline/types.ts';
import { openStore } from '../store/open.ts';
import type { Store } from '../store/types.ts';
import { createAdminRouter } from './admin.ts';

const TOKEN = 'admin-test-token-5678';
const AUTH = { authorization: `Bearer ${TOKEN}` };
const FILE: RoutesFile = {
  version: 1,
  providers: { p: { verify: { type: 'none' } } },
  targets: { t: { url: 'http://127.0.0.1:9/t' } },
  routes: [{ name: 'orders', from: 'p', events: ['order.paid'], to: 't' }],
};
const meta = (n: string) => ({ path: '/tmp/routes.yaml', dir: '/tmp', sha256: n.repeat(64) });

let store: Store;
let app: express.Express;
let config: CompiledConfig;
let notified: number;

beforeEach(async () => {
  store = await openStore('sqlite::memory:');
  notified = 0;
  config = compileConfig(FILE, meta('1'));
  app = express();
  app.use(
    '/admin',
    createAdminRouter({ token: TOKEN, store, logger: silentLogger(), notifyWorker: () => void notified++, config: () => config }),
  );
});

afterEach(async () => {
  await store.close();
});

async function receive(type: string, id: string): Promise<{ eventId: string; dedupKey: string }> {
  const outcome = await ingest({ config, store, logger: silentLogger() }, 'p', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    query: {},
    rawBody: Buffer.from(JSON.stringify({ id, type })),
    receivedAt: new Date(),
  });
  if (outcome.kind !== 'ignored' && outcome.kind !== 'accepted') throw new Error(outcome.kind);
  return { eventId: outcome.eventId, dedupKey: outcome.dedupKey };
}

describe('admin reroute', () => {
  it('routes one ignored event again under the reloaded config and answers like ingress', async () => {
    const { eventId, dedupKey } = await receive('order.created', 'a');
    const before = await request(app).post(`/admin/events/${eventId}/reroute`).set(AUTH);
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({ status: 'ignored', id: dedupKey });

    config = compileConfig({ ...FILE, routes: [{ name: 'orders', from: 'p', events: ['order'], to: 't' }] }, meta('2'));
    const after = await request(app).post(`/admin/events/${eventId}/reroute`).set(AUTH);
    expect(after.status).toBe(202);
    expect(after.body).toEqual({ status: 'accepted', id: dedupKey, deliveries: 1 });
    expect(notified).toBe(1);
    expect((await store.getEvent(eventId))?.deliveries).toHaveLength(1);
  });

  it('answers 404 with a code for an unknown event, and 401 without the token', async () => {
    const missing = await request(app).post('/admin/events/evt_nope/reroute').set(AUTH);
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('not_found');
    expect((await request(app).post('/admin/events/evt_nope/reroute')).status).toBe(401);
  });

  it('bulk: lists on a dry run, then reroutes the ignored events and counts the accepted ones', async () => {
    await receive('order.created', 'b');
    await receive('order.created', 'c');
    await receive('order.paid', 'd');
    config = compileConfig({ ...FILE, routes: [{ name: 'orders', from: 'p', events: ['order.created'], to: 't' }] }, meta('3'));
    const dry = await request(app).post('/admin/reroute').set(AUTH).send({ status: 'ignored', since: '1h', dryRun: true });
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ count: 2, truncated: false });
    expect(dry.body.items).toHaveLength(2);
    expect((await store.listEvents({ status: 'ignored' })).items).toHaveLength(2);

    const done = await request(app).post('/admin/reroute').set(AUTH).send({ status: 'ignored' });
    expect(done.status).toBe(202);
    expect(done.body).toEqual({ rerouted: 2, accepted: 2, truncated: false });
    expect((await store.listEvents({ status: 'ignored' })).items).toEqual([]);
  });

  it.each([
    ['no status', '{"dryRun":true}', 'status'],
    ['an unknown field', '{"status":"ignored","stauts":"x"}', 'stauts'],
    ['a bad since', '{"status":"ignored","since":"yesterday-ish"}', 'since'],
  ])('bulk: answers 400 for %s', async (_name, body, parameter) => {
    const res = await request(app).post('/admin/reroute').set(AUTH).set('content-type', 'application/json').send(body);
    expect(res.status).toBe(400);
    expect(res.body.parameter).toBe(parameter);
  });
});
