import { describe, expect, it } from 'vitest';
import type { Delivery } from '../store/types.ts';
import { budgetViews, heldView } from './budget-view.ts';

describe('budgetViews', () => {
  it('lists every configured budget with its counts, a budget never used at zero', () => {
    const budgets = [
      { name: 'routine-runs', limit: 15, perMs: 86_400_000, over: 'hold' as const, targets: ['a', 'b'] },
      { name: 'spare', limit: 2, perMs: 3_000, over: 'drop' as const, targets: ['c'] },
    ];
    const stats = [{ name: 'routine-runs', used: 15, held: 4, pausedUntil: Date.UTC(2026, 0, 1, 12) }];
    expect(budgetViews(budgets, stats)).toEqual([
      { name: 'routine-runs', limit: 15, per: '1d', used: 15, held: 4, pausedUntil: '2026-01-01T12:00:00.000Z' },
      { name: 'spare', limit: 2, per: '3s', used: 0, held: 0, pausedUntil: null },
    ]);
  });
});

describe('heldView', () => {
  const base = { status: 'pending', heldBy: 'runs', heldUntil: 5_000, nextAttemptAt: 5_000 } as const;
  const cases: Array<[string, Partial<Delivery>, { budget: string; until: string } | null]> = [
    ['a held delivery shows its budget and until when', base, { budget: 'runs', until: '1970-01-01T00:00:05.000Z' }],
    ['a delivery no budget holds shows nothing', { ...base, heldBy: null, heldUntil: null }, null],
    ['a stale mark (moved on since) shows nothing', { ...base, nextAttemptAt: 9_000 }, null],
    ['a delivery in flight is not held', { ...base, status: 'in_flight' }, null],
  ];
  it.each(cases)('%s', (_name, delivery, expected) => expect(heldView(delivery as Delivery)).toEqual(expected));
});
