/** The run's table (every figure with its ratio to the floor and its CPU time per event) and the targets. */
import type { Figure, RatedFigure, Target } from './figures.ts';

/** Throughput figures are compared with the floor's req/s of the same run. */
export function rate(figures: readonly Figure[]): RatedFigure[] {
  const floor = figures.find((f) => f.key === 'floor');
  return figures.map(function withRatio(f): RatedFigure {
    const throughput = f.unit === 'req/s' || f.unit === 'deliveries/s';
    const floorCpu = floor?.cpuUsPerEvent ?? null;
    const cpu = f.cpuUsPerEvent ?? null;
    return {
      ...f,
      ratioFloor: throughput && floor ? f.value / floor.value : null,
      cpuRatioFloor: f.unit === 'req/s' && floorCpu !== null && cpu !== null && cpu > 0 ? floorCpu / cpu : null,
    };
  });
}

/** A figure of another scenario (listings, store) that a target reads. */
export interface Extra {
  readonly listingsP95Ms?: number | null;
  readonly listingsEvents?: number;
  readonly indexPagesPerEvent?: number | null;
}

/** The figure's CPU-per-event ratio to another's (base CPU / figure CPU), when both were read. */
function cpuRatio(f: Figure, base: Figure | undefined): number | null {
  const a = base?.cpuUsPerEvent;
  const b = f.cpuUsPerEvent;
  return a && b ? a / b : null;
}

/** " (0.40 x by CPU/event)". */
function byCpu(f: Figure, base: Figure | undefined): string {
  const r = cpuRatio(f, base);
  return r === null ? '' : ` (${r.toFixed(2)} x by CPU/event)`;
}

/**
 * A ratio target holds only when the req/s ratio and the CPU-per-event ratio (where read) both
 * reach it: when the load generator, not the server, sets the pace (a loaded machine), two
 * servers show the same req/s whatever each costs, and the req/s ratio alone would flatter.
 */
function reaches(f: Figure, base: Figure, wanted: number): boolean {
  const r = f.value / base.value;
  const c = cpuRatio(f, base);
  return r >= wanted && (c === null || c >= wanted);
}

export function targets(figures: readonly Figure[], extra: Extra = {}): Target[] {
  const find = (key: string): Figure | undefined => figures.find((f) => f.key === key);
  const out: Target[] = [];
  const floor = find('floor');
  const byHand = find('durable_by_hand');
  const ingest = find('ingest') ?? find('routes_1');
  if (ingest && floor) {
    const rf = ingest.value / floor.value;
    const rh = byHand ? ingest.value / byHand.value : null;
    out.push({
      name: 'durable ingest',
      wanted: '>= 0.7 x floor and >= 2.5 x durable by hand (by req/s and by CPU/event)',
      measured: `${rf.toFixed(2)} x floor${byCpu(ingest, floor)}, ${rh === null ? '-' : rh.toFixed(2)} x durable by hand${byHand ? byCpu(ingest, byHand) : ''}`,
      met: reaches(ingest, floor, 0.7) && byHand !== undefined && reaches(ingest, byHand, 2.5),
    });
  }
  const worker = find('ingest_worker');
  if (worker && floor) {
    const rf = worker.value / floor.value;
    const pace = Number(worker.detail?.keptPace ?? NaN);
    out.push({
      name: 'full serve (worker on, deliveries keeping pace)',
      wanted: '>= 0.55 x floor (by req/s and by CPU/event), >= 95% of accepted events at the sink within the window',
      measured: `${rf.toFixed(2)} x floor${byCpu(worker, floor)}, ${(pace * 100).toFixed(0)}% delivered in the window`,
      met: reaches(worker, floor, 0.55) && pace >= 0.95,
    });
  }
  const delivery = find('delivery');
  if (delivery) out.push({ name: 'delivery', wanted: '>= 5,000/s', measured: `${fmt(delivery.value)}/s`, met: delivery.value >= 5_000 });
  const e2e = find('e2e');
  if (e2e) out.push({ name: 'end to end p99 at 1,000/s', wanted: '< 25 ms', measured: `${fmt(e2e.value)} ms`, met: e2e.value < 25 });
  const one = find('routes_1') ?? find('ingest');
  const thousand = find('routes_1000');
  if (one && thousand) {
    const cost = 1 - thousand.value / one.value;
    out.push({
      name: '1,000 routes vs 1',
      wanted: '<= 20% slower (by req/s and by CPU/event)',
      measured: `${(cost * 100).toFixed(1)}% slower${byCpu(thousand, one)}`,
      met: reaches(thousand, one, 0.8),
    });
  }
  const stormPlain = find('storm_ungrouped');
  const stormGrouped = find('storm_grouped');
  if (stormPlain && stormGrouped) {
    const r = stormGrouped.value / stormPlain.value;
    out.push({ name: 'storm: grouped ingest vs ungrouped', wanted: 'within 10%', measured: `${(r * 100).toFixed(1)}%`, met: r >= 0.9 });
  }
  const stormFires = find('storm_fires');
  if (stormFires) out.push({ name: 'storm: fires', wanted: 'exactly 100', measured: fmt(stormFires.value), met: stormFires.value === 100 });
  const soak = find('soak_rss_max');
  if (soak) {
    const drift = Number(soak.detail?.driftPercent ?? NaN);
    out.push({
      name: 'RSS over the soak',
      wanted: '< 200 MB and flat',
      measured: `max ${fmt(soak.value)} MB, drift ${drift.toFixed(1)}%`,
      met: soak.value < 200 && Math.abs(drift) < 10,
    });
  }
  if (extra.listingsP95Ms !== undefined) {
    const n = (extra.listingsEvents ?? 0).toLocaleString('en-US');
    out.push({
      name: `admin listings at ${n} events (worst page p95)`,
      wanted: '< 50 ms',
      measured: `${fmt(extra.listingsP95Ms)} ms`,
      met: extra.listingsP95Ms === null ? false : extra.listingsP95Ms < 50,
    });
  }
  if (extra.indexPagesPerEvent !== undefined) {
    out.push({
      name: 'index pages written per event (WAL frames of index b-trees)',
      wanted: '<= 1',
      measured: fmt(extra.indexPagesPerEvent),
      met: extra.indexPagesPerEvent === null ? null : extra.indexPagesPerEvent <= 1,
    });
  }
  return out;
}

export function fmt(n: number | null | undefined): string {
  if (n === null || n === undefined || Number.isNaN(n)) return '-';
  if (Math.abs(n) >= 100) return Math.round(n).toLocaleString('en-US');
  if (Math.abs(n) >= 10) return n.toFixed(1);
  return n.toFixed(2);
}

function ratio(n: number | null): string {
  return n === null || Number.isNaN(n) ? '-' : `${n.toFixed(2)}x`;
}

/** A plain text table: the first column left-aligned, the others right-aligned. */
export function textTable(head: readonly string[], rows: readonly (readonly string[])[], leftColumns = 1): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => (i < leftColumns ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function table(rated: readonly RatedFigure[], quick: boolean): string {
  const head = ['server / figure', 'value', 'unit', 'vs floor', 'CPU µs/event', 'p50 ms', 'p99 ms'];
  const rows = rated.map((f) => [f.label, fmt(f.value), f.unit, ratio(f.ratioFloor), fmt(f.cpuUsPerEvent), fmt(f.p50Ms), fmt(f.p99Ms)]);
  const out = [textTable(head, rows)];
  if (quick) out.push('', '(quick mode: runs of ~1.5 s, too short to judge speed by)');
  return out.join('\n');
}

export function targetLines(list: readonly Target[]): string {
  return list
    .map((t) => `${t.met === null ? '?      ' : t.met ? 'met    ' : 'NOT met'}  ${t.name}: wanted ${t.wanted}, measured ${t.measured}`)
    .join('\n');
}
