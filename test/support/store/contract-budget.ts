/**
 * Shared budgets: units counted in the store, the oldest due deliveries first, the rest held (or
 * dropped), units given back, pauses, and what the admin API reads back.
 */
import { describe, expect, it } from 'vitest';
import type { BudgetClaimRequest, BudgetRule, BudgetTargetCap } from '../../../src/store/budget-types.ts';
import type { Store } from '../../../src/store/types.ts';
import type { ContractContext } from './contract.ts';
import { aDelivery, anAttempt, anEvent, SECOND, T0 } from './contract-fixtures.ts';

const PER = 10 * SECOND;
const RUNS: BudgetRule = { name: 'runs', limit: 3, perMs: PER, over: 'hold' };

function cap(target: string, limit = 10): BudgetTargetCap {
  return { target, limit, leaseMs: 30 * SECOND, concurrency: 10 };
}

function request(now: number, targets: BudgetTargetCap[], budget: BudgetRule = RUNS, workerId = 'w1'): BudgetClaimRequest {
  return { budget, targets, now, workerId, recheckMs: SECOND };
}

/** One event per delivery, received `age` ms before T0 (older first when listed first). */
async function seed(store: Store, specs: ReadonlyArray<{ target: string; age: number }>): Promise<string[]> {
  const ids: string[] = [];
  for (const spec of specs) {
    const delivery = aDelivery({ target: spec.target, nextAttemptAt: T0 - spec.age });
    await store.insertEvent(anEvent({ receivedAt: T0 - spec.age }), [delivery]);
    ids.push(delivery.id);
  }
  return ids;
}

/** Finish a claimed delivery's attempt (2xx) and end its unit at `at`. */
async function finish(store: Store, id: string, at: number, workerId = 'w1'): Promise<void> {
  await store.completeAttempt(id, workerId, anAttempt({ startedAt: at - 100, durationMs: 100 }), { status: 'delivered' });
  await store.settleBudgetUnit(id, workerId, true, at);
}

export function budgetContract({ store }: ContractContext): void {
  describe('shared budgets', function budgetSuite() {
    it('claims at most limit deliveries across its targets, oldest first, and holds the rest until a unit leaves', async () => {
      const [a1, b1, a2, b2, a3] = await seed(store(), [
        { target: 'a', age: 50 },
        { target: 'b', age: 40 },
        { target: 'a', age: 30 },
        { target: 'b', age: 20 },
        { target: 'a', age: 10 },
      ]);
      const first = await store().claimBudget(request(T0, [cap('a'), cap('b')]));
      expect(first.claimed.map((d) => d.id)).toEqual([a1, b1, a2]);
      expect(first.claimed.every((d) => d.status === 'in_flight' && d.leaseOwner === 'w1')).toBe(true);
      expect(first.used).toBe(3);
      // Every counted unit is in flight: no time to name, so look again after recheckMs.
      expect(first.held).toBe(2);
      expect(first.heldUntil).toBe(T0 + SECOND);
      const held = await store().getDelivery(b2!);
      expect(held).toMatchObject({ status: 'pending', heldBy: 'runs', heldUntil: T0 + SECOND, nextAttemptAt: T0 + SECOND });

      await finish(store(), a1!, T0 + 200);
      await finish(store(), b1!, T0 + 300);
      await finish(store(), a2!, T0 + 400);
      // Full until the earliest ending unit leaves: per after it ended, not after it started.
      const full = await store().claimBudget(request(T0 + 2 * SECOND, [cap('a'), cap('b')]));
      expect(full.claimed).toEqual([]);
      expect(full.heldUntil).toBe(T0 + 200 + PER);
      expect((await store().getDelivery(a3!))?.heldUntil).toBe(T0 + 200 + PER);

      const justBefore = await store().claimBudget(request(T0 + 200 + PER - 1, [cap('a'), cap('b')]));
      expect(justBefore.claimed).toEqual([]);
      const room = await store().claimBudget(request(T0 + 200 + PER, [cap('a'), cap('b')]));
      expect(room.claimed.map((d) => d.id)).toEqual([b2]);
      expect((await store().getDelivery(b2!))?.heldBy).toBeNull();
      expect(room.heldUntil).toBe(T0 + 300 + PER);
    });

    it('never claims more than a target can take, and leaves a target that cannot send alone while room is left', async () => {
      const [a1, a2, b1] = await seed(store(), [
        { target: 'a', age: 30 },
        { target: 'a', age: 20 },
        { target: 'b', age: 10 },
      ]);
      const claim = await store().claimBudget(request(T0, [cap('a', 1), cap('b', 0)]));
      expect(claim.claimed.map((d) => d.id)).toEqual([a1]);
      expect(claim.held).toBe(0);
      expect((await store().getDelivery(a2!))?.status).toBe('pending');
      expect((await store().getDelivery(b1!))?.heldBy).toBeNull();
    });

    it('a unit given back (429, never connected) frees its room at once', async () => {
      await seed(store(), [
        { target: 'a', age: 40 },
        { target: 'a', age: 30 },
        { target: 'a', age: 20 },
        { target: 'a', age: 10 },
      ]);
      const first = await store().claimBudget(request(T0, [cap('a')]));
      expect(first.claimed).toHaveLength(3);
      const refused = first.claimed[0]!;
      await store().completeAttempt(refused.id, 'w1', anAttempt({ statusCode: 429, outcome: 'retry' }), {
        status: 'pending',
        nextAttemptAt: T0 + 60 * SECOND,
      });
      await store().settleBudgetUnit(refused.id, 'w1', false, T0 + 100);
      // The fourth was held for a second (every counted unit was in flight, so no time to name).
      const next = await store().claimBudget(request(T0 + SECOND, [cap('a')]));
      expect(next.claimed).toHaveLength(1);
      expect(next.used).toBe(3);
    });

    it('counts a request in flight however long it takes', async () => {
      await seed(store(), [
        { target: 'a', age: 20 },
        { target: 'a', age: 10 },
      ]);
      const one: BudgetRule = { ...RUNS, limit: 1 };
      expect((await store().claimBudget(request(T0, [cap('a')], one))).claimed).toHaveLength(1);
      const later = await store().claimBudget(request(T0 + 5 * PER, [cap('a')], one));
      expect(later.claimed).toEqual([]);
      expect(later.used).toBe(1);
    });

    it('a unit whose worker vanished ends when its delivery was taken over, and counts per after that', async () => {
      const [id] = await seed(store(), [{ target: 'a', age: 10 }]);
      const one: BudgetRule = { ...RUNS, limit: 1 };
      const lease = { ...cap('a'), leaseMs: SECOND };
      expect((await store().claimBudget(request(T0, [lease], one, 'dead-worker'))).claimed).toHaveLength(1);
      // The lease ran out; a claim by another worker takes the delivery over.
      const takeover = T0 + 2 * SECOND;
      await store().claim({ target: 'a', limit: 1, now: takeover, leaseMs: SECOND, workerId: 'w2' });
      await store().completeAttempt(id!, 'w2', anAttempt(), { status: 'delivered' });
      const stats = await store().budgetStats([{ name: 'runs', perMs: PER }], takeover + PER - 1);
      expect(stats[0]?.used).toBe(1);
      await seed(store(), [{ target: 'a', age: 0 }]);
      const blocked = await store().claimBudget(request(takeover + 100, [cap('a')], one));
      expect(blocked.claimed).toEqual([]);
      expect(blocked.used).toBe(1);
    });

    it('over: drop dead-letters what does not fit as over_budget, replayable by that reason', async () => {
      const drop: BudgetRule = { ...RUNS, limit: 1, over: 'drop' };
      const [kept, gone] = await seed(store(), [
        { target: 'a', age: 20 },
        { target: 'a', age: 10 },
      ]);
      const claim = await store().claimBudget(request(T0, [cap('a')], drop));
      expect(claim.claimed.map((d) => d.id)).toEqual([kept]);
      expect(claim.dropped.map((d) => d.id)).toEqual([gone]);
      expect(claim.held).toBe(0);
      const dead = await store().getDelivery(gone!);
      expect(dead).toMatchObject({ status: 'dead', deadReason: 'over_budget', heldBy: null });
      expect(dead?.error).toMatch(/^over_budget: budget "runs" allows 1 requests per 10000 ms/);
      expect(dead?.attempts).toEqual([]);
      expect(await store().replayMatching({ status: 'dead', reason: 'over_budget' }, T0 + SECOND, true)).toBe(1);
      expect(await store().replayMatching({ status: 'dead', reason: 'over_budget' }, T0 + SECOND, false)).toBe(1);
      expect((await store().getDelivery(gone!))?.status).toBe('pending');
    });

    it('a pause claims nothing and holds every due delivery until it ends; a shorter pause never cuts a longer one', async () => {
      const [a1, b1] = await seed(store(), [
        { target: 'a', age: 20 },
        { target: 'b', age: 10 },
      ]);
      await store().pauseBudget('runs', T0 + 3_600 * SECOND, 'target a answered 429', T0);
      await store().pauseBudget('runs', T0 + 60 * SECOND, 'target b answered 429', T0 + SECOND);
      const claim = await store().claimBudget(request(T0 + 2 * SECOND, [cap('a'), cap('b')], { ...RUNS, over: 'drop' }));
      expect(claim.claimed).toEqual([]);
      expect(claim.dropped).toEqual([]);
      expect(claim.held).toBe(2);
      expect(claim.pausedUntil).toBe(T0 + 3_600 * SECOND);
      expect(claim.heldUntil).toBe(T0 + 3_600 * SECOND);
      expect((await store().getDelivery(a1!))?.nextAttemptAt).toBe(T0 + 3_600 * SECOND);
      expect(await store().budgetStats([{ name: 'runs', perMs: PER }], T0 + 2 * SECOND)).toEqual([
        { name: 'runs', used: 0, held: 2, pausedUntil: T0 + 3_600 * SECOND },
      ]);
      const after = await store().claimBudget(request(T0 + 3_600 * SECOND, [cap('a'), cap('b')]));
      expect(after.claimed.map((d) => d.id)).toEqual([a1, b1]);
      expect(after.pausedUntil).toBeNull();
    });

    it('reports used, held and paused per budget, and nothing for a budget never used', async () => {
      await seed(store(), [
        { target: 'a', age: 30 },
        { target: 'a', age: 20 },
        { target: 'a', age: 10 },
        { target: 'a', age: 5 },
      ]);
      const claim = await store().claimBudget(request(T0, [cap('a')]));
      await finish(store(), claim.claimed[0]!.id, T0 + 100);
      expect(
        await store().budgetStats(
          [
            { name: 'runs', perMs: PER },
            { name: 'idle', perMs: PER },
          ],
          T0 + 200,
        ),
      ).toEqual([
        { name: 'runs', used: 3, held: 1, pausedUntil: null },
        { name: 'idle', used: 0, held: 0, pausedUntil: null },
      ]);
      // The finished unit has left; the two in flight still count.
      expect((await store().budgetStats([{ name: 'runs', perMs: PER }], T0 + 100 + PER))[0]?.used).toBe(2);
    });

    it('gives back what it reserved for a lapsed lease when another worker took the delivery over first', async () => {
      const [id] = await seed(store(), [{ target: 'a', age: 10 }]);
      const s = store();
      await s.claim({ target: 'a', limit: 1, now: T0, leaseMs: SECOND, workerId: 'dead-worker' });
      const now = T0 + 2 * SECOND;
      // Between the reservation and the store's own claim, another worker takes the delivery over.
      const claim = s.claim.bind(s);
      const capped = s.claimCapped?.bind(s);
      async function steal(): Promise<void> {
        await claim({ target: 'a', limit: 1, now, leaseMs: 30 * SECOND, workerId: 'other' });
      }
      Object.assign(s, {
        async claim(...args: Parameters<Store['claim']>) {
          await steal();
          return claim(...args);
        },
        claimCapped:
          capped &&
          (async (...args: Parameters<NonNullable<Store['claimCapped']>>) => {
            await steal();
            return capped(...args);
          }),
      });
      const result = await s.claimBudget(request(now, [cap('a')]));
      expect(result.claimed).toEqual([]);
      expect((await s.budgetStats([{ name: 'runs', perMs: PER }], now))[0]?.used).toBe(0);
      expect((await s.getDelivery(id!))?.leaseOwner).toBe('other');
    });

    it('takes a delivery over from a lapsed lease through the store claim, with a unit', async () => {
      const [id] = await seed(store(), [{ target: 'a', age: 10 }]);
      await store().claim({ target: 'a', limit: 1, now: T0, leaseMs: SECOND, workerId: 'dead-worker' });
      const result = await store().claimBudget(request(T0 + 2 * SECOND, [cap('a')]));
      expect(result.claimed.map((d) => [d.id, d.leaseOwner])).toEqual([[id, 'w1']]);
      expect(result.used).toBe(1);
      expect((await store().budgetStats([{ name: 'runs', perMs: PER }], T0 + 2 * SECOND))[0]?.used).toBe(1);
    });
  });
}
