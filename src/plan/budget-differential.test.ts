/**
 * `hookgate plan` simulates a budget on the requests' times (simulateSends); `serve` decides it in
 * the store's claims. Random request times, spread over two targets of the budget, under random
 * limits, windows and `over` go through both: the simulation, and the real store claimed as the
 * delivery worker claims it, on a simulated clock (each request ends the instant it is sent, as
 * the simulation assumes; the worker claims again once its requests end, and when its held
 * deliveries are due). Both must send each request at the same time, or drop the same ones.
 * Windows are 1 s or longer: with a window shorter than the worker's recheck of held deliveries
 * (1 s), `serve` could send a held request up to that much later than the simulation says.
 *
 * On failure fast-check prints the seed and the smallest failing case; rerun it with
 * HOOKGATE_PROPERTY_SEED=<seed>.
 */
import fc from 'fast-check';
import { describe, expect } from 'vitest';
import { aDelivery, anAttempt, anEvent } from '../../test/support/store/contract-fixtures.ts';
import { propertyOnBothStores } from '../../test/support/store/property.ts';
import { BUDGET_RECHECK_MS } from '../delivery/budget-worker.ts';
import type { BudgetRule } from '../store/budget-types.ts';
import type { Store } from '../store/types.ts';
import { type SimulatedSend, simulateSends } from './budget-sim.ts';

const S = 1000;
const T0 = Date.parse('2026-11-30T00:00:00Z');
const WORKER = 'w1';

interface Case {
  readonly limit: number;
  readonly perS: number;
  readonly over: 'hold' | 'drop';
  /** Each request: seconds since the one before (0: at once), and which of the budget's two targets it goes to. */
  readonly requests: readonly { readonly gapS: number; readonly target: 0 | 1 }[];
}

const budgetCase: fc.Arbitrary<Case> = fc.record({
  limit: fc.integer({ min: 1, max: 4 }),
  perS: fc.integer({ min: 1, max: 8 }),
  over: fc.constantFrom('hold', 'drop'),
  requests: fc.array(fc.record({ gapS: fc.integer({ min: 0, max: 4 }), target: fc.constantFrom<0 | 1>(0, 1) }), {
    minLength: 1,
    maxLength: 25,
  }),
});

function times(c: Case): number[] {
  let at = T0;
  return c.requests.map(({ gapS }) => (at += gapS * S));
}

/** Canonical order: by due time, then send time (dropped last). */
function canonical(sends: readonly SimulatedSend[]): string[] {
  return [...sends]
    .sort((a, b) => a.at - b.at || (a.sentAt ?? Number.POSITIVE_INFINITY) - (b.sentAt ?? Number.POSITIVE_INFINITY))
    .map((s) => `due ${(s.at - T0) / S}s ${s.sentAt === null ? 'dropped' : `sent ${(s.sentAt - T0) / S}s`}`);
}

let cases = 0;

/** The store, claimed as the budget worker claims it. Budget and target names are the case's own, so cases can share a store. */
async function throughStore(
  store: Store,
  rule: Omit<BudgetRule, 'name'>,
  due: readonly number[],
  targetOf: readonly (0 | 1)[],
): Promise<SimulatedSend[]> {
  const n = ++cases;
  const budget: BudgetRule = { name: `budget-${n}`, ...rule };
  const targets = [`target-${n}-a`, `target-${n}-b`];
  const dueOf = new Map<string, number>();
  const sends: SimulatedSend[] = [];
  let arrived = 0;
  let now = due[0]!;
  for (let round = 0; round < 1000; round++) {
    for (; arrived < due.length && due[arrived]! <= now; arrived++) {
      const at = due[arrived]!;
      const delivery = aDelivery({ route: `route-${n}`, target: targets[targetOf[arrived]!]!, nextAttemptAt: at });
      await store.insertEvent(anEvent({ receivedAt: at }), [delivery]);
      dueOf.set(delivery.id, at);
    }
    const claim = await store.claimBudget({
      budget,
      targets: targets.map((target) => ({ target, limit: 1000, leaseMs: 86_400_000, concurrency: 1000 })),
      now,
      workerId: WORKER,
      recheckMs: BUDGET_RECHECK_MS,
    });
    for (const d of claim.claimed) {
      sends.push({ at: dueOf.get(d.id)!, sentAt: now });
      await store.completeAttempt(d.id, WORKER, anAttempt({ startedAt: now, durationMs: 0 }), { status: 'delivered' });
      await store.settleBudgetUnit(d.id, WORKER, true, now);
    }
    for (const d of claim.dropped) sends.push({ at: dueOf.get(d.id)!, sentAt: null });
    // Requests that just ended make room the worker looks for at once.
    if (claim.claimed.length > 0) continue;
    // Then it sleeps until the next request arrives or a held one is due again (the store moved it to then).
    const held = await store.nextDueAt();
    const next = Math.min(due[arrived] ?? Number.POSITIVE_INFINITY, held ?? Number.POSITIVE_INFINITY);
    if (next === Number.POSITIVE_INFINITY) return sends;
    if (next <= now) throw new Error(`a delivery due at ${next} was neither claimed nor held at ${now}`);
    now = next;
  }
  throw new Error('the budget kept claiming for 1000 rounds');
}

async function sameAsPlan(store: Store, c: Case): Promise<void> {
  const rule = { limit: c.limit, perMs: c.perS * S, over: c.over };
  const due = times(c);
  const stored = await throughStore(
    store,
    rule,
    due,
    c.requests.map((r) => r.target),
  );
  expect(stored).toHaveLength(due.length);
  expect(canonical(simulateSends(rule, due))).toEqual(canonical(stored));
}

describe('plan simulates a budget exactly as the store claims it', () => {
  propertyOnBothStores(
    'SQLite: each request sent at the same time, or dropped, for random times, limits, windows and over',
    'the same sends (fewer cases)',
    {
      runs: 120,
      arbitrary: budgetCase,
      check: sameAsPlan,
    },
  );
});
