/**
 * routes.yaml `budgets:` → the compiled budgets, each with the targets that spend it. Runs once
 * per load, after the targets are compiled (their `budget` names are checked here).
 */
import type { BudgetConfig } from '../config/types.ts';
import { SetupError } from '../errors.ts';
import type { CompiledBudget, CompiledTarget } from '../pipeline/types.ts';
import { parseDuration } from '../util/units.ts';

export function compileBudgets(
  budgets: Readonly<Record<string, BudgetConfig>>,
  targets: ReadonlyMap<string, CompiledTarget>,
): ReadonlyMap<string, CompiledBudget> {
  const spenders = new Map<string, string[]>();
  for (const target of targets.values()) {
    if (target.budget === null || target.budget === undefined) continue;
    if (!Object.hasOwn(budgets, target.budget)) throw new SetupError(`targets.${target.name}.budget: unknown budget "${target.budget}"`);
    const list = spenders.get(target.budget) ?? [];
    list.push(target.name);
    spenders.set(target.budget, list);
  }
  const compiled = new Map<string, CompiledBudget>();
  for (const [name, budget] of Object.entries(budgets)) {
    const perMs = parseDuration(budget.per);
    if (perMs === undefined || perMs <= 0) throw new SetupError(`budgets.${name}.per: "${budget.per}" is not a duration above zero`);
    if (!Number.isInteger(budget.limit) || budget.limit < 1)
      throw new SetupError(`budgets.${name}.limit: must be a whole number, 1 or more`);
    compiled.set(
      name,
      Object.freeze({
        name,
        limit: budget.limit,
        perMs,
        over: budget.over ?? 'hold',
        targets: Object.freeze((spenders.get(name) ?? []).sort()),
      }),
    );
  }
  return compiled;
}
