import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildPlan } from './compare.ts';
import type { PlanEvent } from './event-file.ts';
import { formatMarkdown } from './format-markdown.ts';
import { formatText } from './format-text.ts';
import { loadPlanConfig } from './load-config.ts';
import type { PlanReport, RoutePlan } from './report.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'hookgate-plan-shaping-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
function config(routes: string, extra = '') {
  const file = path.join(dir, `c${files++}.yaml`);
  writeFileSync(
    file,
    `version: 1
providers:
  backend:
    verify: { type: hmac, header: x-signature, secret: "\${BACKEND_SECRET}" }
    event: kind
    id: ref
${extra}
targets:
  a: { url: "http://127.0.0.1:9/a" }
  r: { routine: { url: "http://127.0.0.1:9/r", token: "\${R_TOKEN}" }, budget: runs }
routes:
${routes}`,
  );
  return loadPlanConfig(file, { env: {}, cwd: dir });
}

const T0 = Date.parse('2026-11-30T00:00:00Z');
const S = 1000;

function alert(ref: string, issue: string, at: number): PlanEvent {
  return {
    provider: 'backend',
    eventType: 'alert',
    dedupKey: ref,
    receivedAt: T0 + at,
    headers: { 'content-type': 'application/json' },
    rawBody: Buffer.from(JSON.stringify({ kind: 'alert', ref, issue })),
    origin: 'test',
  };
}

function route(report: PlanReport, name: string): RoutePlan {
  return report.routes.find((r) => r.route === name)!;
}

const BUDGET = `budgets:
  runs: { limit: 2, per: 1h }`;

// A storm: issue A at 0, 10 s, 20 s; issue B at 5 s; issue A again at 2 min (its first group went quiet at 50 s).
const storm = [alert('e1', 'A', 0), alert('e2', 'B', 5 * S), alert('e3', 'A', 10 * S), alert('e4', 'A', 20 * S), alert('e5', 'A', 120 * S)];

describe('plan with fire shaping', () => {
  it('simulates groups on the received times: one fire per quiet group, the map over $group once per group', async () => {
    const base = config(`  - { name: triage, from: backend, map: '"issue " & issue', to: r }`, BUDGET);
    const head = config(
      `  - name: triage
    from: backend
    group: { by: issue, wait: 30s }
    map: '"issue " & $group.key & " x" & $string($group.count)'
    to: r`,
      BUDGET,
    );
    const report = await buildPlan({ base, head, events: storm });
    const triage = route(report, 'triage');
    expect(triage.fires).toEqual({ before: 5, after: 3 });
    expect(triage.shaping).toEqual({
      before: { groupsFired: 0, groupsCooledDown: 0, eventsGrouped: 0, eventsCooledDown: 0 },
      after: { groupsFired: 3, groupsCooledDown: 0, eventsGrouped: 5, eventsCooledDown: 0 },
    });
    // Every event now sends its group's text: "issue A x3" for e1, e3, e4.
    expect(triage.mappedDifferently).toBe(5);
    const e1 = triage.examples.find((e) => e.event.dedupKey === 'e1')!;
    expect(e1).toMatchObject({ before: 'issue A', after: 'issue A x3' });
    expect([triage.newlyFiring, triage.stopFiring, triage.mapErrors]).toEqual([0, 0, 0]);
  });

  it('holds back events of a key that is cooling down, naming the window', async () => {
    const base = config(`  - { name: triage, from: backend, to: a }`, BUDGET);
    const head = config(`  - { name: triage, from: backend, cooldown: { by: issue, for: 1h }, to: a }`, BUDGET);
    const report = await buildPlan({ base, head, events: storm });
    const triage = route(report, 'triage');
    expect(triage.stopFiring).toBe(3);
    expect(triage.changed['stop-firing'].map((e) => e.dedupKey)).toEqual(['e3', 'e4', 'e5']);
    expect(triage.examples[0]!.reason).toBe(`cooling down (key "A") until ${new Date(T0 + 3_600_000).toISOString()}`);
    expect(triage.shaping?.after).toEqual({ groupsFired: 0, groupsCooledDown: 0, eventsGrouped: 0, eventsCooledDown: 3 });
  });

  it('reports budget use before and after: requests, the busiest window, and what the limit holds back', async () => {
    const base = config(`  - { name: triage, from: backend, to: r }`, BUDGET);
    const head = config(`  - { name: triage, from: backend, group: { by: issue, wait: 30s }, to: r }`, BUDGET);
    const report = await buildPlan({ base, head, events: storm });
    expect(report.budgets).toEqual([
      {
        budget: 'runs',
        rule: {
          before: { limit: 2, per: '1h', over: 'hold', targets: ['r'] },
          after: { limit: 2, per: '1h', over: 'hold', targets: ['r'] },
        },
        before: { requests: 5, busiestWindow: 5, held: 3, maxDelayMs: expect.any(Number), dropped: 0 },
        after: { requests: 3, busiestWindow: 3, held: 1, maxDelayMs: expect.any(Number), dropped: 0 },
      },
    ]);
  });

  it('a group full at `max` fires at once and starts its cooldown; later events of its key join nothing', async () => {
    const base = config(`  - { name: triage, from: backend, to: a }`, BUDGET);
    // A group per issue, at most 2 events, one fire per issue per hour: A's group fills with e3 at
    // 10 s and fires then, so e4 and e5 (issue A, within the hour) are held back; B's group fires at 35 s.
    const head = config(
      `  - { name: triage, from: backend, group: { by: issue, wait: 30s, max: 2 }, cooldown: { for: 1h }, to: a }`,
      BUDGET,
    );
    const report = await buildPlan({ base, head, events: storm });
    const triage = route(report, 'triage');
    expect(triage.shaping?.after).toEqual({ groupsFired: 2, groupsCooledDown: 0, eventsGrouped: 3, eventsCooledDown: 2 });
    expect(triage.fires.after).toBe(2);
    const until = new Date(T0 + 10 * S + 3_600_000).toISOString();
    expect(triage.changed['stop-firing'].map((e) => e.dedupKey)).toEqual(['e4', 'e5']);
    expect(triage.examples.find((e) => e.event.dedupKey === 'e4')?.reason).toBe(`cooling down (key "A") until ${until}`);
  });

  it('prints the shaping per route in the text and markdown formats, and leaves it null for unshaped routes', async () => {
    const base = config(`  - { name: triage, from: backend, to: a }\n  - { name: plain, from: backend, to: a }`, BUDGET);
    const head = config(
      `  - { name: triage, from: backend, group: { by: issue, wait: 30s }, to: a }\n  - { name: plain, from: backend, to: a }`,
      BUDGET,
    );
    const report = await buildPlan({ base, head, events: storm });
    expect(route(report, 'plain').shaping).toBeNull();
    const text = formatText(report);
    expect(text).toContain('shaping: none → 5 events grouped, 3 groups fired');
    expect(text.match(/shaping:/g)).toHaveLength(1);
    const markdown = formatMarkdown(report);
    expect(markdown).toContain('| `triage` | none → 5 events grouped, 3 groups fired |');
  });
});
