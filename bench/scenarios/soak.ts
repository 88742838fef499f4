/**
 * Memory soak (`--soak`, not in CI): 1M events through one `hookgate serve` (worker on, delivering
 * to the sink), in chunks of 100k so every chunk's signatures are fresh, with the router's RSS
 * sampled every second. "Flat" compares the last quarter of the samples with the second quarter.
 */
import { type BenchContext, mb, sinkStats, startBenchHookgate } from '../lib/context.ts';
import { SignedPool } from '../lib/fixture.ts';
import { runLoad } from '../lib/load.ts';

const CHUNK = 100_000;

interface Sample {
  readonly seconds: number;
  readonly events: number;
  readonly rssMB: number;
}

function average(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
}

export async function soak(ctx: BenchContext): Promise<void> {
  const total = ctx.args.soakEvents;
  ctx.log(`soak: ${total.toLocaleString('en-US')} events through hookgate serve (worker on)`);
  await sinkStats(ctx.sink, true);
  const hg = await startBenchHookgate(ctx, 'soak');
  const samples: Sample[] = [];
  const started = performance.now();
  let events = 0;
  const sampler = setInterval(function sample() {
    const rss = mb(hg.child.rss());
    if (rss !== null) samples.push({ seconds: Math.round((performance.now() - started) / 1000), events, rssMB: rss });
  }, 1_000);
  const statuses: Record<string, number> = {};
  try {
    while (events < total) {
      const amount = Math.min(CHUNK, total - events);
      const result = await runLoad({
        url: hg.child.url,
        path: '/webhooks/stripe',
        pool: new SignedPool(amount),
        connections: ctx.settings.connections,
        amount,
      });
      for (const [status, n] of Object.entries(result.statuses)) statuses[status] = (statuses[status] ?? 0) + n;
      events += result.total;
      ctx.log(`soak: ${events.toLocaleString('en-US')} events, RSS ${samples[samples.length - 1]?.rssMB ?? '?'} MB`);
      if (result.total === 0) throw new Error('soak: a chunk completed no request');
    }
  } finally {
    clearInterval(sampler);
    await hg.child.stop();
  }
  const seconds = (performance.now() - started) / 1000;
  const rss = samples.map((s) => s.rssMB);
  const q = Math.floor(rss.length / 4);
  const second = average(rss.slice(q, 2 * q));
  const last = average(rss.slice(3 * q));
  const sink = await sinkStats(ctx.sink);
  ctx.record({
    key: 'soak_rss_max',
    label: `soak: router RSS max over ${(total / 1e6).toLocaleString('en-US')}M events`,
    unit: 'MB',
    value: Math.max(...rss),
    detail: {
      events,
      seconds,
      eventsPerSecond: events / seconds,
      statuses,
      deliveredToSink: sink.count,
      rssSecondQuarterMB: second,
      rssLastQuarterMB: last,
      driftPercent: ((last - second) / second) * 100,
      samples,
    },
  });
}
