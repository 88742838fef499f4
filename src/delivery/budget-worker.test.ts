/** The worker with shared budgets: a real SQLite store, a real HTTP sink on 127.0.0.1. */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Sink, startSink } from '../../test/support/sink.ts';
import { createLogger, type Logger } from '../observability/logger.ts';
import type { CompiledBudget, CompiledConfig, CompiledTarget } from '../pipeline/types.ts';
import { newId } from '../store/ids.ts';
import { openSqliteStore, type SqliteStore } from '../store/sqlite.ts';
import { BudgetClaimLog, HELD_LOG_EVERY_MS } from './budget-worker.ts';
import { closeSharedDispatcher } from './send.ts';
import { DeliveryWorker } from './worker.ts';

let dir: string;
let store: SqliteStore;
let sink: Sink;
const workers: DeliveryWorker[] = [];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hookgate-budget-'));
  store = openSqliteStore(join(dir, 'hookgate.db'));
  await store.migrate();
  sink = await startSink();
});

afterEach(async () => {
  await Promise.all(workers.splice(0).map((worker) => worker.stop(1_000)));
  await sink.close();
  await closeSharedDispatcher();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function target(name: string, url: string, overrides: Partial<CompiledTarget> = {}): CompiledTarget {
  return {
    name,
    kind: 'url',
    url,
    headers: { 'content-type': 'application/json' },
    timeoutMs: 5_000,
    retry: { maxAttempts: 5, initialDelayMs: 50, maxDelayMs: 200, maxAgeMs: 86_400_000 },
    rateLimit: null,
    circuitBreaker: null,
    concurrency: 10,
    budget: 'runs',
    ...overrides,
  };
}

function config(budget: Omit<CompiledBudget, 'name' | 'targets'>, ...targets: CompiledTarget[]): CompiledConfig {
  return {
    path: '/tmp/routes.yaml',
    dir: '/tmp',
    sha256: 'b'.repeat(64),
    server: { host: '127.0.0.1', port: 0, bodyLimitBytes: 1024 * 1024, rateLimit: null, trustProxy: false },
    store: 'sqlite::memory:',
    retentionMs: 7 * 86_400_000,
    providers: new Map(),
    targets: new Map(targets.map((t) => [t.name, t])),
    budgets: new Map([['runs', { name: 'runs', ...budget, targets: targets.map((t) => t.name) }]]),
    routes: [],
    routesByProvider: new Map(),
  };
}

function lines(): { logger: Logger; entries: () => Array<Record<string, unknown>> } {
  const out: string[] = [];
  const logger = createLogger({
    level: 'info',
    destination: new Writable({
      write(chunk: Buffer, _encoding, callback) {
        out.push(chunk.toString('utf8'));
        callback();
      },
    }),
  });
  return { logger, entries: () => out.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

function start(cfg: CompiledConfig, logger?: Logger): DeliveryWorker {
  const worker = new DeliveryWorker({ store, getConfig: () => cfg, logger: logger ?? lines().logger, workerId: 'budget-test' });
  workers.push(worker);
  worker.start();
  return worker;
}

async function enqueue(targetName: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const id = newId('dlv');
    await store.insertEvent(
      {
        id: newId('evt'),
        provider: 'sentry',
        eventType: 'issue.created',
        dedupKey: `d-${id}`,
        receivedAt: Date.now(),
        configSha256: 'b'.repeat(64),
        headers: {},
        rawBody: Buffer.from('{}'),
        status: 'accepted',
        ignored: [],
      },
      [
        {
          id,
          route: 'triage',
          target: targetName,
          idempotencyKey: `idem-${id}`,
          body: Buffer.from(`{"n":${i}}`),
          status: 'pending',
          nextAttemptAt: Date.now(),
        },
      ],
    );
    ids.push(id);
  }
  return ids;
}

async function poll<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Most arrivals inside any half-open window [t, t + perMs). */
function busiestWindow(times: readonly number[], perMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let first = 0, end = 0; first < sorted.length; first++) {
    while (end < sorted.length && sorted[end]! < sorted[first]! + perMs) end++;
    most = Math.max(most, end - first);
  }
  return most;
}

describe('DeliveryWorker with a budget', () => {
  it('sends at most limit requests per window across the targets, holds the rest in the store and sends them later', async () => {
    const per = 1_000;
    const { logger, entries } = lines();
    const ids = [...(await enqueue('a', 4)), ...(await enqueue('b', 3))];
    start(config({ limit: 2, perMs: per, over: 'hold' }, target('a', `${sink.url}/a`), target('b', `${sink.url}/b`)), logger);

    // While the first two are sent, the rest wait in the store, marked held by the budget.
    const held = await poll(
      () => Promise.all(ids.map((id) => store.getDelivery(id))),
      (all) => all.some((d) => d?.status === 'pending' && d.heldBy === 'runs'),
      'a held delivery',
    );
    expect(held.find((d) => d?.heldBy === 'runs')?.heldUntil).toBeGreaterThan(Date.now() - per);
    await sink.waitFor((requests) => requests.length === 7, 20_000);
    expect(
      busiestWindow(
        sink.requests.map((r) => r.at),
        per,
      ),
    ).toBeLessThanOrEqual(2);
    await poll(
      () => Promise.all(ids.map((id) => store.getDelivery(id))),
      (all) => all.every((d) => d?.status === 'delivered'),
      'all delivered',
    );
    // Every delivery was sent once: holding spends no attempt.
    const attempts = await Promise.all(ids.map(async (id) => (await store.getDelivery(id))?.attempts.length));
    expect(attempts).toEqual([1, 1, 1, 1, 1, 1, 1]);
    expect(entries().some((e) => e.msg === 'budget full: deliveries held' && e.budget === 'runs' && e.level === 40)).toBe(true);
  });

  it('a 429 from one target pauses the whole budget until its Retry-After, and gives its unit back', async () => {
    const { logger, entries } = lines();
    sink.on('/a', (_req, n) => (n === 1 ? { status: 429, headers: { 'retry-after': '2' } } : { status: 200 }));
    const [first] = await enqueue('a', 1);
    const cfg = config({ limit: 5, perMs: 60_000, over: 'hold' }, target('a', `${sink.url}/a`), target('b', `${sink.url}/b`));
    start(cfg, logger);
    await sink.waitFor((requests) => requests.length === 1);
    const refusedAt = sink.requests[0]!.at;
    const paused = await poll(
      () => store.budgetStats([{ name: 'runs', perMs: 60_000 }], Date.now()),
      (stats) => stats[0]?.pausedUntil !== null,
      'the budget paused',
    );
    expect(paused[0]?.pausedUntil).toBeGreaterThanOrEqual(refusedAt + 1_500);
    // The refused request's unit came back: nothing counts while nothing was sent.
    expect(paused[0]?.used).toBe(0);

    // Another target of the same budget waits out the pause too.
    await enqueue('b', 1);
    await sink.waitFor((requests) => requests.length === 3, 20_000);
    const [, second, third] = sink.requests;
    expect(Math.min(second!.at, third!.at)).toBeGreaterThanOrEqual(refusedAt + 1_900);
    const delivery = await poll(
      () => store.getDelivery(first!),
      (d) => d?.status === 'delivered',
      'the refused delivery delivered',
    );
    expect(delivery?.attempts.map((a) => a.statusCode)).toEqual([429, 200]);
    expect(entries().some((e) => e.msg === 'budget paused: a target answered 429' && e.target === 'a' && e.level === 40)).toBe(true);
  });

  it('a 429 with Retry-After: 3600 pauses the budget for an hour and spends no attempt', async () => {
    sink.on('/a', () => ({ status: 429, headers: { 'retry-after': '3600' } }));
    const [id] = await enqueue('a', 1);
    start(config({ limit: 15, perMs: 86_400_000, over: 'hold' }, target('a', `${sink.url}/a`)));
    await sink.waitFor((requests) => requests.length === 1);
    const refusedAt = sink.requests[0]!.at;
    const delivery = await poll(
      () => store.getDelivery(id!),
      (d) => d?.attempts.length === 1,
      'the refused attempt recorded',
    );
    expect(delivery).toMatchObject({ status: 'pending', attemptsInRound: 0, attemptCount: 1 });
    expect(delivery?.nextAttemptAt).toBeGreaterThanOrEqual(refusedAt + 3_599_000);
    const stats = await poll(
      () => store.budgetStats([{ name: 'runs', perMs: 86_400_000 }], Date.now()),
      (all) => all[0]?.pausedUntil !== null,
      'the budget paused',
    );
    expect(stats[0]?.pausedUntil).toBeGreaterThanOrEqual(refusedAt + 3_599_000);
    expect(stats[0]?.used).toBe(0);
  });

  it('over: drop dead-letters what the window has no room for as over_budget, with no attempt, and logs each', async () => {
    const { logger, entries } = lines();
    const ids = await enqueue('a', 3);
    start(config({ limit: 1, perMs: 60_000, over: 'drop' }, target('a', `${sink.url}/a`)), logger);
    const done = await poll(
      () => Promise.all(ids.map((id) => store.getDelivery(id))),
      (all) => all.every((d) => d?.status === 'delivered' || d?.status === 'dead'),
      'every delivery delivered or dropped',
    );
    expect(done.map((d) => d?.status).sort()).toEqual(['dead', 'dead', 'delivered']);
    const dropped = done.filter((d) => d?.status === 'dead');
    expect(dropped.every((d) => d?.deadReason === 'over_budget' && d.attempts.length === 0)).toBe(true);
    expect(sink.requests).toHaveLength(1);
    await poll(
      async () => entries().filter((e) => e.msg === 'budget full: delivery dropped').length,
      (n) => n === 2,
      'two drop lines',
    );
  });

  it('a request that never connected gives its unit back, so the other target still gets its turn in the window', async () => {
    // A port that refuses connections: listen, note the port, close.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));

    const [down] = await enqueue('down', 1);
    const cfg = config(
      { limit: 1, perMs: 60_000, over: 'hold' },
      target('down', `http://127.0.0.1:${port}/x`, {
        retry: { maxAttempts: 3, initialDelayMs: 50, maxDelayMs: 100, maxAgeMs: 86_400_000 },
      }),
      target('up', `${sink.url}/up`),
    );
    start(cfg);
    await poll(
      () => store.getDelivery(down!),
      (d) => d?.status === 'dead',
      'the unreachable delivery to give up',
    );
    const [up] = await enqueue('up', 1);
    await poll(
      () => store.getDelivery(up!),
      (d) => d?.status === 'delivered',
      'the other target delivered in the same window',
    );
    expect((await store.budgetStats([{ name: 'runs', perMs: 60_000 }], Date.now()))[0]?.used).toBe(1);
  });
});

describe('BudgetClaimLog', () => {
  const budget: CompiledBudget = { name: 'runs', limit: 15, perMs: 86_400_000, over: 'hold', targets: ['a'] };
  const claim = (held: number) => ({ claimed: [], held, heldUntil: 5_000, dropped: [], used: 15, pausedUntil: null });

  it('writes one held line per budget per interval during a storm, counting every delivery held since the last', () => {
    const { logger, entries } = lines();
    const log = new BudgetClaimLog(logger);
    log.claimed(budget, claim(3), 1_000);
    log.claimed(budget, claim(2), 2_000);
    log.claimed(budget, claim(0), 3_000);
    log.claimed(budget, claim(4), 1_000 + HELD_LOG_EVERY_MS);
    const held = entries().filter((e) => e.msg === 'budget full: deliveries held');
    expect(held.map((e) => [e.level, e.budget, e.held, e.used, e.limit])).toEqual([
      [40, 'runs', 3, 15, 15],
      [40, 'runs', 6, 15, 15],
    ]);
  });
});
