/**
 * When the next attempt happens. Pure: the caller injects `random` (Math.random in production).
 *
 * Exponential from initialDelay (doubling per attempt), capped by maxDelay, with "equal jitter":
 * half of the exponential step is fixed and the other half random, so the delay lies in
 * [step/2, step]. Jitter spreads deliveries that failed together (a target outage) so they do not
 * return in lockstep; keeping half of it fixed means a delay never collapses to ~0 and hammers a
 * struggling target, which full jitter ([0, step]) allows.
 *
 * A target's own Retry-After overrides all of that, maxDelay included: the target knows when it
 * will take the request (a daily allowance resets at midnight), and coming back sooner only burns
 * the delivery's time.
 */
import type { CompiledTarget } from '../pipeline/types.ts';

/**
 * The shortest wait a Retry-After can ask for: `0`, or a date already past, would otherwise
 * resend at once, and a retry that spends no attempt could then spin.
 */
export const RETRY_AFTER_FLOOR_MS = 1_000;

/**
 * @param attempts attempts counted so far for the backoff, including the one that just failed (>= 1)
 * @param retryAfterMs the target's Retry-After: when set, it is the delay (at least RETRY_AFTER_FLOOR_MS)
 */
export function nextDelayMs(attempts: number, retry: CompiledTarget['retry'], retryAfterMs: number | null, random: () => number): number {
  if (retryAfterMs !== null) return Math.round(Math.max(RETRY_AFTER_FLOOR_MS, retryAfterMs));
  const exponent = Math.max(0, attempts - 1);
  const step = Math.min(retry.maxDelayMs, retry.initialDelayMs * 2 ** exponent);
  return Math.round(step / 2 + clampUnit(random()) * (step / 2));
}

/** True when the retry budget is spent: no further attempt in this round. */
export function shouldGiveUp(attemptsInRound: number, maxAttempts: number): boolean {
  return attemptsInRound >= maxAttempts;
}

/** When a delivery started in `roundStartedAt` expires under `retry.maxAgeMs`. */
export function expiresAt(roundStartedAt: number, retry: CompiledTarget['retry']): number {
  return roundStartedAt + retry.maxAgeMs;
}

function clampUnit(value: number): number {
  return Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0;
}
