/**
 * Closed-loop ingest throughput: the two baselines and the floor (verify + map, nothing stored),
 * hookgate's durable ingest (--no-worker), the same with 100 and 1,000 routes, and with the
 * delivery worker on in the same process.
 */
import { benchEnv } from '../lib/bench-config.ts';
import { startBenchServer } from '../lib/children.ts';
import { type BenchContext, mb, measureIngest, sinkStats, startBenchHookgate } from '../lib/context.ts';
import type { LoadResult } from '../lib/load.ts';

function loadDetail(result: LoadResult, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    requests: result.total,
    seconds: result.durationSeconds,
    statuses: result.statuses,
    errors: result.errors,
    signedDuringRun: result.signedDuringRun,
    ...extra,
  };
}

export async function baselines(ctx: BenchContext): Promise<void> {
  const a = await startBenchServer('baseline-a.ts');
  try {
    ctx.log('baseline A: bare node:http');
    const result = await measureIngest(ctx, a.url);
    ctx.record({
      key: 'baseline_a',
      label: 'baseline A: bare node:http, 200',
      unit: 'req/s',
      value: result.requestsPerSecond,
      p50Ms: result.p50Ms,
      p99Ms: result.p99Ms,
      detail: loadDetail(result, { rssMB: mb(a.rss()) }),
    });
  } finally {
    await a.stop();
  }
  const b = await startBenchServer('baseline-b.ts', benchEnv(ctx.sink.url));
  try {
    ctx.log('baseline B: express + constructEvent + fetch');
    await sinkStats(ctx.sink, true);
    const result = await measureIngest(ctx, b.url);
    ctx.record({
      key: 'baseline_b',
      label: 'baseline B: express+stripe+fetch proxy',
      unit: 'req/s',
      value: result.requestsPerSecond,
      p50Ms: result.p50Ms,
      p99Ms: result.p99Ms,
      detail: loadDetail(result, { rssMB: mb(b.rss()) }),
    });
  } finally {
    await b.stop();
  }
  const floor = await startBenchServer('floor.ts', benchEnv(ctx.sink.url));
  try {
    ctx.log('floor: node:http + constructEvent + JSONata, nothing stored');
    const result = await measureIngest(ctx, floor.url);
    ctx.record({
      key: 'floor',
      label: 'floor: verify + JSONata, no store',
      unit: 'req/s',
      value: result.requestsPerSecond,
      p50Ms: result.p50Ms,
      p99Ms: result.p99Ms,
      detail: loadDetail(result, { rssMB: mb(floor.rss()) }),
    });
  } finally {
    await floor.stop();
  }
}

async function hookgateIngest(
  ctx: BenchContext,
  name: string,
  routes: number,
  flags: readonly string[],
): Promise<{ result: LoadResult; detail: Record<string, unknown> }> {
  const hg = await startBenchHookgate(ctx, name, { routes, flags });
  try {
    await sinkStats(ctx.sink, true);
    const result = await measureIngest(ctx, hg.child.url);
    const sink = await sinkStats(ctx.sink);
    return { result, detail: loadDetail(result, { routes, rssMB: mb(hg.child.rss()), deliveredToSinkDuringRun: sink.count }) };
  } finally {
    await hg.child.stop();
  }
}

export async function ingest(ctx: BenchContext): Promise<void> {
  ctx.log('hookgate serve --no-worker, 1 route (durable ingest)');
  const { result, detail } = await hookgateIngest(ctx, 'ingest', 1, ['--no-worker']);
  ctx.record({
    key: 'ingest',
    label: 'hookgate ingest, durable (--no-worker)',
    unit: 'req/s',
    value: result.requestsPerSecond,
    p50Ms: result.p50Ms,
    p99Ms: result.p99Ms,
    detail,
  });
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
      detail,
    });
  }
}

export async function withWorker(ctx: BenchContext): Promise<void> {
  ctx.log('hookgate serve (ingest + worker delivering to the sink)');
  const { result, detail } = await hookgateIngest(ctx, 'worker', 1, []);
  ctx.record({
    key: 'ingest_worker',
    label: 'hookgate ingest + worker in one process',
    unit: 'req/s',
    value: result.requestsPerSecond,
    p50Ms: result.p50Ms,
    p99Ms: result.p99Ms,
    detail,
  });
}
