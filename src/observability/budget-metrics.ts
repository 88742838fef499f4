/**
 * Budget gauges, read from the store at scrape time (every replica reports the same shared
 * count): `hookgate_budget_used{budget}` and `hookgate_budget_held{budget}`.
 */
import { Gauge, type Registry } from 'prom-client';
import type { CompiledBudget } from '../pipeline/types.ts';
import type { BudgetStats } from '../store/budget-types.ts';
import type { Store } from '../store/types.ts';
import type { Logger } from './logger.ts';

export interface BudgetGaugeOptions {
  /** A store without budgetStats (a test double) reports no budgets. */
  readonly store: Partial<Pick<Store, 'budgetStats'>>;
  readonly budgets: () => readonly CompiledBudget[];
  readonly now: () => number;
  readonly logger?: Logger;
}

export function registerBudgetGauges(registry: Registry, options: BudgetGaugeOptions): void {
  // Both gauges of one scrape share one store read.
  let reading: Promise<readonly BudgetStats[]> | null = null;
  function stats(): Promise<readonly BudgetStats[]> {
    const budgets = options.budgets();
    const read = options.store.budgetStats;
    if (budgets.length === 0 || read === undefined) return Promise.resolve([]);
    reading ??= read
      .call(options.store, budgets, options.now())
      .catch(function statsUnavailable(error: unknown): BudgetStats[] {
        options.logger?.warn({ err: error instanceof Error ? error.message : String(error) }, 'metrics: budget stats unavailable');
        return [];
      })
      .finally(() => {
        reading = null;
      });
    return reading;
  }
  new Gauge({
    name: 'hookgate_budget_used',
    help: 'Requests counted in the sliding window of each budget right now (in flight, or ended less than per ago).',
    labelNames: ['budget'] as const,
    registers: [registry],
    async collect() {
      const rows = await stats();
      this.reset();
      for (const row of rows) this.set({ budget: row.name }, row.used);
    },
  });
  new Gauge({
    name: 'hookgate_budget_held',
    help: 'Pending deliveries each budget holds back until its window has room (or its 429 pause ends).',
    labelNames: ['budget'] as const,
    registers: [registry],
    async collect() {
      const rows = await stats();
      this.reset();
      for (const row of rows) this.set({ budget: row.name }, row.held);
    },
  });
}
