import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildPlan } from './compare.ts';
import type { PlanEvent } from './event-file.ts';
import { loadPlanConfig } from './load-config.ts';
import { kindsFound, type PlanReport, type RoutePlan } from './report.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'hookgate-plan-compare-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
function config(routes: string, providers = DEFAULT_PROVIDERS, budgets = '') {
  const file = path.join(dir, `c${files++}.yaml`);
  writeFileSync(
    file,
    `version: 1
providers:
${providers}
targets:
  a: { url: "http://127.0.0.1:9/a" }
  b: { routine: { url: "http://127.0.0.1:9/b", token: "\${B_TOKEN}" }${budgets ? ', budget: runs' : ''} }
${budgets}
routes:
${routes}`,
  );
  // No variable is set: a plan needs no secrets.
  return loadPlanConfig(file, { env: {}, cwd: dir });
}

const DEFAULT_PROVIDERS = `  backend:
    verify: { type: hmac, header: x-signature, secret: "\${BACKEND_SECRET}" }
    event: kind
    id: ref
  gh:
    verify: { type: github, secret: "\${GH_SECRET}" }`;

const T0 = Date.parse('2026-11-30T00:00:00Z');

function event(ref: string, body: Record<string, unknown>, at = 0): PlanEvent {
  return {
    provider: 'backend',
    eventType: String(body.kind),
    dedupKey: ref,
    receivedAt: T0 + at,
    headers: { 'content-type': 'application/json' },
    rawBody: Buffer.from(JSON.stringify({ ref, ...body })),
    origin: 'test',
  };
}

async function plan(baseRoutes: string, headRoutes: string, events: PlanEvent[], providers?: string): Promise<PlanReport> {
  return buildPlan({ base: config(baseRoutes, providers), head: config(headRoutes, providers), events });
}

function route(report: PlanReport, name: string): RoutePlan {
  const found = report.routes.find((r) => r.route === name);
  if (!found) throw new Error(`no route ${name} in ${report.routes.map((r) => r.route).join(', ')}`);
  return found;
}

function counts(r: RoutePlan): [number, number, number, number] {
  return [r.newlyFiring, r.stopFiring, r.mappedDifferently, r.mapErrors];
}

const orders = [
  event('o1', { kind: 'order', total: 5 }, 0),
  event('o2', { kind: 'order', total: 50 }, 3_600_000),
  event('o3', { kind: 'order', total: 500 }, 7_200_000),
  event('r1', { kind: 'refund', total: 5 }, 9_000_000),
];

describe('buildPlan', () => {
  it('counts a tightened filter as stop firing, naming the events and the head reason', async () => {
    const report = await plan(
      `  - { name: big, from: backend, events: [order], filter: 'total > 1', to: a }`,
      `  - { name: big, from: backend, events: [order], filter: 'total > 10', to: a }`,
      orders,
    );
    const big = route(report, 'big');
    expect(counts(big)).toEqual([0, 1, 0, 0]);
    expect(big.changed['stop-firing'].map((e) => e.dedupKey)).toEqual(['o1']);
    expect(big.examples[0]).toMatchObject({
      kind: 'stop-firing',
      reason: 'filter returned false',
      before: { ref: 'o1', kind: 'order', total: 5 },
    });
    expect(big.fires).toEqual({ before: 3, after: 2 });
    expect(report.events).toBe(4);
  });

  it('counts a loosened filter and a route only in head as newly firing, with the base reason', async () => {
    const report = await plan(
      `  - { name: big, from: backend, events: [order], filter: 'total > 100', to: a }`,
      `  - { name: big, from: backend, events: [order], filter: 'total > 10', to: a }
  - { name: refunds, from: backend, events: [refund], to: b }`,
      orders,
    );
    expect(counts(route(report, 'big'))).toEqual([1, 0, 0, 0]);
    expect(route(report, 'big').examples[0]).toMatchObject({ kind: 'newly-firing', reason: 'filter returned false', after: { total: 50 } });
    const refunds = route(report, 'refunds');
    expect(counts(refunds)).toEqual([1, 0, 0, 0]);
    expect(refunds).toMatchObject({ inBase: false, inHead: true, fires: { before: 0, after: 1 }, targets: { before: null, after: ['b'] } });
    expect(refunds.examples[0]!.reason).toBe('a new route');
  });

  it('counts every fire of a removed route as stop firing, and keeps the route in the report', async () => {
    const report = await plan(
      `  - { name: all, from: backend, to: a }`,
      `  - { name: orders, from: backend, events: [order], to: a }`,
      orders,
    );
    expect(report.routes.map((r) => r.route)).toEqual(['orders', 'all']);
    expect(counts(route(report, 'all'))).toEqual([0, 4, 0, 0]);
    expect(route(report, 'all').examples[0]!.reason).toBe('the route is removed');
    expect(counts(route(report, 'orders'))).toEqual([3, 0, 0, 0]);
  });

  it('compares mapped values: a changed field is mapped differently with a diff, a reordered object is not', async () => {
    const report = await plan(
      `  - { name: m, from: backend, events: [order], map: '{"ref": ref, "total": total, "band": total > 10 ? "big" : "small"}', to: a }
  - { name: same, from: backend, events: [order], map: '{"a": ref, "b": total}', to: a }`,
      `  - { name: m, from: backend, events: [order], map: '{"ref": ref, "total": total, "band": total > 100 ? "big" : "small"}', to: a }
  - { name: same, from: backend, events: [order], map: '{"b": total, "a": ref}', to: a }`,
      orders,
    );
    const m = route(report, 'm');
    expect(counts(m)).toEqual([0, 0, 1, 0]);
    expect(m.changed['mapped-differently'].map((e) => e.dedupKey)).toEqual(['o2']);
    expect(m.examples[0]!.diff).toEqual([{ path: '$.band', kind: 'changed', before: 'big', after: 'small' }]);
    expect(counts(route(report, 'same'))).toEqual([0, 0, 0, 0]);
  });

  it('reports a new map error as its own finding, not one already failing in the base, and a fixed one as newly firing', async () => {
    const report = await plan(
      `  - { name: m, from: backend, events: [order], map: '{"n": $number(total)}', to: a }
  - { name: broken, from: backend, events: [refund], map: '$number("x")', to: a }
  - { name: fixed, from: backend, events: [refund], map: '$number("x")', to: a }`,
      `  - { name: m, from: backend, events: [order], map: 'total > 10 ? $number("x") : {"n": total}', to: a }
  - { name: broken, from: backend, events: [refund], map: '$number("y")', to: a }
  - { name: fixed, from: backend, events: [refund], map: '{"ok": true}', to: a }`,
      orders,
    );
    const m = route(report, 'm');
    expect(counts(m)).toEqual([0, 0, 0, 2]);
    expect(m.changed['map-error'].map((e) => e.dedupKey)).toEqual(['o2', 'o3']);
    expect(m.examples[0]).toMatchObject({ kind: 'map-error', before: { n: 50 } });
    expect(m.examples[0]!.error).toMatch(/^map failed: /);
    expect(m.fires).toEqual({ before: 3, after: 1 });
    expect(counts(route(report, 'broken'))).toEqual([0, 0, 0, 0]);
    expect(counts(route(report, 'fixed'))).toEqual([1, 0, 0, 0]);
    expect([...kindsFound(report)].sort()).toEqual(['map-error', 'newly-firing']);
  });

  it('a filter that now throws is a map error too (the delivery would be dead with the error)', async () => {
    const report = await plan(
      `  - { name: f, from: backend, events: [order], to: a }`,
      `  - { name: f, from: backend, events: [order], filter: '$number("x") > 1', to: a }`,
      orders.slice(0, 1),
    );
    expect(counts(route(report, 'f'))).toEqual([0, 0, 0, 1]);
    expect(route(report, 'f').examples[0]!.error).toMatch(/^filter failed: /);
  });

  it("binds the event's original $receivedAt and the config's own $id, and applies the provider's event expression", async () => {
    const providersFor = (eventExpr: string): string => `  backend:
    verify: { type: hmac, header: x-signature, secret: "\${BACKEND_SECRET}" }
    event: ${eventExpr}
    id: ref`;
    const base = config(
      `  - { name: r, from: backend, events: [order], map: '{"at": $receivedAt, "id": $id}', to: a }`,
      providersFor('kind'),
    );
    const head = config(
      `  - { name: r, from: backend, events: [order], map: '{"at": $receivedAt, "id": $id}', to: a }`,
      providersFor(`'"order"'`),
    );
    const report = await buildPlan({ base, head, events: orders });
    const r = route(report, 'r');
    // Under the head every backend event is an "order": the refund newly fires, with its own time.
    expect(counts(r)).toEqual([1, 0, 0, 0]);
    expect(r.examples[0]).toMatchObject({ after: { at: new Date(T0 + 9_000_000).toISOString(), id: 'r1' } });
  });

  it('counts every event, ignored and unparseable ones included, and events a config would refuse', async () => {
    const unparseable: PlanEvent = { ...event('x', { kind: 'order' }), rawBody: Buffer.from('not json'), dedupKey: 'bad' };
    const githubWithoutType: PlanEvent = {
      provider: 'gh',
      eventType: 'push',
      dedupKey: 'gh-1',
      receivedAt: T0,
      headers: { 'content-type': 'application/json' },
      rawBody: Buffer.from('{}'),
      origin: 'test',
    };
    const stranger: PlanEvent = { ...event('s', { kind: 'order' }), provider: 'someone-else' };
    const report = await plan(`  - { name: r, from: backend, to: a }`, `  - { name: r, from: backend, to: a }`, [
      ...orders,
      unparseable,
      githubWithoutType,
      stranger,
    ]);
    expect(report.events).toBe(7);
    expect(report.unparseable).toBe(1);
    expect(report.refused).toEqual({ base: 2, head: 2 });
    expect(route(report, 'r').fires).toEqual({ before: 4, after: 4 });
  });

  it('gives fires per day over the span the events cover, at least one day', async () => {
    const week = Array.from({ length: 14 }, (_, i) => event(`w${i}`, { kind: 'order', total: 1 }, i * 12 * 3_600_000));
    const report = await plan(`  - { name: r, from: backend, to: a }`, `  - { name: r, from: backend, events: [refund], to: a }`, week);
    expect(report.window.days).toBe(6.5);
    expect(route(report, 'r').firesPerDay).toEqual({ before: 2.2, after: 0 });
    const oneHour = await plan(`  - { name: r, from: backend, to: a }`, `  - { name: r, from: backend, to: a }`, orders.slice(0, 2));
    expect(oneHour.window.days).toBe(1);
    expect(route(oneHour, 'r').firesPerDay).toEqual({ before: 2, after: 2 });
  });

  it('keeps at most two examples per kind but names every changed event', async () => {
    const many = Array.from({ length: 7 }, (_, i) => event(`e${i}`, { kind: 'order', total: i }, i));
    const report = await plan(`  - { name: r, from: backend, to: a }`, `  - { name: r, from: backend, filter: 'false', to: a }`, many);
    const r = route(report, 'r');
    expect(r.stopFiring).toBe(7);
    expect(r.changed['stop-firing']).toHaveLength(7);
    expect(r.examples).toHaveLength(2);
  });

  it('shows a change of targets beside the counts', async () => {
    const report = await plan(`  - { name: r, from: backend, to: a }`, `  - { name: r, from: backend, to: [a, b] }`, orders);
    expect(route(report, 'r').targets).toEqual({ before: ['a'], after: ['a', 'b'] });
    expect(counts(route(report, 'r'))).toEqual([0, 0, 0, 0]);
  });

  it('reports each budget before and after: requests its targets would be sent, the busiest window, what the limit holds back', async () => {
    const budget = (limit: number): string => `budgets:\n  runs: { limit: ${limit}, per: 1h }`;
    const base = config(`  - { name: all, from: backend, to: b }`, DEFAULT_PROVIDERS, budget(1));
    const head = config(`  - { name: all, from: backend, events: [order], filter: 'total > 10', to: b }`, DEFAULT_PROVIDERS, budget(1));
    const report = await buildPlan({ base, head, events: orders });
    expect(report.budgets).toEqual([
      {
        budget: 'runs',
        rule: {
          before: { limit: 1, per: '1h', over: 'hold', targets: ['b'] },
          after: { limit: 1, per: '1h', over: 'hold', targets: ['b'] },
        },
        // Requests at 0, 1 h, 2 h and 2.5 h at 1 per hour: the last waits half an hour for the third to leave the window.
        before: { requests: 4, busiestWindow: 2, held: 1, maxDelayMs: 1_800_000, dropped: 0 },
        // o2 and o3, an hour apart, at 1 per hour: neither waits.
        after: { requests: 2, busiestWindow: 1, held: 0, maxDelayMs: 0, dropped: 0 },
      },
    ]);
  });
});
