import { describe, expect, it } from 'vitest';
import { ClientRateLimiter } from './client-rate-limit.ts';

describe('ClientRateLimiter', () => {
  it('admits N requests in a window and refuses the N+1th with a Retry-After', () => {
    const limiter = new ClientRateLimiter(3, 10_000);
    expect([0, 1, 2].map((t) => limiter.check('a', 1000 + t).allowed)).toEqual([true, true, true]);
    const refused = limiter.check('a', 1003);
    expect(refused).toEqual({ allowed: false, retryAfterSeconds: 10 });
  });

  it('slides: a slot frees when the oldest request leaves the window, not at a window boundary', () => {
    const limiter = new ClientRateLimiter(2, 1000);
    expect(limiter.check('a', 0).allowed).toBe(true);
    expect(limiter.check('a', 600).allowed).toBe(true);
    expect(limiter.check('a', 999).allowed).toBe(false);
    expect(limiter.check('a', 1000).allowed).toBe(true); // the request at 0 left
    expect(limiter.check('a', 1500).allowed).toBe(false); // 600 and 1000 still inside
    expect(limiter.check('a', 1600).allowed).toBe(true);
  });

  it('never lets any window hold more than N admitted requests (simulated traffic)', () => {
    const limiter = new ClientRateLimiter(5, 1000);
    const admitted: number[] = [];
    for (let t = 0; t < 10_000; t += 37) if (limiter.check('a', t).allowed) admitted.push(t);
    for (const start of admitted) expect(admitted.filter((t) => t >= start && t < start + 1000).length).toBeLessThanOrEqual(5);
    expect(admitted.length).toBeGreaterThan(40);
  });

  it('keeps clients apart', () => {
    const limiter = new ClientRateLimiter(1, 1000);
    expect(limiter.check('a', 0).allowed).toBe(true);
    expect(limiter.check('b', 0).allowed).toBe(true);
    expect(limiter.check('a', 1).allowed).toBe(false);
  });
});
