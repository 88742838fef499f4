/**
 * Delivery throughput: N events (one delivery each) are ingested with --no-worker, then a
 * `serve --worker-only` process drains them to the sink. The figure is N over the time from the
 * first arrival at the sink to the moment the store holds no pending or in-flight delivery
 * (polled every 20 ms, so it errs on the slow side).
 */
import Database from 'better-sqlite3';
import { sleep } from '../lib/children.ts';
import { type BenchContext, mb, sinkStats, startBenchHookgate } from '../lib/context.ts';
import { microsPer } from '../lib/cpu.ts';
import { SignedPool } from '../lib/fixture.ts';
import { runLoad } from '../lib/load.ts';
import { wallMs } from '../lib/paced.ts';

/** Past this, the figure is what was delivered so far over the time it took (marked timedOut). */
const DRAIN_TIMEOUT_MS = 60_000;

export async function delivery(ctx: BenchContext): Promise<void> {
  if (ctx.args.compareBin) await drain(ctx, 'delivery_compared', ' [compare-bin]', ctx.args.compareBin);
  await drain(ctx, 'delivery', '', undefined);
}

async function drain(ctx: BenchContext, key: string, suffix: string, bin: string | undefined): Promise<void> {
  const n = ctx.settings.deliveryEvents;
  const other = bin ? { bin } : {};
  ctx.log(`delivery${suffix}: ingesting ${n} events with --no-worker`);
  const ingestRun = await startBenchHookgate(ctx, key, { flags: ['--no-worker'], ...other });
  try {
    const loaded = await runLoad({
      url: ingestRun.child.url,
      path: '/webhooks/stripe',
      pool: new SignedPool(n),
      connections: ctx.settings.connections,
      amount: n,
    });
    if ((loaded.statuses['202'] ?? 0) !== n)
      throw new Error(`delivery: expected ${n} accepted events, got ${JSON.stringify(loaded.statuses)}`);
  } finally {
    await ingestRun.child.stop();
  }

  ctx.log(`delivery${suffix}: serve --worker-only draining ${n} deliveries to the sink`);
  await sinkStats(ctx.sink, true);
  const db = new Database(ingestRun.database, { readonly: true, fileMustExist: true });
  const remaining = db.prepare<[], number>(`SELECT COUNT(*) FROM deliveries WHERE status IN ('pending', 'in_flight')`).pluck();
  const worker = await startBenchHookgate(ctx, `${key}-worker`, { dir: ingestRun.dir, flags: ['--worker-only'], ...other });
  // From the moment it listens: its start-up (loading the sources) is not delivery work.
  const cpuBefore = worker.child.cpu();
  try {
    const deadline = Date.now() + DRAIN_TIMEOUT_MS;
    let drainedAt = 0;
    let timedOut = false;
    while (drainedAt === 0) {
      await sleep(20);
      if ((remaining.get() ?? 1) === 0) drainedAt = wallMs();
      else if (Date.now() > deadline) {
        timedOut = true;
        drainedAt = wallMs();
      }
    }
    const cpuAfter = worker.child.cpu();
    const sink = await sinkStats(ctx.sink);
    const seconds = (drainedAt - sink.firstAt) / 1000;
    const delivered = db.prepare<[], number>(`SELECT COUNT(*) FROM deliveries WHERE status = 'delivered'`).pluck().get() ?? 0;
    ctx.record({
      key,
      label: `delivery, one worker process${suffix}`,
      unit: 'deliveries/s',
      value: delivered / seconds,
      cpuUsPerEvent: microsPer(cpuBefore, cpuAfter, delivered),
      detail: {
        deliveries: n,
        delivered,
        timedOut,
        sinkReceived: sink.count,
        seconds,
        concurrency: ctx.settings.workerConcurrency,
        rssMB: mb(worker.child.rss()),
      },
    });
  } finally {
    db.close();
    await worker.child.stop();
  }
}
