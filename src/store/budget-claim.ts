/**
 * A budget claim, the same on every backend:
 * 1. reserve: in one transaction (on PostgreSQL under the budget's lock), count the window, pick
 *    the oldest due deliveries it has room for, claim the pending ones among them and spend a
 *    unit on each, and hold (or drop) the due deliveries beyond the room. A due delivery whose
 *    lease lapsed is not taken here: a unit is reserved for it instead;
 * 2. claim: the store's own claim takes those over, per target, for as many as were reserved
 *    (so every rule about lapsed leases stays in one place);
 * 3. bind: tie the reserved units to what step 2 claimed and give back the ones not used.
 * A unit counts from step 1, so no other claim can use its room in between.
 */
import { randomBytes } from 'node:crypto';
import type { BudgetClaim, BudgetClaimRequest, BudgetRule, BudgetTargetCap } from './budget-types.ts';
import type { Delivery } from './types.ts';

/** How long an unbound reservation may stay before it is taken for one whose claim died. */
export const RESERVATION_TTL_MS = 60_000;

export interface Reservation {
  /** Claimed in the reservation itself, each with its unit. */
  readonly claimed: readonly Delivery[];
  /** Units reserved per target for deliveries whose lease lapsed (the store's claim takes them over). */
  readonly grants: ReadonlyMap<string, number>;
  readonly held: number;
  readonly heldUntil: number | null;
  readonly dropped: readonly Delivery[];
  readonly used: number;
  readonly pausedUntil: number | null;
}

export interface BudgetClaimSteps {
  reserve(request: BudgetClaimRequest, token: string): Promise<Reservation>;
  claim(target: BudgetTargetCap, limit: number, request: BudgetClaimRequest): Promise<Delivery[]>;
  bind(token: string, deliveryIds: readonly string[], now: number): Promise<void>;
  release(deliveryIds: readonly string[], workerId: string): Promise<void>;
}

export function overBudgetError(budget: BudgetRule): string {
  return `over_budget: budget "${budget.name}" allows ${budget.limit} requests per ${budget.perMs} ms and its window was full`;
}

export async function claimThroughBudget(request: BudgetClaimRequest, steps: BudgetClaimSteps): Promise<BudgetClaim> {
  const token = randomBytes(12).toString('hex');
  const reservation = await steps.reserve(request, token);
  if (reservation.grants.size === 0) return finished([...reservation.claimed], reservation);
  const taken: Delivery[] = [];
  try {
    for (const target of request.targets) {
      const granted = reservation.grants.get(target.target) ?? 0;
      if (granted > 0) taken.push(...(await steps.claim(target, granted, request)));
    }
    await steps.bind(
      token,
      taken.map((d) => d.id),
      request.now,
    );
  } catch (error) {
    // Nothing was sent: hand every delivery back (their units then count as if sent, which never
    // lets the budget be exceeded). If even that fails, their leases run out; the first error is
    // the one to report.
    await steps
      .release(
        [...reservation.claimed, ...taken].map((d) => d.id),
        request.workerId,
      )
      .catch(() => undefined);
    throw error;
  }
  return finished([...reservation.claimed, ...taken], reservation);
}

function finished(claimed: Delivery[], reservation: Reservation): BudgetClaim {
  return {
    claimed: claimed.sort(byAge),
    held: reservation.held,
    heldUntil: reservation.heldUntil,
    dropped: reservation.dropped,
    used: reservation.used,
    pausedUntil: reservation.pausedUntil,
  };
}

function byAge(a: Delivery, b: Delivery): number {
  return a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
