import { describe, expect, it } from 'vitest';
import { expiresAt, nextDelayMs, RETRY_AFTER_FLOOR_MS, shouldGiveUp } from './backoff.ts';

const retry = { maxAttempts: 10, initialDelayMs: 1_000, maxDelayMs: 60_000, maxAgeMs: 86_400_000 };
const low = (): number => 0;
const mid = (): number => 0.5;
const high = (): number => 0.999999;

describe('nextDelayMs', () => {
  const cases: Array<[string, number, number | null, () => number, number]> = [
    // name, attemptsInRound, retryAfterMs, random, expected
    ['first retry, lowest jitter', 1, null, low, 500],
    ['first retry, middle jitter', 1, null, mid, 750],
    ['first retry, highest jitter', 1, null, high, 1_000],
    ['second retry doubles', 2, null, low, 1_000],
    ['third retry doubles again', 3, null, high, 4_000],
    ['sixth retry', 6, null, low, 16_000],
    ['capped by maxDelay', 7, null, high, 60_000],
    ['cap applies before jitter: never below half of maxDelay', 20, null, low, 30_000],
    ['huge attempt count does not overflow', 5_000, null, mid, 45_000],
    ['zero attempts treated as the first', 0, null, low, 500],
    ['Retry-After above the backoff sets the delay', 1, 10_000, low, 10_000],
    ['Retry-After below the backoff sets the delay too', 3, 2_000, high, 2_000],
    ['Retry-After beyond maxDelay is honoured, not capped', 1, 3_600_000, low, 3_600_000],
    ['Retry-After 0 waits the floor', 1, 0, low, RETRY_AFTER_FLOOR_MS],
    ['Retry-After below the floor waits the floor', 8, 10, high, RETRY_AFTER_FLOOR_MS],
  ];
  it.each(cases)('%s', (_name, attempts, retryAfter, random, expected) => {
    expect(nextDelayMs(attempts, retry, retryAfter, random)).toBe(expected);
  });

  it('never returns less than half the exponential step, whatever random gives', () => {
    for (const value of [-1, 0, Number.NaN, 2]) {
      const delay = nextDelayMs(2, retry, null, () => value);
      expect(delay).toBeGreaterThanOrEqual(1_000);
      expect(delay).toBeLessThanOrEqual(2_000);
    }
  });
});

describe('shouldGiveUp', () => {
  const cases: Array<[number, number, boolean]> = [
    [1, 10, false],
    [9, 10, false],
    [10, 10, true],
    [11, 10, true],
    [1, 1, true],
  ];
  it.each(cases)('%i attempts of %i → %s', (attempts, max, expected) => {
    expect(shouldGiveUp(attempts, max)).toBe(expected);
  });
});

describe('expiresAt', () => {
  it('is maxAge after the start of the round', () => {
    expect(expiresAt(5_000, retry)).toBe(5_000 + 86_400_000);
  });
});
