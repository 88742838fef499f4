/**
 * `npm run chaos [-- --quick] [-- --only kill9,outage,hostile,log-pipe,disk-full]`: the
 * reliability suite. Each scenario runs real router processes on 127.0.0.1 against a loopback
 * sink, with bounded loops, and reports acknowledged events lost, routines fired twice, 5xx
 * answers, unverified forwards and recovery time. Exits 1 when any invariant is broken.
 * `.ci/run` runs the quick variant; results go to chaos/results/latest.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { emptyFigures, type Figures } from './lib.ts';
import { diskFull } from './scenarios/disk-full.ts';
import { hostileRequests } from './scenarios/hostile.ts';
import { kill9 } from './scenarios/kill9.ts';
import { logPipe } from './scenarios/log-pipe.ts';
import { outage } from './scenarios/outage.ts';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const onlyAt = args.indexOf('--only');
const only = onlyAt >= 0 ? (args[onlyAt + 1] ?? '').split(',') : [];

const scenarios: Array<[string, () => Promise<Figures>]> = [
  ['kill9', () => kill9(quick ? { rounds: 3, eventsPerRound: 60 } : { rounds: 12, eventsPerRound: 200 })],
  ['outage', () => outage(quick ? { events: 40, downMs: 1_500 } : { events: 300, downMs: 5_000 })],
  ['hostile', () => hostileRequests(quick ? { runs: 150, slowSockets: 10 } : { runs: 2_000, slowSockets: 50 })],
  ['log-pipe', () => logPipe(quick ? { events: 30 } : { events: 300 })],
  ['disk-full', () => diskFull(quick ? { events: 200 } : { events: 2_000 })],
];

function broken(f: Figures): string[] {
  const out: string[] = [];
  if (f.lost > 0) out.push(`${f.lost} acknowledged events lost`);
  if (f.firedTwice > 0) out.push(`${f.firedTwice} routines fired twice`);
  if (f.serverErrors > 0) out.push(`${f.serverErrors} 5xx answers (or a crash)`);
  if (f.unverifiedForwards > 0) out.push(`${f.unverifiedForwards} unverified requests forwarded`);
  out.push(...f.problems);
  return out;
}

const results: Record<string, Figures & { seconds: number; failed: string[] }> = {};
let failures = 0;
for (const [name, run] of scenarios) {
  if (only.length > 0 && !only.includes(name)) continue;
  const started = Date.now();
  process.stderr.write(`[chaos] ${name} ...\n`);
  let figures: Figures;
  let failed: string[];
  try {
    figures = await run();
    failed = broken(figures);
  } catch (error) {
    figures = emptyFigures();
    failed = [`crashed: ${error instanceof Error ? error.message : String(error)}`];
  }
  const seconds = (Date.now() - started) / 1000;
  results[name] = { ...figures, seconds, failed };
  if (failed.length > 0) failures++;
  process.stderr.write(`[chaos] ${name}: ${failed.length === 0 ? 'ok' : `FAILED: ${failed.join('; ')}`} (${seconds.toFixed(1)} s)\n`);
}

const header = ['scenario', 'acked', 'lost', 'fired twice', 'unknown', '5xx', 'unverified fwd', 'recovery ms', 'result'];
const rows = Object.entries(results).map(([name, r]) => [
  name,
  String(r.acknowledged),
  String(r.lost),
  String(r.firedTwice),
  String(r.unknown),
  String(r.serverErrors),
  String(r.unverifiedForwards),
  String(r.recoveryMs),
  r.failed.length === 0 ? 'ok' : 'FAILED',
]);
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
console.log(`\nhookgate chaos suite, ${quick ? 'quick' : 'full'} mode\n`);
console.log(line(header));
for (const row of rows) console.log(line(row));
for (const [name, r] of Object.entries(results)) for (const note of [...r.notes, ...r.failed]) console.log(`  ${name}: ${note}`);

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results');
mkdirSync(dir, { recursive: true });
writeFileSync(path.join(dir, 'latest.json'), `${JSON.stringify({ date: new Date().toISOString(), quick, results }, null, 2)}\n`);
process.exitCode = failures > 0 ? 1 : 0;
