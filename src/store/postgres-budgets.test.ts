/** Shared budgets across replicas: two stores on one PostgreSQL schema claiming at once. */
import { afterEach, describe, expect, it } from 'vitest';
import { aDelivery, anAttempt, anEvent, SECOND, T0 } from '../../test/support/store/contract-fixtures.ts';
import { freshSchemaName, storeTracker } from '../../test/support/store/postgres-schema.ts';
import type { BudgetClaimRequest, BudgetRule } from './budget-types.ts';
import type { PostgresStore } from './postgres.ts';

const PER = 3_600 * SECOND;

describe('budgets on PostgreSQL', () => {
  const tracker = storeTracker();
  afterEach(() => tracker.dispose());

  async function twoReplicas(): Promise<[PostgresStore, PostgresStore]> {
    const schema = freshSchemaName();
    const first = await tracker.openMigrated(schema, { poolMax: 8 });
    return [first, tracker.open(schema, { poolMax: 8 })];
  }

  async function seed(store: PostgresStore, count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      await store.insertEvent(anEvent({ receivedAt: T0 - count + i }), [
        aDelivery({ target: i % 2 === 0 ? 'a' : 'b', nextAttemptAt: T0 - 1 }),
      ]);
    }
  }

  /** Workers that may send to different targets pick different deliveries: only the count keeps them apart. */
  function request(budget: BudgetRule, now: number, workerId: string, targets: readonly string[] = ['a', 'b']): BudgetClaimRequest {
    const caps = targets.map((target) => ({ target, limit: 10, leaseMs: 30 * SECOND, concurrency: 100 }));
    return { budget, targets: caps, now, workerId, recheckMs: SECOND };
  }

  function targetsOf(i: number): readonly string[] {
    return [['a'], ['b'], ['a', 'b']][i % 3]!;
  }

  it('two replicas claiming at once never send more than the limit together', async () => {
    const [one, two] = await twoReplicas();
    await seed(one, 40);
    const budget: BudgetRule = { name: 'runs', limit: 7, perMs: PER, over: 'hold' };
    const claims = await Promise.all(
      Array.from({ length: 16 }, (_, i) => (i % 2 === 0 ? one : two).claimBudget(request(budget, T0, `worker-${i}`, targetsOf(i)))),
    );
    const claimed = claims.flatMap((c) => c.claimed.map((d) => d.id));
    expect(claimed).toHaveLength(7);
    expect(new Set(claimed).size).toBe(7);
    const units = await one.pool.query<{ n: number }>('SELECT COUNT(*)::int AS n FROM budget_units');
    expect(units.rows[0]?.n).toBe(7);
    expect((await two.budgetStats([{ name: 'runs', perMs: PER }], T0))[0]).toEqual({ name: 'runs', used: 7, held: 33, pausedUntil: null });
  });

  it('keeps the limit over many rounds of concurrent claims while requests end and units leave', async () => {
    const [one, two] = await twoReplicas();
    await seed(one, 60);
    const per = 10 * SECOND;
    const budget: BudgetRule = { name: 'runs', limit: 4, perMs: per, over: 'hold' };
    const sent: number[] = [];
    for (let round = 0; round < 12; round++) {
      const now = T0 + round * 4 * SECOND;
      const claims = await Promise.all(
        Array.from({ length: 6 }, (_, i) => (i % 2 === 0 ? one : two).claimBudget(request(budget, now, `w-${round}-${i}`, targetsOf(i)))),
      );
      for (const [i, claim] of claims.entries()) {
        for (const delivery of claim.claimed) {
          const worker = `w-${round}-${i}`;
          await one.completeAttempt(delivery.id, worker, anAttempt({ startedAt: now }), { status: 'delivered' });
          await two.settleBudgetUnit(delivery.id, worker, true, now + 100);
          sent.push(now + 100);
        }
      }
    }
    // Every request ended at now + 100: no window of `per` may hold more than the limit of them.
    sent.sort((a, b) => a - b);
    for (let i = budget.limit; i < sent.length; i++) expect(sent[i]! - sent[i - budget.limit]!).toBeGreaterThanOrEqual(per);
    // Rounds 4 s apart, window 10 s, limit 4: 4 requests every third round.
    expect(sent).toHaveLength(16);
  });
});
