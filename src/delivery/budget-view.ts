/**
 * How budgets read back to people: the `/admin/budgets` items and a delivery's `held` field. One
 * place, so the admin API, the CLI and the inspector agree.
 */
import type { CompiledBudget } from '../pipeline/types.ts';
import type { BudgetStats } from '../store/budget-types.ts';
import type { Delivery } from '../store/types.ts';
import { formatDuration } from '../util/units.ts';

export interface BudgetView {
  readonly name: string;
  readonly limit: number;
  /** The window, as a duration (`1d`, `90m`, `3s`). */
  readonly per: string;
  /** Requests counted in the window right now (in flight, or ended less than `per` ago). */
  readonly used: number;
  /** Pending deliveries waiting for room. */
  readonly held: number;
  /** ISO time a 429 paused the budget until, or null. */
  readonly pausedUntil: string | null;
}

export function budgetViews(budgets: readonly CompiledBudget[], stats: readonly BudgetStats[]): BudgetView[] {
  return budgets.map(function view(budget): BudgetView {
    const s = stats.find((x) => x.name === budget.name);
    return {
      name: budget.name,
      limit: budget.limit,
      per: formatDuration(budget.perMs),
      used: s?.used ?? 0,
      held: s?.held ?? 0,
      pausedUntil: s?.pausedUntil == null ? null : new Date(s.pausedUntil).toISOString(),
    };
  });
}

/**
 * `{ budget, until }` while a budget holds the delivery back, else null. A hold sets the
 * delivery's next attempt to the hold's end; once anything else moves the delivery on (a claim,
 * a retry) the two differ and the mark is stale.
 */
export function heldView(delivery: Delivery): { readonly budget: string; readonly until: string } | null {
  const { heldBy, heldUntil } = delivery;
  if (delivery.status !== 'pending' || heldBy == null || heldUntil == null || heldUntil !== delivery.nextAttemptAt) return null;
  return { budget: heldBy, until: new Date(heldUntil).toISOString() };
}
