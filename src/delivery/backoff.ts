/**
 * When the next attempt happens. Pure: the caller injects `random` (Math.random in production).
 *
 * Exponential from initialDelay (doubling per attempt), capped by maxDelay, with "equal jitter":
 * half of the exponential step is fixed and the other half random, so the delay lies in
 * [step/2, step]. Jitter spreads deliveries that failed together (a target outage) so they do not
 * return in lockstep; keeping half of it fixed means a delay never collapses to ~0 and hammers a
 * struggling target, which full jitter ([0, step]) allows.
 */
import type { CompiledTarget } from '../pipeline/types.ts';

/**
 * @param attemptsInRound attempts made so far in this round, including the one that just failed (>= 1)
 * @param retryAfterMs the target's Retry-After, honoured as a floor (still capped by maxDelay)
 */
export function nextDelayMs(
  attemptsInRound: number,
  retry: CompiledTarget['retry'],
  retryAfterMs: number | null,
  random: () => number,
): number {
  const exponent = Math.max(0, attemptsInRound - 1);
  const step = Math.min(retry.maxDelayMs, retry.initialDelayMs * 2 ** exponent);
  const jittered = step / 2 + clampUnit(random()) * (step / 2);
  const floor = retryAfterMs ?? 0;
  return Math.round(Math.min(retry.maxDelayMs, Math.max(jittered, floor)));
}

/** True when the retry budget is spent: no further attempt in this round. */
export function shouldGiveUp(attemptsInRound: number, maxAttempts: number): boolean {
  return attemptsInRound >= maxAttempts;
}

function clampUnit(value: number): number {
  return Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0;
}
