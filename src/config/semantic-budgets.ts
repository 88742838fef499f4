/**
 * Checks of shared budgets the schema cannot see: a target naming a budget that does not exist, a
 * window of zero, and a budget no target spends (it would limit nothing).
 */
import { parseDuration } from '../util/units.ts';
import type { CheckContext } from './check-context.ts';
import { entries, finding, isRecord } from './check-context.ts';
import type { Diagnostic } from './diagnostic.ts';
import { didYouMean } from './suggest.ts';

export function budgetChecks(data: unknown, ctx: CheckContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  const root = isRecord(data) ? data : {};
  const budgets = entries(root.budgets).map(([name]) => name);
  const spent = new Set<string>();

  for (const [target, config] of entries(root.targets)) {
    if (!isRecord(config) || typeof config.budget !== 'string' || config.budget === '') continue;
    const name = config.budget;
    spent.add(name);
    if (budgets.includes(name)) continue;
    const known =
      budgets.length === 0 ? '; no budgets are declared (add a top-level `budgets:` entry)' : `; declared budgets: ${budgets.join(', ')}`;
    out.push(
      finding(
        ctx,
        ['targets', target, 'budget'],
        'value',
        'error',
        'unknown-budget',
        `target \`${target}\`: unknown budget \`${name}\`${didYouMean(name, budgets)}${known}`,
      ),
    );
  }

  for (const [name, budget] of entries(root.budgets)) {
    if (isRecord(budget) && typeof budget.per === 'string') {
      const perMs = parseDuration(budget.per);
      if (perMs !== undefined && perMs <= 0) {
        out.push(finding(ctx, ['budgets', name, 'per'], 'value', 'error', 'duration', `budgets.${name}.per must be more than zero`));
      }
    }
    if (!spent.has(name)) {
      out.push(
        finding(
          ctx,
          ['budgets', name],
          'key',
          'warning',
          'unused-budget',
          `budget \`${name}\` is not named by any target (\`budget: ${name}\` on a target): it limits nothing`,
        ),
      );
    }
  }
  return out;
}
