/**
 * kill -9 while a routine fire and a plain delivery of the same event are both on the wire. The
 * routine may have started a run, so it must never be fired again: on SQLite the restart's
 * recovery, on PostgreSQL the lease takeover, ends it as dead `unknown`. The plain target keeps
 * at-least-once: it is sent again, with the same Idempotency-Key.
 */
import Stripe from 'stripe';
import { afterEach, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../../src/store/postgres.ts';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import type { Delivery, Store } from '../../src/store/types.ts';
import { type RouterProcess, startRouter, type TempDir, tempDir, waitUntil } from '../support/router-process.ts';
import { type Sink, startSink } from '../support/sink.ts';
import { dropSchemas, freshSchemaName, TEST_PG_URL } from '../support/store/postgres-schema.ts';

const SECRET = 'whsec_routine_crash';
const ENV = { STRIPE_WEBHOOK_SECRET: SECRET, ROUTINE_TOKEN: 'sk-ant-oat01-crash-test', HOOKGATE_LEASE: '1s' };

let sink: Sink | undefined;
let dir: TempDir | undefined;
const routers: RouterProcess[] = [];
const schemas: string[] = [];
const stores: Store[] = [];

afterEach(async () => {
  // A child killed here has no exit code for stop() to wait for: stop only the live ones.
  const live = routers.splice(0).filter((router) => router.child.exitCode === null && router.child.signalCode === null);
  await Promise.all(live.map((router) => router.stop('SIGKILL')));
  await Promise.all(stores.splice(0).map((store) => store.close()));
  await dropSchemas(schemas.splice(0));
  await sink?.close();
  dir?.remove();
});

function config(store: string, sinkUrl: string): string {
  return `version: 1
store: ${store}
providers:
  stripe:
    verify: { type: stripe, secret: "\${STRIPE_WEBHOOK_SECRET}" }
targets:
  routine:
    routine: { url: "${sinkUrl}/fire", token: "\${ROUTINE_TOKEN}" }
    timeout: 5s
  plain:
    url: "${sinkUrl}/plain"
    timeout: 5s
    retry: { initialDelay: 100ms, maxDelay: 1s }
routes:
  - { name: both, from: stripe, map: '{"id": id}', to: [routine, plain] }
`;
}

async function crashMidFlight(storeUrl: string): Promise<{ file: string }> {
  sink = await startSink();
  // The first request on each path is held open past the kill; later ones are answered at once.
  sink.on('/fire', (_req, n) => (n === 1 ? { status: 200, delayMs: 60_000 } : { status: 200, body: '{"type":"routine_fire"}' }));
  sink.on('/plain', (_req, n) => (n === 1 ? { status: 200, delayMs: 60_000 } : { status: 200 }));
  dir = tempDir('hookgate-routine-crash-');
  const file = dir.write('routes.yaml', config(storeUrl, sink.url));
  const first = await startRouter(['-c', file], ENV);
  routers.push(first);
  const payload = JSON.stringify({ id: 'evt_routine_crash', object: 'event', type: 'charge.succeeded', data: { object: {} } });
  const res = await first.post('stripe', payload, {
    'stripe-signature': Stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET }),
  });
  expect(res.status).toBe(202);
  await sink.waitFor(() => sink!.received('/fire').length === 1 && sink!.received('/plain').length === 1);
  // Not in `routers` while it can still be killed here: a killed child has no exit code to wait for.
  first.child.kill('SIGKILL');
  await new Promise((resolve) =>
    first.child.exitCode === null && first.child.signalCode === null ? first.child.once('exit', resolve) : resolve(null),
  );
  routers.push(await startRouter(['-c', file], ENV));
  return { file };
}

async function expectFiredOnce(store: Store): Promise<void> {
  const s = sink!;
  // At least once for the plain target, with the same key.
  await s.waitFor(() => s.received('/plain').length >= 2, 30_000);
  const keys = new Set(s.received('/plain').map((r) => r.headers['idempotency-key']));
  expect(keys.size).toBe(1);

  let routine: Delivery | undefined;
  await waitUntil(
    async () => {
      const page = await store.listDeliveries({ target: 'routine' });
      routine = page.items[0];
      return routine !== undefined && (routine.status === 'dead' || routine.status === 'delivered');
    },
    30_000,
    'the routine delivery finished',
  );
  expect(routine).toMatchObject({ status: 'dead', deadReason: 'unknown' });
  const detail = await store.getDelivery(routine!.id);
  expect(detail?.attempts.map((a) => a.outcome)).toEqual(['unknown']);
  expect(s.received('/fire')).toHaveLength(1);
}

describe('kill -9 with a routine fire in flight', () => {
  it('SQLite: the restart ends the routine as unknown and sends the plain delivery again', async () => {
    const { file } = await crashMidFlight('sqlite:./crash.db');
    const store = openSqliteStore(file.replace(/routes\.yaml$/, 'crash.db'));
    stores.push(store);
    await expectFiredOnce(store);
  }, 60_000);

  it('PostgreSQL: the lease takeover ends the routine as unknown and sends the plain delivery again', async () => {
    const schema = freshSchemaName();
    schemas.push(schema);
    await crashMidFlight(`"${TEST_PG_URL}?schema=${schema}"`);
    const store = openPostgresStore(TEST_PG_URL, { schema, poolMax: 2 });
    stores.push(store);
    await expectFiredOnce(store);
  }, 60_000);
});
