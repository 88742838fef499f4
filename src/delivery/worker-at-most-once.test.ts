/**
 * A routine fire starts a paid run and the trigger has no idempotency: hookgate must never fire
 * one twice. Through the real worker, a real SQLite file and a real HTTP server on 127.0.0.1,
 * with a store whose writes fail on cue: a 2xx whose record fails is never sent again (it ends
 * as unknown, and the log keeps the session link), while a plain url target is sent again with
 * the same Idempotency-Key (at least once).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Sink, startSink } from '../../test/support/sink.ts';
import { dropSchemas, freshSchemaName, TEST_PG_URL } from '../../test/support/store/postgres-schema.ts';
import {
  aTarget,
  capturingLogger,
  configOf,
  enqueueInto,
  type Harness,
  waitForDelivery,
  workerHarness,
} from '../../test/support/worker-harness.ts';
import { LOST_SEND_ERROR } from '../store/lost-send.ts';
import { openPostgresStore } from '../store/postgres.ts';
import { openSqliteStore } from '../store/sqlite.ts';
import type { Store } from '../store/types.ts';
import { DeliveryWorker } from './worker.ts';

let h: Harness;
let sink: Sink;

const FIRED = {
  status: 200,
  body: '{"type":"routine_fire","claude_code_session_id":"session_01","claude_code_session_url":"https://claude.ai/code/session_01"}',
};
/** A lease of 600 ms: timeout 500 ms plus 100 ms to record. */
const SHORT_LEASE = { leaseMs: 100, leaseGraceMs: 100 } as const;

beforeEach(async () => {
  h = await workerHarness();
  sink = await startSink();
  sink.on('/fire', () => FIRED);
});

afterEach(async () => {
  await h.dispose();
  await sink.close();
});

/** A store (the harness's by default), with completeAttempt (or markSending) failing while `failing()` says so. */
function failingStore(what: 'completeAttempt' | 'markSending', failing: () => boolean, real: Store = h.store): Store & { calls: number } {
  const wrapped = Object.create(real) as Store & { calls: number };
  wrapped.calls = 0;
  if (what === 'completeAttempt') {
    wrapped.completeAttempt = async (...args) => {
      wrapped.calls++;
      if (failing()) throw new Error('disk I/O error');
      return real.completeAttempt(...args);
    };
  } else {
    wrapped.markSending = async (...args) => {
      wrapped.calls++;
      if (failing()) throw new Error('disk I/O error');
      return real.markSending(...args);
    };
  }
  return wrapped;
}

const routine = (url: string) => aTarget('r', url, { kind: 'routine', timeoutMs: 500 });

describe('a 2xx whose record fails', () => {
  it('is never sent again to a routine: the delivery ends as unknown, and the log keeps the session link', async () => {
    const store = failingStore('completeAttempt', () => true);
    const { logger, lines } = capturingLogger();
    const id = await h.enqueue('r');
    h.startWorker(configOf(routine(`${sink.url}/fire`)), { store, logger, ...SHORT_LEASE });

    const done = await h.finished(id);
    expect(done).toMatchObject({ status: 'dead', deadReason: 'unknown', error: LOST_SEND_ERROR });
    expect(done.attempts.map((a) => a.outcome)).toEqual(['unknown']);
    expect(sink.received('/fire')).toHaveLength(1);
    expect(store.calls).toBeGreaterThan(0);

    // The worker tries to record for a few seconds before it gives up and logs.
    const deadline = Date.now() + 10_000;
    const isTheLine = (line: Record<string, unknown>): boolean =>
      line.deliveryId === id && line.level === 50 && line.sessionId === 'session_01';
    while (!lines.some(isTheLine) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    const logged = lines.find(isTheLine);
    expect(logged).toMatchObject({ statusCode: 200, sessionUrl: 'https://claude.ai/code/session_01', recorded: false });
    expect(String(logged?.msg)).toMatch(/not sent again/);
  });

  it('is sent again to a url target, with the same Idempotency-Key', async () => {
    // The worker tries the record four times (at once, then after 0.1, 0.5 and 2 s): all fail.
    let failures = 4;
    const store = failingStore('completeAttempt', () => failures-- > 0);
    sink.on('/t', () => ({ status: 200 }));
    const id = await h.enqueue('t');
    h.startWorker(configOf(aTarget('t', `${sink.url}/t`, { timeoutMs: 500 })), { store, ...SHORT_LEASE });

    const done = await h.finished(id);
    expect(done).toMatchObject({ status: 'delivered' });
    const keys = sink.received('/t').map((r) => r.headers['idempotency-key']);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toBe(`idem-${id}`);
    expect(keys[1]).toBe(keys[0]);
  });

  it('is not sent again after a restart on the same SQLite file: recovery ends it as unknown', async () => {
    const store = failingStore('completeAttempt', () => true);
    const id = await h.enqueue('r');
    // A long lease: only the restart can end this delivery.
    const worker = h.startWorker(configOf(routine(`${sink.url}/fire`)), { store, leaseMs: 60_000 });
    await sink.waitFor((requests) => requests.length === 1);
    await h.waitFor(id, () => store.calls > 0, 'recorded in vain');
    await worker.stop(200);
    expect(await h.store.getDelivery(id)).toMatchObject({ status: 'in_flight' });

    await h.store.close();
    h.store = openSqliteStore(h.file);
    await h.store.migrate();
    expect(await h.store.recoverInFlight(Date.now())).toBe(1);
    h.startWorker(configOf(routine(`${sink.url}/fire`)));
    expect(await h.finished(id)).toMatchObject({ status: 'dead', deadReason: 'unknown' });
    // A fresh worker with a healthy store had its chance to pick anything up.
    const other = await h.enqueue('r');
    await h.finished(other);
    expect(sink.received('/fire')).toHaveLength(2);
  });
});

describe('a 2xx whose record fails, on PostgreSQL', () => {
  it('is never sent again to a routine: another worker taking the lease over ends it as unknown', async () => {
    const schema = freshSchemaName();
    const pg = openPostgresStore(TEST_PG_URL, { schema, poolMax: 4 });
    const workers: DeliveryWorker[] = [];
    try {
      await pg.migrate();
      const failing = failingStore('completeAttempt', () => true, pg);
      const id = await enqueueInto(pg, 'r');
      const config = configOf(routine(`${sink.url}/fire`));
      const { logger } = capturingLogger();
      // The worker that sent it cannot record; a healthy replica takes over once the lease is out.
      for (const store of [failing, pg]) {
        const worker = new DeliveryWorker({ store, getConfig: () => config, logger, ...SHORT_LEASE });
        workers.push(worker);
        worker.start();
        if (store === failing) await sink.waitFor((requests) => requests.length === 1);
      }
      const done = await waitForDelivery(pg, id, (d) => d.status === 'dead' || d.status === 'delivered', 'finished');
      expect(done).toMatchObject({ status: 'dead', deadReason: 'unknown', error: LOST_SEND_ERROR });
      expect(sink.received('/fire')).toHaveLength(1);
    } finally {
      await Promise.all(workers.map((worker) => worker.stop(1_000)));
      await pg.close();
      await dropSchemas([schema]);
    }
  });
});

describe('the sending mark', () => {
  it('a routine is not sent while its mark cannot be written, and is sent once when it can', async () => {
    let failures = 1;
    const store = failingStore('markSending', () => failures-- > 0);
    const id = await h.enqueue('r');
    h.startWorker(configOf(routine(`${sink.url}/fire`)), { store });
    const done = await h.finished(id);
    expect(done).toMatchObject({ status: 'delivered', attemptCount: 1 });
    expect(done.attempts[0]).toMatchObject({ sessionId: 'session_01' });
    expect(store.calls).toBe(2);
    expect(sink.received('/fire')).toHaveLength(1);
  });

  it('a url target is sent without a mark', async () => {
    const store = failingStore('markSending', () => true);
    sink.on('/t', () => ({ status: 200 }));
    const id = await h.enqueue('t');
    h.startWorker(configOf(aTarget('t', `${sink.url}/t`)), { store });
    expect(await h.finished(id)).toMatchObject({ status: 'delivered' });
    expect(store.calls).toBe(0);
  });
});
