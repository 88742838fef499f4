/**
 * Closed-loop ingest throughput: the floor (verify + map, nothing stored), durable by hand
 * (express + constructEvent + SQLite synchronous=FULL, one transaction per request) and the
 * seed's proxy (fetch before answering), each in its own process; hookgate's durable ingest
 * (--no-worker) with the WAL it writes per event; the same with 100 and 1,000 routes; and with
 * the delivery worker on in the same process.
 */
import { benchEnv } from '../lib/bench-config.ts';
import { type Child, startBenchServer } from '../lib/children.ts';
import { type BenchContext, type Measured, mb, measureIngest, sinkStats, startBenchHookgate } from '../lib/context.ts';
import { SignedPool } from '../lib/fixture.ts';
import { runLoad } from '../lib/load.ts';
import { fmt } from '../lib/report.ts';
import { startWalWindow, type WalFigures } from '../lib/wal.ts';

function loadDetail(result: Measured, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    requests: result.total,
    acknowledged: result.acknowledged,
    seconds: result.durationSeconds,
    statuses: result.statuses,
    errors: result.errors,
    signedDuringRun: result.signedDuringRun,
    ...extra,
  };
}

async function baseline(ctx: BenchContext, key: string, label: string, server: () => Promise<Child>): Promise<void> {
  const child = await server();
  try {
    ctx.log(label);
    const result = await measureIngest(ctx, child);
    ctx.record({
      key,
      label,
      unit: 'req/s',
      value: result.requestsPerSecond,
      p50Ms: result.p50Ms,
      p99Ms: result.p99Ms,
      cpuUsPerEvent: result.cpuUsPerEvent,
      detail: loadDetail(result, { rssMB: mb(child.rss()) }),
    });
  } finally {
    await child.stop();
  }
}

export async function baselines(ctx: BenchContext): Promise<void> {
  const env = benchEnv(ctx.sink.url);
  await baseline(ctx, 'floor', 'floor: node:http + verify + JSONata, no store', () => startBenchServer('floor.ts', env));
  await baseline(ctx, 'durable_by_hand', 'durable by hand: express + SQLite FULL, tx/request', () =>
    startBenchServer('durable-by-hand.ts', { ...env, BENCH_DIR: ctx.work }),
  );
  await sinkStats(ctx.sink, true);
  await baseline(ctx, 'baseline_b', "seed's proxy: express + fetch before 202", () => startBenchServer('baseline-b.ts', env));
}

interface IngestRun {
  readonly result: Measured;
  readonly detail: Record<string, unknown>;
  readonly wal: WalFigures | { readonly error: string } | null;
}

async function hookgateIngest(
  ctx: BenchContext,
  name: string,
  routes: number,
  flags: readonly string[],
  options: { readonly wal?: boolean; readonly bin?: string } = {},
): Promise<IngestRun> {
  const hg = await startBenchHookgate(ctx, name, { routes, flags, ...(options.bin ? { bin: options.bin } : {}) });
  try {
    let sinkBefore = 0;
    const result = await measureIngest(ctx, hg.child, async function resetSink() {
      await sinkStats(ctx.sink, true);
      sinkBefore = 0;
    });
    const sink = await sinkStats(ctx.sink);
    const delivered = sink.count - sinkBefore;
    const accepted = result.statuses['202'] ?? 0;
    const detail = loadDetail(result, {
      routes,
      rssMB: mb(hg.child.rss()),
      deliveredToSinkDuringRun: delivered,
      keptPace: accepted > 0 ? delivered / accepted : null,
    });
    const wal = options.wal ? await walBatch(ctx, hg) : null;
    return { result, detail, wal };
  } finally {
    await hg.child.stop();
  }
}

/** A batch of events with the WAL held open around it (lib/wal.ts): what the store writes per event. */
export async function walBatch(
  ctx: BenchContext,
  hg: { child: Child; database: string },
): Promise<WalFigures | { readonly error: string }> {
  const n = ctx.args.quick ? 1_000 : 5_000;
  const url = hg.child.url;
  const pokePool = new SignedPool(20);
  const window = await startWalWindow(hg.database, async function poke() {
    await runLoad({ url, path: '/webhooks/stripe', pool: pokePool, connections: 1, amount: 1 });
  });
  const batch = await runLoad({ url, path: '/webhooks/stripe', pool: new SignedPool(n), connections: ctx.settings.connections, amount: n });
  const accepted = batch.statuses['202'] ?? 0;
  if (accepted !== n) return { error: `the WAL batch expected ${n} accepted events, got ${JSON.stringify(batch.statuses)}` };
  return window.finish(accepted);
}

export function walLines(wal: WalFigures | { readonly error: string }): string[] {
  if ('error' in wal) return [`WAL per event: not measured (${wal.error})`];
  const lines = [
    `WAL per event over ${wal.events.toLocaleString('en-US')} events (page ${wal.pageSize} B, checkpoints held off): ` +
      `${fmt(wal.walBytesPerEvent)} bytes, ${fmt(wal.framesPerEvent)} frames, ${fmt(wal.distinctPagesPerEvent)} distinct pages; ` +
      `index b-trees: ${fmt(wal.indexFramesPerEvent)} frames, ${fmt(wal.indexDistinctPagesPerEvent)} distinct pages`,
  ];
  for (const [name, t] of Object.entries(wal.byBtree)) {
    lines.push(
      `  ${name.startsWith('(') ? '' : t.index ? 'index ' : 'table '}${name}: ${fmt(t.framesPerEvent)} frames, ${fmt(t.distinctPagesPerEvent)} distinct pages per event`,
    );
  }
  return lines;
}

/** With --compare-bin: the same figure from the other tree, in this run (key `<key>_compared`). */
async function compared(ctx: BenchContext, key: string, label: string, flags: readonly string[], wal: boolean): Promise<void> {
  const bin = ctx.args.compareBin;
  if (!bin) return;
  ctx.log(`${label}, --compare-bin ${bin}`);
  const run = await hookgateIngest(ctx, `${key}-compared`, 1, flags, { wal, bin });
  ctx.record({
    key: `${key}_compared`,
    label: `${label} [compare-bin]`,
    unit: 'req/s',
    value: run.result.requestsPerSecond,
    p50Ms: run.result.p50Ms,
    p99Ms: run.result.p99Ms,
    cpuUsPerEvent: run.result.cpuUsPerEvent,
    detail: { ...run.detail, bin },
  });
  if (run.wal)
    ctx.section(
      'wal_compared',
      run.wal,
      walLines(run.wal).map((line) => `[compare-bin] ${line}`),
    );
}

export async function ingest(ctx: BenchContext): Promise<void> {
  await compared(ctx, 'ingest', 'hookgate ingest, durable (--no-worker)', ['--no-worker'], true);
  ctx.log('hookgate serve --no-worker, 1 route (durable ingest)');
  const { result, detail, wal } = await hookgateIngest(ctx, 'ingest', 1, ['--no-worker'], { wal: true });
  ctx.record({
    key: 'ingest',
    label: 'hookgate ingest, durable (--no-worker)',
    unit: 'req/s',
    value: result.requestsPerSecond,
    p50Ms: result.p50Ms,
    p99Ms: result.p99Ms,
    cpuUsPerEvent: result.cpuUsPerEvent,
    detail,
  });
  if (wal) ctx.section('wal', wal, walLines(wal));
}

export async function routes(ctx: BenchContext, haveOneRoute: boolean): Promise<void> {
  const counts = haveOneRoute ? [100, 1_000] : [1, 100, 1_000];
  for (const count of counts) {
    ctx.log(`hookgate serve --no-worker, ${count} routes on stripe`);
    const { result, detail } = await hookgateIngest(ctx, `routes-${count}`, count, ['--no-worker']);
    ctx.record({
      key: `routes_${count}`,
      label: `hookgate ingest, ${count.toLocaleString('en-US')} routes`,
      unit: 'req/s',
      value: result.requestsPerSecond,
      p50Ms: result.p50Ms,
      p99Ms: result.p99Ms,
      cpuUsPerEvent: result.cpuUsPerEvent,
      detail,
    });
  }
}

export async function withWorker(ctx: BenchContext): Promise<void> {
  await compared(ctx, 'ingest_worker', 'hookgate full serve (ingest + worker)', [], false);
  ctx.log('hookgate serve (ingest + worker delivering to the sink)');
  const { result, detail } = await hookgateIngest(ctx, 'worker', 1, []);
  ctx.record({
    key: 'ingest_worker',
    label: 'hookgate full serve (ingest + worker)',
    unit: 'req/s',
    value: result.requestsPerSecond,
    p50Ms: result.p50Ms,
    p99Ms: result.p99Ms,
    cpuUsPerEvent: result.cpuUsPerEvent,
    detail,
  });
}
