/**
 * `npm run bench [-- --quick | --soak]`: hookgate against three baselines (the floor, durable by
 * hand, the seed's proxy), in one run, on 127.0.0.1, every server in its own process, pinned to
 * another core than the load generator where the machine allows. Prints a table with each
 * figure's ratio to the floor and its CPU time per event, the store's WAL per event, the logging
 * cost per line and the admin listing times, and writes bench/results/latest.json. See bench/README.md.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { type BenchArgs, DEFAULT_SCENARIOS, parseArgs } from './lib/args.ts';
import { startBenchServer, usePinning } from './lib/children.ts';
import { type BenchContext, settingsFor } from './lib/context.ts';
import { pinGenerator } from './lib/cpu.ts';
import type { Figure } from './lib/figures.ts';
import { REPO_ROOT } from './lib/fixture.ts';
import { type Extra, fmt, rate, table, targetLines, targets } from './lib/report.ts';
import { delivery } from './scenarios/delivery.ts';
import { endToEnd } from './scenarios/end-to-end.ts';
import { listings } from './scenarios/listings.ts';
import { logging } from './scenarios/logging.ts';
import { soak } from './scenarios/soak.ts';
import { storm } from './scenarios/storm.ts';
import { baselines, ingest, routes, withWorker } from './scenarios/throughput.ts';

function wanted(args: BenchArgs, name: string): boolean {
  if (args.only.length > 0) return args.only.includes(name);
  // The quick run takes every scenario (listings with a small store); a full run leaves listings to --only.
  return args.quick || (DEFAULT_SCENARIOS as readonly string[]).includes(name);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const settings = settingsFor(args);
  const work = mkdtempSync(path.join(tmpdir(), 'hookgate-bench-'));
  const figures: Figure[] = [];
  const sections: Record<string, { data: unknown; lines: readonly string[] }> = {};
  const failures: string[] = [];
  const started = Date.now();
  const pinning = pinGenerator();
  usePinning(pinning);
  const sink = await startBenchServer('sink.ts', {}, 'helper');
  const ctx: BenchContext = {
    args,
    settings,
    sink,
    work,
    record(figure) {
      figures.push(figure);
      const lat = figure.p99Ms === undefined ? '' : ` (p50 ${fmt(figure.p50Ms)} ms, p99 ${fmt(figure.p99Ms)} ms)`;
      const cpu = figure.cpuUsPerEvent === undefined ? '' : `, ${fmt(figure.cpuUsPerEvent)} CPU µs/event`;
      ctx.log(`  ${figure.label}: ${fmt(figure.value)} ${figure.unit}${lat}${cpu}`);
    },
    section(key, data, lines) {
      sections[key] = { data, lines };
      for (const line of lines) ctx.log(`  ${line}`);
    },
    log: (message) => console.error(`[bench ${((Date.now() - started) / 1000).toFixed(1)}s] ${message}`),
  };
  if (args.profile) mkdirSync(path.join(REPO_ROOT, 'bench/results/profiles'), { recursive: true });
  try {
    if (args.soak) {
      await soak(ctx);
    } else {
      const scenarios: Array<[string, () => Promise<void>]> = [
        ['baselines', () => baselines(ctx)],
        ['ingest', () => ingest(ctx)],
        [
          'routes',
          () =>
            routes(
              ctx,
              figures.some((f) => f.key === 'ingest'),
            ),
        ],
        ['worker', () => withWorker(ctx)],
        ['delivery', () => delivery(ctx)],
        ['e2e', () => endToEnd(ctx)],
        ['storm', () => storm(ctx)],
        ['logging', () => logging(ctx)],
        ['listings', () => listings(ctx)],
      ];
      for (const [name, scenario] of scenarios) {
        if (!wanted(args, name)) continue;
        // One scenario failing (a timeout, a crash) must not lose the others' figures.
        try {
          await scenario();
        } catch (err) {
          failures.push(`${name}: ${err instanceof Error ? err.message : String(err)}`);
          ctx.log(`scenario ${name} failed: ${failures[failures.length - 1]}`);
        }
      }
    }
  } finally {
    await sink.stop();
    if (args.keep) console.error(`kept ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }

  // The 1-route figure of the scaling series is the durable-ingest run.
  const one = figures.find((f) => f.key === 'ingest');
  if (one && figures.some((f) => f.key === 'routes_100') && !figures.some((f) => f.key === 'routes_1')) {
    figures.splice(figures.indexOf(one) + 1, 0, { ...one, key: 'routes_1', label: 'hookgate ingest, 1 route (= durable ingest)' });
  }
  const rated = rate(figures);
  const listingData = sections.listings?.data as { worstP95Ms: number; events: number } | undefined;
  // The large store's figure when the listings ran: there the dedup index is past a few pages.
  const walData = (sections.wal_large_store ?? sections.wal)?.data as { indexFramesPerEvent?: number } | undefined;
  const extra: Extra = {
    ...(listingData
      ? { listingsP95Ms: Number.isFinite(listingData.worstP95Ms) ? listingData.worstP95Ms : null, listingsEvents: listingData.events }
      : {}),
    ...(walData ? { indexPagesPerEvent: walData.indexFramesPerEvent ?? null } : {}),
  };
  const met = targets(figures, extra);
  const load = loadavg()
    .map((n) => n.toFixed(1))
    .join(' ');
  console.log(
    `\nhookgate benchmark, ${args.soak ? 'soak' : args.quick ? 'quick' : 'full'} mode, ${cpus().length} cores, node ${process.version}, load average at the end ${load}`,
  );
  console.log(`pinning: ${pinning.note}\n`);
  console.log(table(rated, args.quick));
  for (const section of Object.values(sections)) console.log(`\n${section.lines.join('\n')}`);
  if (met.length > 0) console.log(`\ntargets:\n${targetLines(met)}`);

  const results = {
    date: new Date().toISOString(),
    mode: args.soak ? 'soak' : args.quick ? 'quick' : 'full',
    machine: {
      cores: cpus().length,
      cpu: cpus()[0]?.model ?? 'unknown',
      memoryGB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      platform: process.platform,
    },
    settings,
    pinning,
    loadAverageAtEnd: loadavg(),
    hookgate: { bin: args.bin ?? 'bin/hookgate.js', nodeOptions: args.nodeOptions },
    figures: rated,
    ...Object.fromEntries(Object.entries(sections).map(([key, section]) => [key, section.data])),
    targets: met,
    failures,
    seconds: (Date.now() - started) / 1000,
  };
  const dir = path.join(REPO_ROOT, 'bench/results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nwrote bench/results/latest.json (${results.seconds.toFixed(0)} s)`);
  if (failures.length > 0) {
    console.log(`\nfailed scenarios:\n${failures.join('\n')}`);
    process.exitCode = 1;
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
