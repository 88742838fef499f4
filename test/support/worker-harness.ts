/**
 * A delivery worker on a real SQLite file, fed one delivery at a time, for tests that watch what
 * the worker does with a target's answers. Everything is real: the store, the worker, and the
 * HTTP exchange with a loopback sink (test/support/sink.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { closeSharedDispatcher } from '../../src/delivery/send.ts';
import { DeliveryWorker, type DeliveryWorkerOptions } from '../../src/delivery/worker.ts';
import { createLogger, type Logger } from '../../src/observability/logger.ts';
import type { CompiledConfig, CompiledTarget } from '../../src/pipeline/types.ts';
import { newId } from '../../src/store/ids.ts';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite.ts';
import type { Attempt, Delivery, Store } from '../../src/store/types.ts';

export type Finished = Delivery & { readonly attempts: readonly Attempt[] };

export function aTarget(name: string, url: string, overrides: Partial<CompiledTarget> = {}): CompiledTarget {
  return {
    name,
    kind: 'url',
    url,
    headers: { 'content-type': 'application/json' },
    timeoutMs: 5_000,
    retry: { maxAttempts: 5, initialDelayMs: 50, maxDelayMs: 2_000, maxAgeMs: 86_400_000 },
    rateLimit: null,
    circuitBreaker: null,
    concurrency: 10,
    ...overrides,
  };
}

export function configOf(...targets: CompiledTarget[]): CompiledConfig {
  return {
    path: '/tmp/routes.yaml',
    dir: '/tmp',
    sha256: 'c'.repeat(64),
    server: { host: '127.0.0.1', port: 0, bodyLimitBytes: 1024 * 1024, rateLimit: null, trustProxy: false },
    store: 'sqlite::memory:',
    retentionMs: 7 * 86_400_000,
    providers: new Map(),
    targets: new Map(targets.map((target) => [target.name, target])),
    routes: [],
    routesByProvider: new Map(),
  };
}

/** Log lines a worker wrote, parsed. */
export function capturingLogger(): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger({ level: 'info', destination }), lines };
}

/** Stores one event with one delivery to `target` in `store`; `receivedAt` sets its creation time. */
export async function enqueueInto(
  store: Store,
  target: string,
  options: { readonly receivedAt?: number; readonly body?: unknown } = {},
): Promise<string> {
  const deliveryId = newId('dlv');
  const receivedAt = options.receivedAt ?? Date.now();
  await store.insertEvent(
    {
      id: newId('evt'),
      provider: 'billing',
      eventType: 'invoice.paid',
      dedupKey: `dedup-${deliveryId}`,
      receivedAt,
      configSha256: 'c'.repeat(64),
      headers: {},
      rawBody: Buffer.from('{}'),
      status: 'accepted',
      ignored: [],
    },
    [
      {
        id: deliveryId,
        route: 'r',
        target,
        idempotencyKey: `idem-${deliveryId}`,
        body: Buffer.from(JSON.stringify(options.body ?? { n: 1 })),
        status: 'pending',
        nextAttemptAt: Date.now(),
      },
    ],
  );
  return deliveryId;
}

/** Polls `store` until `check` passes on the delivery (bounded). */
export async function waitForDelivery(
  store: Store,
  id: string,
  check: (delivery: Finished) => boolean,
  what: string,
  timeoutMs = 15_000,
): Promise<Finished> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const delivery = await store.getDelivery(id);
    if (delivery && check(delivery)) return delivery;
    if (Date.now() > deadline) throw new Error(`delivery ${id} not ${what} within ${timeoutMs} ms: ${JSON.stringify(delivery)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export interface Harness {
  readonly file: string;
  store: SqliteStore;
  /** Stores one event with one delivery to `target`; `receivedAt` sets its creation time. */
  enqueue(target: string, options?: { readonly receivedAt?: number; readonly body?: unknown }): Promise<string>;
  startWorker(config: CompiledConfig, options?: Partial<DeliveryWorkerOptions>): DeliveryWorker;
  /** Polls until the delivery is delivered or dead (bounded). */
  finished(id: string, timeoutMs?: number): Promise<Finished>;
  /** Polls until `check` passes on the delivery (bounded). */
  waitFor(id: string, check: (delivery: Finished) => boolean, what: string, timeoutMs?: number): Promise<Finished>;
  /** Stops the workers, closes the store and removes the folder. */
  dispose(): Promise<void>;
}

export async function workerHarness(): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'hookgate-worker-'));
  const file = join(dir, 'hookgate.db');
  const workers: DeliveryWorker[] = [];
  const harness: Harness = {
    file,
    store: openSqliteStore(file),
    enqueue(target, options = {}) {
      return enqueueInto(harness.store, target, options);
    },
    startWorker(config, options = {}) {
      const { logger } = capturingLogger();
      const worker = new DeliveryWorker({ store: harness.store as Store, getConfig: () => config, logger, ...options });
      workers.push(worker);
      worker.start();
      return worker;
    },
    finished(id, timeoutMs) {
      return harness.waitFor(id, (d) => d.status === 'delivered' || d.status === 'dead', 'delivered or dead', timeoutMs);
    },
    waitFor(id, check, what, timeoutMs) {
      return waitForDelivery(harness.store, id, check, what, timeoutMs);
    },
    async dispose() {
      await Promise.all(workers.splice(0).map((worker) => worker.stop(1_000)));
      await closeSharedDispatcher();
      await harness.store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await harness.store.migrate();
  return harness;
}
