/**
 * What the store does for shared budgets. Both backends keep one row per request sent (a unit)
 * and decide with the same arithmetic (src/delivery/budget-window.ts), inside one transaction per
 * claim: on PostgreSQL under a lock per budget, so replicas claiming at once never count the same
 * free room twice.
 */
import type { Delivery } from './types.ts';

/** A budget as the claim needs it (the compiled config's, without the target list). */
export interface BudgetRule {
  readonly name: string;
  readonly limit: number;
  readonly perMs: number;
  readonly over: 'hold' | 'drop';
}

/** One target of the budget that is due and may send now, and how much. */
export interface BudgetTargetCap {
  readonly target: string;
  /** Deliveries this worker can start for it now (free concurrency; 1 for a paced target). */
  readonly limit: number;
  readonly leaseMs: number;
  /** The target's concurrency across replicas (a shared store caps in-flight deliveries to it). */
  readonly concurrency: number;
}

export interface BudgetClaimRequest {
  readonly budget: BudgetRule;
  /** Targets of the budget this worker may send to now; a target absent here is left alone. */
  readonly targets: readonly BudgetTargetCap[];
  readonly now: number;
  readonly workerId: string;
  /**
   * When every counted unit is in flight there is no time at which room comes: held deliveries
   * are looked at again this long after now.
   */
  readonly recheckMs: number;
}

export interface BudgetClaim {
  /** Claimed (in flight, leased to the worker), each with a unit spent for it. Oldest first. */
  readonly claimed: readonly Delivery[];
  /** Due deliveries left pending and marked held, with the time they are due again. */
  readonly held: number;
  readonly heldUntil: number | null;
  /** `over: drop`: deliveries dead-lettered as over_budget by this claim. */
  readonly dropped: readonly Delivery[];
  /** Units counted at `now`, after this claim. */
  readonly used: number;
  /** When a 429 paused the budget, and the pause is still running. */
  readonly pausedUntil: number | null;
}

export interface BudgetStats {
  readonly name: string;
  /** Units counted at `now` (requests in flight, or ended less than `per` ago). */
  readonly used: number;
  /** Pending deliveries held by this budget. */
  readonly held: number;
  /** A running pause (a 429 from one of its targets), else null. */
  readonly pausedUntil: number | null;
}

export interface BudgetStore {
  /**
   * Claim the oldest due deliveries of a budget's targets that its window has room for (at most
   * each target's limit), and spend a unit for each; hold (or, with `over: drop`, dead-letter)
   * the due deliveries of those targets beyond the room. While the budget is paused nothing is
   * claimed and every due delivery of those targets is held until the pause ends.
   */
  claimBudget(request: BudgetClaimRequest): Promise<BudgetClaim>;
  /**
   * The end of a claimed delivery's request: `spent` keeps its unit, counted until `perMs` after
   * `at`; otherwise the unit is given back (a 429, never connected, or not sent at all).
   */
  settleBudgetUnit(deliveryId: string, workerId: string, spent: boolean, at: number): Promise<void>;
  /** Pause a budget until `until` (a later pause already stored wins). */
  pauseBudget(budget: string, until: number, reason: string, now: number): Promise<void>;
  /** Used, held and paused state of each budget named. */
  budgetStats(budgets: readonly { readonly name: string; readonly perMs: number }[], now: number): Promise<BudgetStats[]>;
}
