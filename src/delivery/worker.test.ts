import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger, type Logger, silentLogger } from '../observability/logger.ts';
import type { CompiledConfig, CompiledTarget } from '../pipeline/types.ts';
import { newId } from '../store/ids.ts';
import { openSqliteStore, type SqliteStore } from '../store/sqlite.ts';
import type { Attempt, Delivery, Store } from '../store/types.ts';
import { closeSharedDispatcher } from './send.ts';
import { type AttemptInfo, DeliveryWorker } from './worker.ts';

// ---------------------------------------------------------------------------------------------
// A loopback sink that records what arrives and answers with a script.

interface Arrival {
  readonly at: number;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

type Answer = (res: ServerResponse, index: number) => void;

interface Sink {
  readonly url: string;
  readonly arrivals: Arrival[];
  /** Most requests the sink was handling at once. */
  maxConcurrent: number;
  close(): Promise<void>;
}

const closers: Array<() => Promise<void>> = [];

async function sink(answer: Answer): Promise<Sink> {
  const arrivals: Arrival[] = [];
  let current = 0;
  const server = createServer(function onRequest(req, res) {
    const at = performance.now();
    current++;
    state.maxConcurrent = Math.max(state.maxConcurrent, current);
    res.on('close', () => current--);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const index = arrivals.length;
      arrivals.push({ at, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      answer(res, index);
    });
  });
  const state: Sink = {
    url: '',
    arrivals,
    maxConcurrent: 0,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
  closers.push(state.close);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, { url: `http://127.0.0.1:${port}/hook?secret-query=1` });
}

function status(code: number, headers: Record<string, string> = {}, body = ''): (res: ServerResponse) => void {
  return (res) => res.writeHead(code, headers).end(body);
}

// ---------------------------------------------------------------------------------------------
// The real SQLite store, a config literal, and the worker under test.

let dir: string;
let store: SqliteStore;
const workers: DeliveryWorker[] = [];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hookgate-worker-'));
  store = openSqliteStore(join(dir, 'hookgate.db'));
  await store.migrate();
});

afterEach(async () => {
  await Promise.all(workers.splice(0).map((worker) => worker.stop(1_000)));
  await Promise.all(closers.splice(0).map((close) => close()));
  await closeSharedDispatcher();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function aTarget(name: string, url: string, overrides: Partial<CompiledTarget> = {}): CompiledTarget {
  return {
    name,
    kind: 'url',
    url,
    headers: { 'content-type': 'application/json', authorization: 'Bearer sink-token-value' },
    timeoutMs: 5_000,
    retry: { maxAttempts: 5, initialDelayMs: 50, maxDelayMs: 2_000, maxAgeMs: 86_400_000 },
    rateLimit: null,
    circuitBreaker: null,
    concurrency: 10,
    ...overrides,
  };
}

function configOf(...targets: CompiledTarget[]): CompiledConfig {
  return {
    path: '/tmp/routes.yaml',
    dir: '/tmp',
    sha256: 'b'.repeat(64),
    server: { host: '127.0.0.1', port: 0, bodyLimitBytes: 1024 * 1024, rateLimit: null, trustProxy: false },
    store: 'sqlite::memory:',
    retentionMs: 7 * 86_400_000,
    providers: new Map(),
    targets: new Map(targets.map((target) => [target.name, target])),
    routes: [],
    routesByProvider: new Map(),
  };
}

function startWorker(
  config: CompiledConfig,
  options: { logger?: Logger; store?: Store; onAttempt?: (info: AttemptInfo) => void } = {},
): DeliveryWorker {
  const worker = new DeliveryWorker({
    store: options.store ?? store,
    getConfig: () => config,
    logger: options.logger ?? silentLogger(),
    workerId: 'worker-test',
    onAttempt: options.onAttempt,
  });
  workers.push(worker);
  worker.start();
  return worker;
}

/** Stores one event with one delivery per target given; returns the delivery ids. */
async function enqueue(target: string, count = 1, body: (i: number) => unknown = (i) => ({ n: i })): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const deliveryId = newId('dlv');
    await store.insertEvent(
      {
        id: newId('evt'),
        provider: 'billing',
        eventType: 'invoice.paid',
        dedupKey: `dedup-${deliveryId}`,
        receivedAt: Date.now(),
        configSha256: 'b'.repeat(64),
        headers: {},
        rawBody: Buffer.from('{}'),
        status: 'accepted',
        ignored: [],
      },
      [
        {
          id: deliveryId,
          route: 'billing-route',
          target,
          idempotencyKey: `idem-${deliveryId}`,
          body: Buffer.from(JSON.stringify(body(i))),
          status: 'pending',
          nextAttemptAt: Date.now(),
        },
      ],
    );
    ids.push(deliveryId);
  }
  return ids;
}

type Finished = Delivery & { readonly attempts: readonly Attempt[] };

/** Polls until every delivery is delivered or dead (bounded). */
async function settled(ids: readonly string[], timeoutMs = 15_000): Promise<Finished[]> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const deliveries = await Promise.all(ids.map((id) => store.getDelivery(id)));
    const done = deliveries.filter((d): d is Finished => d !== null && (d.status === 'delivered' || d.status === 'dead'));
    if (done.length === ids.length) return done;
    if (Date.now() > until)
      throw new Error(`deliveries not finished within ${timeoutMs}ms: ${deliveries.map((d) => d?.status).join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Largest number of arrivals inside any half-open window [t, t + perMs). */
function busiestWindow(times: readonly number[], perMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let start = 0, end = 0; start < sorted.length; start++) {
    while (end < sorted.length && sorted[end]! < sorted[start]! + perMs) end++;
    most = Math.max(most, end - start);
  }
  return most;
}

// ---------------------------------------------------------------------------------------------

describe('DeliveryWorker', () => {
  it('retries 503 twice and delivers on the third attempt with the same Idempotency-Key', async () => {
    const s = await sink((res, i) => (i < 2 ? status(503)(res) : status(200, {}, 'ok')(res)));
    const lines: string[] = [];
    const logger = createLogger({
      level: 'info',
      destination: new Writable({
        write(chunk: Buffer, _encoding, callback) {
          lines.push(chunk.toString('utf8'));
          callback();
        },
      }),
    });
    const infos: AttemptInfo[] = [];
    const [id] = await enqueue('billing', 1, () => ({ amount: 4200, note: 'body-marker' }));
    startWorker(configOf(aTarget('billing', s.url)), { logger, onAttempt: (info) => infos.push(info) });

    const [delivery] = await settled([id!]);
    // Another reader sees the last attempt once it is committed; the worker reports it (log line,
    // onAttempt) once the commit is also synced to disk, a fraction of a millisecond later.
    await until(() => infos.length >= 3, 'the third attempt reported');
    expect(delivery?.status).toBe('delivered');
    expect(delivery?.attempts.map((a) => [a.number, a.statusCode, a.outcome])).toEqual([
      [1, 503, 'retry'],
      [2, 503, 'retry'],
      [3, 200, 'success'],
    ]);
    expect(s.arrivals).toHaveLength(3);
    expect(new Set(s.arrivals.map((a) => a.headers['idempotency-key']))).toEqual(new Set([`idem-${id}`]));
    expect(s.arrivals.every((a) => a.body === '{"amount":4200,"note":"body-marker"}')).toBe(true);
    expect(infos.map((i) => [i.target, i.outcome, i.statusCode])).toEqual([
      ['billing', 'retry', 503],
      ['billing', 'retry', 503],
      ['billing', 'success', 200],
    ]);

    // One log line per attempt, with what an operator needs and none of the secrets or the body.
    const attemptLines = lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((l) => l.msg === 'delivery attempt');
    expect(attemptLines).toHaveLength(3);
    expect(attemptLines[2]).toMatchObject({
      level: 30,
      deliveryId: id,
      eventId: delivery?.eventId,
      route: 'billing-route',
      target: 'billing',
      statusCode: 200,
      outcome: 'success',
      attempt: 3,
    });
    expect(typeof attemptLines[2]?.durationMs).toBe('number');
    const all = lines.join('\n');
    expect(all).not.toContain('body-marker');
    expect(all).not.toContain('sink-token-value');
    expect(all).not.toContain('secret-query');
  });

  it('dead-letters a 400 as rejected after one attempt', async () => {
    const s = await sink(status(400, {}, '{"error":"bad field"}'));
    const [id] = await enqueue('billing');
    startWorker(configOf(aTarget('billing', s.url)));
    const [delivery] = await settled([id!]);
    expect(delivery).toMatchObject({ status: 'dead', deadReason: 'rejected', attemptCount: 1 });
    expect(delivery?.attempts[0]).toMatchObject({ statusCode: 400, outcome: 'dead', responseSnippet: '{"error":"bad field"}' });
    expect(s.arrivals).toHaveLength(1);
  });

  it('gives up as exhausted when the retry budget is spent', async () => {
    const s = await sink(status(502));
    const [id] = await enqueue('billing');
    startWorker(
      configOf(aTarget('billing', s.url, { retry: { maxAttempts: 2, initialDelayMs: 50, maxDelayMs: 100, maxAgeMs: 86_400_000 } })),
    );
    const [delivery] = await settled([id!]);
    expect(delivery).toMatchObject({ status: 'dead', deadReason: 'exhausted', attemptCount: 2 });
    expect(s.arrivals).toHaveLength(2);
  });

  it('dead-letters a routine answering 500 as unknown, without retrying', async () => {
    const s = await sink(status(500));
    const [id] = await enqueue('onboarding');
    startWorker(configOf(aTarget('onboarding', s.url, { kind: 'routine' })));
    const [delivery] = await settled([id!]);
    expect(delivery).toMatchObject({ status: 'dead', deadReason: 'unknown', attemptCount: 1 });
    expect(delivery?.attempts[0]).toMatchObject({ statusCode: 500, outcome: 'unknown' });
    expect(s.arrivals).toHaveLength(1);
  });

  it('retries a routine answering 429 after its Retry-After, then keeps the session on the attempt', async () => {
    const fired = {
      type: 'routine_fire',
      claude_code_session_id: 'session_01xyz',
      claude_code_session_url: 'https://claude.ai/code/session_01xyz',
    };
    const s = await sink((res, i) =>
      i === 0 ? status(429, { 'retry-after': '1' })(res) : status(200, { 'content-type': 'application/json' }, JSON.stringify(fired))(res),
    );
    const [id] = await enqueue('onboarding', 1, () => ({ text: 'hello' }));
    startWorker(configOf(aTarget('onboarding', s.url, { kind: 'routine' })));
    const [delivery] = await settled([id!]);
    expect(delivery?.status).toBe('delivered');
    const [first, second] = delivery?.attempts ?? [];
    expect(first).toMatchObject({ statusCode: 429, outcome: 'retry', sessionId: null });
    expect(second).toMatchObject({
      statusCode: 200,
      outcome: 'success',
      sessionId: 'session_01xyz',
      sessionUrl: 'https://claude.ai/code/session_01xyz',
    });
    // Retry-After is a floor: the second request came at least a second after the first answer.
    expect(second!.startedAt - (first!.startedAt + first!.durationMs)).toBeGreaterThanOrEqual(1_000);
    expect(s.arrivals[1]!.at - s.arrivals[0]!.at).toBeGreaterThanOrEqual(1_000);
  });

  it('never has more requests in flight at the target than its concurrency', async () => {
    const s = await sink((res) => setTimeout(() => status(200)(res), 60));
    const ids = await enqueue('billing', 8);
    startWorker(configOf(aTarget('billing', s.url, { concurrency: 2 })));
    const deliveries = await settled(ids);
    expect(deliveries.every((d) => d.status === 'delivered')).toBe(true);
    expect(s.arrivals).toHaveLength(8);
    expect(s.maxConcurrent).toBe(2);
  });

  it('never lets a sliding window at the target hold more requests than the rate limit', async () => {
    const s = await sink(status(200));
    const limit = { requests: 3, perMs: 600 };
    const ids = await enqueue('billing', 8);
    startWorker(configOf(aTarget('billing', s.url, { rateLimit: limit })));
    const deliveries = await settled(ids);
    expect(deliveries.every((d) => d.status === 'delivered')).toBe(true);
    expect(s.arrivals).toHaveLength(8);
    expect(
      busiestWindow(
        s.arrivals.map((a) => a.at),
        limit.perMs,
      ),
    ).toBeLessThanOrEqual(limit.requests);
  });

  it('dead-letters a delivery whose target is gone from the config', async () => {
    const [id] = await enqueue('removed-target');
    startWorker(configOf());
    const [delivery] = await settled([id!]);
    expect(delivery).toMatchObject({ status: 'dead', deadReason: 'target_missing', attemptCount: 1 });
    expect(delivery?.error).toContain('removed-target');
  });

  it('keeps going when the store fails for a while', async () => {
    const s = await sink(status(200));
    const [id] = await enqueue('billing');
    let failuresLeft = 3;
    const flaky: Store = Object.create(store) as Store;
    flaky.dueTargets = async (now: number) => {
      if (failuresLeft-- > 0) throw new Error('database is locked');
      return store.dueTargets(now);
    };
    startWorker(configOf(aTarget('billing', s.url)), { store: flaky });
    const [delivery] = await settled([id!]);
    expect(delivery?.status).toBe('delivered');
    expect(failuresLeft).toBeLessThan(0);
  });

  it('stop() finishes what completes in time, then releases the rest', async () => {
    // The first request is answered quickly; the second hangs until the connection is dropped.
    const s = await sink((res, i) => (i === 0 ? setTimeout(() => status(200)(res), 50) : undefined));
    const ids = await enqueue('billing', 3);
    const worker = startWorker(configOf(aTarget('billing', s.url, { concurrency: 2, timeoutMs: 20_000 })));
    await until(() => s.arrivals.length === 2, 'both requests at the sink');

    const stoppedAt = Date.now();
    await worker.stop(800);
    // It did not wait for the hanging request's own 20 s timeout.
    expect(Date.now() - stoppedAt).toBeLessThan(5_000);
    expect(worker.inFlight).toBe(0);

    const after = await Promise.all(ids.map((id) => store.getDelivery(id)));
    const byStatus = after.map((d) => [d?.status, d?.attemptCount, d?.leaseOwner ?? null]);
    expect(byStatus.filter(([st]) => st === 'delivered')).toHaveLength(1);
    // The hanging one went back to pending without spending an attempt; the third was never claimed.
    expect(byStatus.filter(([st, attempts, owner]) => st === 'pending' && attempts === 0 && owner === null)).toHaveLength(2);
    expect(s.arrivals).toHaveLength(2);
  });

  it('stop() dead-letters a routine whose request was sent but not answered, instead of firing it again', async () => {
    const s = await sink(function neverAnswer() {});
    const [id] = await enqueue('onboarding');
    const worker = startWorker(configOf(aTarget('onboarding', s.url, { kind: 'routine', timeoutMs: 20_000 })));
    await until(() => s.arrivals.length === 1, 'the routine request at the sink');
    await worker.stop(500);
    const delivery = await store.getDelivery(id!);
    expect(delivery).toMatchObject({ status: 'dead', deadReason: 'unknown', attemptCount: 1 });
  });
});
