import { describe, expect, it } from 'vitest';
import { createMemoryLimiter, type RateLimit, type TargetLimiter } from './rate-limit.ts';

/** Largest number of times inside any half-open window [t, t + perMs). */
function busiestWindow(times: readonly number[], perMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let start = 0, end = 0; start < sorted.length; start++) {
    while (end < sorted.length && sorted[end]! < sorted[start]! + perMs) end++;
    most = Math.max(most, end - start);
  }
  return most;
}

/** Seeded generator so a failure reproduces. */
function mulberry32(seed: number): () => number {
  let state = seed;
  return function next() {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A caller asking at random moments on a simulated clock: sometimes right when told, sometimes
 * early (and refused again), sometimes late, sometimes many times in one millisecond.
 */
function simulate(limiter: TargetLimiter, limit: RateLimit, durationMs: number, seed: number): number[] {
  const random = mulberry32(seed);
  const taken: number[] = [];
  const spacing = limit.perMs / limit.requests;
  for (let now = 0; now < durationMs; ) {
    const wait = limiter.reserve('target', limit, now);
    if (wait === 0) {
      taken.push(now);
      const roll = random();
      now += roll < 0.3 ? 0 : roll < 0.9 ? random() * spacing : random() * spacing * 3;
    } else {
      expect(wait).toBeGreaterThan(0);
      const roll = random();
      now += roll < 0.2 ? random() * wait : roll < 0.8 ? wait : wait + random() * spacing;
    }
  }
  return taken;
}

describe('memory limiter', () => {
  const limits: RateLimit[] = [
    { requests: 1, perMs: 1_000 },
    { requests: 5, perMs: 1_000 },
    { requests: 3, perMs: 700 },
    { requests: 600, perMs: 60_000 },
  ];

  it.each(limits)('never lets a sliding window of $perMs ms hold more than $requests', (limit) => {
    for (const seed of [1, 2, 3]) {
      const taken = simulate(createMemoryLimiter(), limit, limit.perMs * 20, seed);
      expect(busiestWindow(taken, limit.perMs)).toBeLessThanOrEqual(limit.requests);
      // ...and is not so cautious that it wastes most of the budget.
      expect(taken.length).toBeGreaterThanOrEqual(limit.requests * 20 * 0.6);
    }
  });

  it('holds the bound exactly when there is no margin', () => {
    const limit = { requests: 4, perMs: 1_000 };
    const taken = simulate(createMemoryLimiter({ marginMs: () => 0 }), limit, 20_000, 7);
    expect(busiestWindow(taken, limit.perMs)).toBe(4);
  });

  it('paces instead of bursting after a quiet spell', () => {
    const limiter = createMemoryLimiter({ marginMs: () => 0 });
    const limit = { requests: 5, perMs: 1_000 };
    expect(limiter.reserve('t', limit, 10_000)).toBe(0);
    expect(limiter.reserve('t', limit, 10_000)).toBe(200);
    expect(limiter.reserve('t', limit, 10_150)).toBe(50);
    expect(limiter.reserve('t', limit, 10_200)).toBe(0);
  });

  it('does not take a slot when it says wait', () => {
    const limiter = createMemoryLimiter({ marginMs: () => 0 });
    const limit = { requests: 1, perMs: 1_000 };
    expect(limiter.reserve('t', limit, 0)).toBe(0);
    for (let now = 100; now < 1_000; now += 100) expect(limiter.reserve('t', limit, now)).toBe(1_000 - now);
    expect(limiter.reserve('t', limit, 1_000)).toBe(0);
  });

  it('keeps targets apart', () => {
    const limiter = createMemoryLimiter();
    const limit = { requests: 1, perMs: 1_000 };
    expect(limiter.reserve('a', limit, 0)).toBe(0);
    expect(limiter.reserve('b', limit, 0)).toBe(0);
    expect(limiter.reserve('a', limit, 1)).toBeGreaterThan(0);
  });

  it('adds the default margin of 5% of the window', () => {
    const limiter = createMemoryLimiter();
    const limit = { requests: 2, perMs: 1_000 };
    expect(limiter.reserve('t', limit, 0)).toBe(0);
    expect(limiter.reserve('t', limit, 500)).toBe(25);
  });
});
