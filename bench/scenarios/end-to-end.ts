/**
 * End to end at a fixed rate (1,000 events/s): provider POST to arrival at the sink, p50/p99, for
 * hookgate (serve with its worker) and baseline B (which forwards before answering). Baseline A
 * forwards nothing: its figure is its own response time at the same rate, the floor.
 */
import { benchEnv } from '../lib/bench-config.ts';
import { type Child, sleep, startBenchServer } from '../lib/children.ts';
import { type BenchContext, type SinkStats, sinkStats, startBenchHookgate } from '../lib/context.ts';
import { type PacedResult, runPaced } from '../lib/paced.ts';

const ARRIVAL_TIMEOUT_MS = 60_000;

async function paced(ctx: BenchContext, server: Child, forwards: boolean): Promise<{ run: PacedResult; sink: SinkStats | null }> {
  const { e2eRate: rate, e2eSeconds: seconds, warmupSeconds } = ctx.settings;
  const base = { url: server.url, path: '/webhooks/stripe', rate, connections: 64 };
  const warm = await runPaced({ ...base, seconds: warmupSeconds });
  if (forwards) await waitForArrivals(ctx, warm.sent);
  await sinkStats(ctx.sink, true);
  const run = await runPaced({ ...base, seconds });
  if (!forwards) return { run, sink: null };
  return { run, sink: await waitForArrivals(ctx, run.sent) };
}

async function waitForArrivals(ctx: BenchContext, sent: number): Promise<SinkStats> {
  const deadline = Date.now() + ARRIVAL_TIMEOUT_MS;
  for (;;) {
    const stats = await sinkStats(ctx.sink);
    if (stats.count >= sent) return stats;
    if (Date.now() > deadline) throw new Error(`end to end: ${stats.count} of ${sent} arrived within ${ARRIVAL_TIMEOUT_MS} ms`);
    await sleep(50);
  }
}

export async function endToEnd(ctx: BenchContext): Promise<void> {
  const rate = ctx.settings.e2eRate;
  const a = await startBenchServer('baseline-a.ts');
  try {
    ctx.log(`end to end: baseline A at ${rate}/s (response time)`);
    const { run } = await paced(ctx, a, false);
    ctx.record({
      key: 'e2e_a',
      label: `A at ${rate}/s: response time`,
      unit: 'ms',
      value: run.responseP99Ms ?? NaN,
      p50Ms: run.responseP50Ms,
      p99Ms: run.responseP99Ms,
      detail: { ...run },
    });
  } finally {
    await a.stop();
  }
  const b = await startBenchServer('baseline-b.ts', benchEnv(ctx.sink.url));
  try {
    ctx.log(`end to end: baseline B at ${rate}/s (POST to sink arrival)`);
    const { run, sink } = await paced(ctx, b, true);
    ctx.record({
      key: 'e2e_b',
      label: `B at ${rate}/s: POST to sink`,
      unit: 'ms',
      value: sink?.p99 ?? NaN,
      p50Ms: sink?.p50,
      p99Ms: sink?.p99,
      detail: { ...run, sink },
    });
  } finally {
    await b.stop();
  }
  const hg = await startBenchHookgate(ctx, 'e2e');
  try {
    ctx.log(`end to end: hookgate serve at ${rate}/s (POST to sink arrival)`);
    const { run, sink } = await paced(ctx, hg.child, true);
    ctx.record({
      key: 'e2e',
      label: `hookgate at ${rate}/s: POST to sink`,
      unit: 'ms',
      value: sink?.p99 ?? NaN,
      p50Ms: sink?.p50,
      p99Ms: sink?.p99,
      detail: { ...run, sink },
    });
  } finally {
    await hg.child.stop();
  }
}
