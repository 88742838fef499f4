/** The run's table (every figure with its ratio to baselines A and B) and the targets. */
import type { Figure, RatedFigure, Target } from './figures.ts';

/** Throughput figures are compared with the baselines' req/s; latency figures with their e2e p99. */
export function rate(figures: readonly Figure[]): RatedFigure[] {
  const find = (key: string): Figure | undefined => figures.find((f) => f.key === key);
  const a = find('baseline_a');
  const b = find('baseline_b');
  const e2eA = find('e2e_a');
  const e2eB = find('e2e_b');
  return figures.map(function withRatios(f): RatedFigure {
    if (f.unit === 'req/s' || f.unit === 'deliveries/s') {
      return { ...f, ratioA: a ? f.value / a.value : null, ratioB: b ? f.value / b.value : null };
    }
    if (f.unit === 'ms') {
      return { ...f, ratioA: e2eA ? f.value / e2eA.value : null, ratioB: e2eB ? f.value / e2eB.value : null };
    }
    return { ...f, ratioA: null, ratioB: null };
  });
}

export function targets(figures: readonly Figure[]): Target[] {
  const find = (key: string): Figure | undefined => figures.find((f) => f.key === key);
  const out: Target[] = [];
  const a = find('baseline_a');
  const b = find('baseline_b');
  const ingest = find('ingest') ?? find('routes_1');
  if (ingest && a && b) {
    const ra = ingest.value / a.value;
    const rb = ingest.value / b.value;
    out.push({
      name: 'durable ingest',
      wanted: '>= 0.25 x A and >= 5 x B',
      measured: `${ra.toFixed(2)} x A, ${rb.toFixed(2)} x B`,
      met: ra >= 0.25 && rb >= 5,
    });
    const floor = find('floor');
    if (floor) {
      // Not a target: where the targets sit against what verifying and mapping alone cost.
      out.push({
        name: 'context: the floor (verify + JSONata, nothing stored)',
        wanted: 'above the ingest targets for them to be reachable',
        measured: `${(floor.value / a.value).toFixed(2)} x A, ${(floor.value / b.value).toFixed(2)} x B; durable ingest = ${(ingest.value / floor.value).toFixed(2)} x floor`,
        met: null,
      });
    }
  }
  const delivery = find('delivery');
  if (delivery) out.push({ name: 'delivery', wanted: '>= 5,000/s', measured: `${fmt(delivery.value)}/s`, met: delivery.value >= 5_000 });
  const e2e = find('e2e');
  if (e2e) out.push({ name: 'end to end p99 at 1,000/s', wanted: '< 25 ms', measured: `${fmt(e2e.value)} ms`, met: e2e.value < 25 });
  const one = find('routes_1') ?? find('ingest');
  const thousand = find('routes_1000');
  if (one && thousand) {
    const cost = 1 - thousand.value / one.value;
    out.push({ name: '1,000 routes vs 1', wanted: '<= 20% slower', measured: `${(cost * 100).toFixed(1)}% slower`, met: cost <= 0.2 });
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

export function table(rated: readonly RatedFigure[], quick: boolean): string {
  const head = ['figure', 'value', 'unit', 'p50 ms', 'p99 ms', 'vs A', 'vs B'];
  const rows = rated.map((f) => [f.label, fmt(f.value), f.unit, fmt(f.p50Ms), fmt(f.p99Ms), ratio(f.ratioA), ratio(f.ratioB)]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => (i === 0 || i === 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const out = [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
  if (quick) out.push('', '(quick mode: runs of ~1.5 s, too short to judge speed by)');
  return out.join('\n');
}

export function targetLines(list: readonly Target[]): string {
  return list
    .map((t) => `${t.met === null ? '?' : t.met ? 'met    ' : 'NOT met'}  ${t.name}: wanted ${t.wanted}, measured ${t.measured}`)
    .join('\n');
}
