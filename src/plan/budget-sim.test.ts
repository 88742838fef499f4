import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { simulateBudget } from './budget-sim.ts';

const MIN = 60_000;

describe('simulateBudget', () => {
  it('sends everything at once while the window has room', () => {
    expect(simulateBudget({ limit: 3, perMs: MIN, over: 'hold' }, [0, 10, 20])).toEqual({
      requests: 3,
      busiestWindow: 3,
      held: 0,
      maxDelayMs: 0,
      dropped: 0,
    });
  });

  it('holds what is over the limit until the oldest send leaves the window, oldest first', () => {
    // 5 requests in 40 ms against 2 per minute: the 3rd waits for the 1st to leave, and so on.
    const use = simulateBudget({ limit: 2, perMs: MIN, over: 'hold' }, [0, 10, 20, 30, 40]);
    expect(use).toEqual({ requests: 5, busiestWindow: 5, held: 3, maxDelayMs: 2 * MIN - 40, dropped: 0 });
  });

  it('drops what is over the limit with over: drop, and counts none as held', () => {
    const use = simulateBudget({ limit: 2, perMs: MIN, over: 'drop' }, [0, 10, 20, MIN, MIN + 5, MIN + 10]);
    expect(use).toEqual({ requests: 6, busiestWindow: 4, held: 0, maxDelayMs: 0, dropped: 2 });
  });

  it('never sends more than the limit in any window (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.array(fc.integer({ min: 0, max: 10 * MIN }), { maxLength: 60 }), (limit, times) => {
        const rule = { limit, perMs: MIN, over: 'drop' as const };
        const use = simulateBudget(rule, times);
        // Over a span of W windows at most limit × (W + 1) requests can be sent.
        expect(use.requests - use.dropped).toBeLessThanOrEqual(limit * 11);
        expect(use.dropped === 0).toBe(use.busiestWindow <= limit);
      }),
    );
  });
});
