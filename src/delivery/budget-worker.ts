/**
 * The worker's side of shared budgets: which targets of one pass claim together through their
 * budget, what an attempt's answer does to its unit (kept, or given back) and to the budget (a
 * 429 pauses it), and the warn lines when a budget holds, drops or pauses. The counting itself
 * is the store's (BudgetStore), so every replica sees the same window.
 */
import type { Logger } from '../observability/logger.ts';
import type { CompiledBudget, CompiledConfig, CompiledTarget } from '../pipeline/types.ts';
import type { BudgetClaim, BudgetTargetCap } from '../store/budget-types.ts';
import type { Delivery, Store } from '../store/types.ts';
import { pauseUntil, unitSpent } from './budget-window.ts';

/**
 * Held deliveries are looked at again after this long when no time can be named (every counted
 * unit is still in flight, possibly on another replica).
 */
export const BUDGET_RECHECK_MS = 1_000;

export function budgetOf(config: CompiledConfig, target: CompiledTarget): CompiledBudget | null {
  if (target.budget === null || target.budget === undefined) return null;
  return config.budgets?.get(target.budget) ?? null;
}

/** The targets of one pass that want to claim, grouped by their budget. */
export class BudgetWants {
  readonly #byBudget = new Map<string, { budget: CompiledBudget; caps: BudgetTargetCap[] }>();

  add(budget: CompiledBudget, cap: BudgetTargetCap): void {
    const entry = this.#byBudget.get(budget.name) ?? { budget, caps: [] };
    entry.caps.push(cap);
    this.#byBudget.set(budget.name, entry);
  }

  entries(): IterableIterator<{ budget: CompiledBudget; caps: BudgetTargetCap[] }> {
    return this.#byBudget.values();
  }
}

/** A storm at a full budget holds new deliveries on every pass: one held line per budget this often. */
export const HELD_LOG_EVERY_MS = 10_000;

/**
 * The warn lines of budget claims: deliveries held (at most one line per budget per
 * HELD_LOG_EVERY_MS, counting every delivery held since the last one) and each one dropped.
 */
export class BudgetClaimLog {
  readonly #logger: Logger;
  readonly #last = new Map<string, { at: number; held: number }>();

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  claimed(budget: CompiledBudget, claim: BudgetClaim, now: number): void {
    if (claim.held > 0) this.#held(budget, claim, now);
    for (const delivery of claim.dropped) {
      this.#logger.warn(
        {
          budget: budget.name,
          eventId: delivery.eventId,
          deliveryId: delivery.id,
          route: delivery.route,
          target: delivery.target,
          used: claim.used,
          limit: budget.limit,
          outcome: 'dead',
          deadReason: 'over_budget',
        },
        'budget full: delivery dropped',
      );
    }
  }

  #held(budget: CompiledBudget, claim: BudgetClaim, now: number): void {
    const last = this.#last.get(budget.name);
    const held = (last?.held ?? 0) + claim.held;
    if (last && now - last.at < HELD_LOG_EVERY_MS) {
      this.#last.set(budget.name, { at: last.at, held });
      return;
    }
    this.#last.set(budget.name, { at: now, held: 0 });
    this.#logger.warn(
      {
        budget: budget.name,
        held,
        used: claim.used,
        limit: budget.limit,
        until: claim.heldUntil === null ? undefined : new Date(claim.heldUntil).toISOString(),
        pausedUntil: claim.pausedUntil === null ? undefined : new Date(claim.pausedUntil).toISOString(),
      },
      claim.pausedUntil === null ? 'budget full: deliveries held' : 'budget paused: deliveries held',
    );
  }
}

export interface BudgetAttempt {
  readonly statusCode: number | null;
  readonly retryAfterMs: number | null;
  readonly error: { readonly requestSent: boolean } | null;
}

/**
 * After an attempt of a delivery claimed through `budget`: end its unit (kept, or given back when
 * the target refused for now or the request never connected), and pause the whole budget when the
 * target refused for now (`rateLimited`: its kind's verdict on a 429) until its Retry-After (60 s
 * without one). A store error is logged, not thrown: an unsettled unit is counted as spent when
 * the next claim finds it, which never lets the budget be exceeded.
 */
export async function settleBudgetAttempt(
  store: Store,
  logger: Logger,
  budget: string,
  delivery: Pick<Delivery, 'id' | 'target'>,
  workerId: string,
  result: BudgetAttempt,
  at: number,
  rateLimited: boolean,
): Promise<void> {
  const spent = !rateLimited && unitSpent(result);
  try {
    await store.settleBudgetUnit(delivery.id, workerId, spent, at);
  } catch (error) {
    logger.error({ err: error, budget, deliveryId: delivery.id }, 'could not record the budget unit of an attempt');
  }
  if (!rateLimited) return;
  const until = pauseUntil(result.retryAfterMs, at);
  try {
    await store.pauseBudget(budget, until, `target ${delivery.target} answered 429`, at);
    logger.warn(
      {
        budget,
        target: delivery.target,
        deliveryId: delivery.id,
        until: new Date(until).toISOString(),
        retryAfterMs: result.retryAfterMs ?? undefined,
      },
      'budget paused: a target answered 429',
    );
  } catch (error) {
    logger.error({ err: error, budget }, 'could not store the pause of a budget after a 429');
  }
}

/** A claimed delivery handed back without a request: its unit goes back too. */
export async function returnBudgetUnit(store: Store, logger: Logger, deliveryId: string, workerId: string, at: number): Promise<void> {
  try {
    await store.settleBudgetUnit(deliveryId, workerId, false, at);
  } catch (error) {
    logger.error({ err: error, deliveryId }, 'could not give a budget unit back');
  }
}
