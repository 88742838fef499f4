/**
 * `hookgate plan` simulates groups and cooldowns in memory (ConfigRun, planJoin); `serve` decides
 * them in the store's SQL. The two must agree, so random arrivals under random group and
 * cooldown settings go through both: the plan's simulation, and the real store driven as ingest
 * and the group scheduler drive it, on a simulated clock where each group fires at its due time.
 * Both must report the same fires (route, key, time, fired or held by a cooldown, members) and
 * the same outcome per event and route (grouped, fired, or cooling down until when).
 *
 * On failure fast-check prints the seed and the smallest failing scenario (the diff shows the
 * store's lines as expected, the plan's as received); rerun it with HOOKGATE_PROPERTY_SEED=<seed>.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect } from 'vitest';
import { propertyOnBothStores } from '../../test/support/store/property.ts';
import { GroupScheduler } from '../delivery/group-scheduler.ts';
import { silentLogger } from '../observability/logger.ts';
import { ingest } from '../pipeline/ingest.ts';
import type { GroupView } from '../pipeline/shape-fire.ts';
import type { CompiledConfig } from '../pipeline/types.ts';
import type { Store } from '../store/types.ts';
import { ConfigRun, type PlannedGroupFire } from './config-run.ts';
import type { PlanEvent } from './event-file.ts';
import { loadPlanConfig } from './load-config.ts';

const S = 1000;
const T0 = Date.parse('2026-11-30T00:00:00Z');

interface Scenario {
  readonly waitS: number;
  readonly maxWaitS: number;
  readonly max: number;
  /** The grouped route's cooldown (its group key), or none. */
  readonly groupCooldownS: number | null;
  /** A second, ungrouped route whose cooldown gates each event by the same key, or none. */
  readonly gateCooldownS: number | null;
  /** Each event: its key, the seconds since the event before, and whether the gated route's map fails on it. */
  readonly arrivals: readonly { readonly key: string; readonly gapS: number; readonly fail: boolean }[];
}

const scenario: fc.Arbitrary<Scenario> = fc
  .record({
    waitS: fc.integer({ min: 1, max: 5 }),
    extraWaitS: fc.integer({ min: 0, max: 10 }),
    max: fc.integer({ min: 1, max: 6 }),
    groupCooldownS: fc.option(fc.integer({ min: 1, max: 15 })),
    gateCooldownS: fc.option(fc.integer({ min: 1, max: 10 })),
    // Small gaps, zero included, so arrivals land on due times and deadlines exactly.
    arrivals: fc.array(
      fc.record({
        key: fc.constantFrom('a', 'b', 'c'),
        gapS: fc.integer({ min: 0, max: 8 }),
        fail: fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
      }),
      {
        minLength: 1,
        maxLength: 25,
      },
    ),
  })
  .map(({ extraWaitS, ...s }) => ({ ...s, maxWaitS: s.waitS + extraWaitS }));

/** What both sides must agree on. */
interface Observed {
  readonly fires: string[];
  readonly outcomes: string[];
}

const iso = (ms: number): string => new Date(ms).toISOString();

function fireLine(route: string, key: string, at: number, result: string, members: readonly string[]): string {
  return `${iso(at)} ${route} key=${key} ${result} [${members.join(' ')}]`;
}

const dir = mkdtempSync(path.join(tmpdir(), 'hookgate-plan-differential-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let cases = 0;

/** One case's config: its route names and event ids are its own, so cases can share a store. */
function caseConfig(s: Scenario): { config: CompiledConfig; grouped: string; gated: string; prefix: string } {
  const n = ++cases;
  const grouped = `grouped-${n}`;
  const gated = `gated-${n}`;
  const file = path.join(dir, `case-${n}.yaml`);
  writeFileSync(
    file,
    `version: 1
providers:
  src: { verify: { type: none }, event: kind, id: ref }
targets:
  t: { url: "http://127.0.0.1:9/t" }
routes:
  - name: ${grouped}
    from: src
    group: { by: key, wait: ${s.waitS}s, maxWait: ${s.maxWaitS}s, max: ${s.max} }
${s.groupCooldownS === null ? '' : `    cooldown: ${s.groupCooldownS}s\n`}    to: t
${s.gateCooldownS === null ? '' : `  - { name: ${gated}, from: src, cooldown: { by: key, for: ${s.gateCooldownS}s }, map: 'fail ? $error("map fails on purpose") : ref', to: t }\n`}`,
  );
  return { config: loadPlanConfig(file, { env: {}, cwd: dir }).config, grouped, gated, prefix: `c${n}-` };
}

function events(s: Scenario, prefix: string): PlanEvent[] {
  let at = T0;
  return s.arrivals.map(({ key, gapS, fail }, i) => {
    at += gapS * S;
    const ref = `${prefix}e${i}`;
    return {
      provider: 'src',
      eventType: 'alert',
      dedupKey: ref,
      receivedAt: at,
      headers: { 'content-type': 'application/json' },
      rawBody: Buffer.from(JSON.stringify({ kind: 'alert', ref, key, fail })),
      origin: 'test',
    };
  });
}

async function throughPlan(config: CompiledConfig, list: readonly PlanEvent[], routes: readonly string[]): Promise<Observed> {
  const fires: string[] = [];
  const run = new ConfigRun(config, (f: PlannedGroupFire) => {
    fires.push(
      fireLine(
        f.route,
        f.key,
        f.at,
        f.result,
        f.members.map((m) => m.dedupKey),
      ),
    );
  });
  const outcomes: string[] = [];
  for (const event of list) {
    const outcome = await run.push(event, JSON.parse(event.rawBody.toString('utf8')));
    for (const route of routes) {
      const reason = outcome.reasons.get(route);
      const cooling = reason === undefined ? null : /^cooling down .* until (\S+)$/.exec(reason);
      if (cooling) outcomes.push(`${event.dedupKey} ${route} cooldown until ${cooling[1]}`);
      else if (reason !== undefined) outcomes.push(`${event.dedupKey} ${route} ignored: ${reason}`);
      else if (outcome.routes.get(route)?.kind === 'fired') outcomes.push(`${event.dedupKey} ${route} fired`);
      else if (outcome.routes.get(route)?.kind === 'error') outcomes.push(`${event.dedupKey} ${route} fired (map failed)`);
      else outcomes.push(`${event.dedupKey} ${route} grouped`);
    }
  }
  await run.finish();
  return { fires, outcomes };
}

/** The store, as `serve` drives it: the scheduler fires each group at its due time, before any event received at or after it. */
async function throughStore(
  store: Store,
  config: CompiledConfig,
  list: readonly PlanEvent[],
  routes: readonly string[],
): Promise<Observed> {
  const fires: string[] = [];
  let now = T0;
  const scheduler = new GroupScheduler({
    store,
    getConfig: () => config,
    logger: silentLogger(),
    now: () => now,
    onFired(f) {
      const view = f.mapped as GroupView;
      expect(view.count).toBe(f.count);
      fires.push(
        fireLine(
          f.route,
          f.key,
          now,
          f.result,
          view.events.map((e) => e.id),
        ),
      );
    },
  });
  async function fireUntil(until: number): Promise<void> {
    for (let round = 0; round < 1000; round++) {
      const next = await store.groups.nextGroupDueAt();
      if (next === null || next > until) return;
      now = next;
      await scheduler.fireDue(next);
    }
    throw new Error('groups kept coming due for 1000 rounds');
  }
  const ctx = { config, store, logger: silentLogger(), now: () => now };
  const outcomes: string[] = [];
  for (const event of list) {
    await fireUntil(event.receivedAt);
    now = event.receivedAt;
    const req = { method: 'POST', headers: event.headers, query: {}, rawBody: event.rawBody, receivedAt: new Date(now) };
    const result = await ingest(ctx, event.provider, req);
    if (result.kind !== 'accepted') throw new Error(`event ${event.dedupKey} was ${result.kind}`);
    for (const route of routes) {
      const shaped = result.shaped?.find((o) => o.route === route);
      const failed = result.deliveries.some((d) => d.route === route && d.error !== null);
      if (shaped?.outcome === 'cooldown') outcomes.push(`${event.dedupKey} ${route} cooldown until ${iso(shaped.until)}`);
      // A failed map stores a dead delivery: the event takes no part in the route's cooldown.
      else if (failed) outcomes.push(`${event.dedupKey} ${route} fired (map failed)`);
      else outcomes.push(`${event.dedupKey} ${route} ${shaped?.outcome ?? 'not shaped'}`);
    }
  }
  await fireUntil(Number.POSITIVE_INFINITY);
  return { fires, outcomes };
}

/** Fires at one time may come in any order (they are independent: one key each). */
const sorted = (lines: readonly string[]): string[] => [...lines].sort();

async function sameAsPlan(store: Store, s: Scenario): Promise<void> {
  const { config, grouped, gated, prefix } = caseConfig(s);
  const routes = s.gateCooldownS === null ? [grouped] : [grouped, gated];
  const list = events(s, prefix);
  const planned = await throughPlan(config, list, routes);
  const stored = await throughStore(store, config, list, routes);
  expect(sorted(planned.fires)).toEqual(sorted(stored.fires));
  expect(planned.outcomes).toEqual(stored.outcomes);
}

describe('plan simulates fire shaping exactly as the store decides it', () => {
  propertyOnBothStores(
    'SQLite: the same fires (key, time, members, cooldown) and event outcomes for random arrivals and settings',
    'the same fires and event outcomes (fewer cases)',
    {
      runs: 150,
      arbitrary: scenario,
      check: sameAsPlan,
    },
  );
});
