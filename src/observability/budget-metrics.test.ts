import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseExposition } from '../../test/support/metrics-parse.ts';
import { aDelivery, anEvent, SECOND, T0 } from '../../test/support/store/contract-fixtures.ts';
import type { CompiledBudget } from '../pipeline/types.ts';
import { openStore } from '../store/open.ts';
import type { Store } from '../store/types.ts';
import { createMetrics } from './metrics.ts';

const RUNS: CompiledBudget = { name: 'runs', limit: 2, perMs: 60 * SECOND, over: 'hold', targets: ['a'] };
const IDLE: CompiledBudget = { name: 'idle', limit: 5, perMs: 60 * SECOND, over: 'hold', targets: [] };
let store: Store;

beforeEach(async () => {
  store = await openStore('sqlite::memory:');
});

afterEach(async () => {
  await store.close();
});

describe('budget metrics', () => {
  it('reports each configured budget: requests counted in its window, and deliveries held', async () => {
    for (let i = 0; i < 5; i++) await store.insertEvent(anEvent(), [aDelivery({ target: 'a', nextAttemptAt: T0 })]);
    const cap = { target: 'a', limit: 10, leaseMs: 30 * SECOND, concurrency: 10 };
    await store.claimBudget({ budget: RUNS, targets: [cap], now: T0, workerId: 'w', recheckMs: SECOND });
    const metrics = createMetrics({
      store,
      config: () => ({
        sha256: 'a'.repeat(64),
        providers: new Map(),
        budgets: new Map([
          ['runs', RUNS],
          ['idle', IDLE],
        ]),
      }),
      now: () => T0 + SECOND,
      defaultMetrics: false,
    });
    const m = parseExposition(await metrics.scrape());
    expect(m.types.get('hookgate_budget_used')).toBe('gauge');
    expect(m.value('hookgate_budget_used', { budget: 'runs' })).toBe(2);
    expect(m.value('hookgate_budget_held', { budget: 'runs' })).toBe(3);
    expect(m.value('hookgate_budget_used', { budget: 'idle' })).toBe(0);
    expect(m.value('hookgate_budget_held', { budget: 'idle' })).toBe(0);
  });
});
