/**
 * Target protection, so a target that keeps failing is left alone for a while: after `failures`
 * consecutive failed attempts a target is paused for `cooldown`; its deliveries wait in the
 * store. When the cool-down ends the target is half-open: one delivery at a time, until an
 * attempt succeeds (closed again) or fails (paused again).
 * A `410 Gone` pauses the target until a person replays its deliveries or resumes it.
 * Pauses live in the store, so every replica honours them and they survive restarts; the count
 * of consecutive failures is per process.
 */

import type { TargetPause } from '../store/types.ts';

/**
 * `paused` while the cool-down runs or until a person lifts it (until null); `half_open` once the
 * cool-down is over (the pause stays stored until a probe succeeds).
 */
export function pauseState(pause: TargetPause, now: number): 'paused' | 'half_open' {
  return pause.until === null || pause.until > now ? 'paused' : 'half_open';
}

/** How an attempt speaks of the target's health (not of the payload). */
export type AttemptHealth = 'healthy' | 'failing' | 'neutral' | 'gone';

/**
 * Connection errors, timeouts and 5xx say the target is unwell. 429 is back-pressure that
 * Retry-After already handles, and other 4xx reject one payload from a target that is up.
 */
export function attemptHealth(statusCode: number | null, hasError: boolean): AttemptHealth {
  if (statusCode === 410) return 'gone';
  if (statusCode !== null && statusCode >= 200 && statusCode < 300) return 'healthy';
  if (statusCode !== null && statusCode >= 500) return 'failing';
  if (statusCode === null && hasError) return 'failing';
  return 'neutral';
}

export interface BreakerSettings {
  /** Consecutive failing attempts that open the breaker. */
  readonly failures: number;
  readonly cooldownMs: number;
}

export type BreakerAction =
  | { readonly kind: 'none' }
  | { readonly kind: 'pause'; readonly until: number | null; readonly reason: string }
  | { readonly kind: 'resume' };

/** Per-process failure counts; the decision for one attempt of one target. */
export class CircuitBreakers {
  readonly #failures = new Map<string, number>();

  /**
   * @param halfOpen the target was paused and its cool-down has ended (the pause is still stored)
   */
  onAttempt(target: string, health: AttemptHealth, halfOpen: boolean, settings: BreakerSettings, now: number): BreakerAction {
    if (health === 'gone') {
      this.#failures.delete(target);
      return { kind: 'pause', until: null, reason: 'target answered 410 Gone: paused until its deliveries are replayed or it is resumed' };
    }
    if (health === 'healthy') {
      this.#failures.delete(target);
      return halfOpen ? { kind: 'resume' } : { kind: 'none' };
    }
    if (health === 'neutral') return { kind: 'none' };
    const count = (this.#failures.get(target) ?? 0) + 1;
    if (halfOpen || count >= settings.failures) {
      this.#failures.delete(target);
      const why = halfOpen ? 'the probe after the cool-down failed' : `${count} consecutive failed attempts`;
      return { kind: 'pause', until: now + settings.cooldownMs, reason: `circuit open: ${why}` };
    }
    this.#failures.set(target, count);
    return { kind: 'none' };
  }

  consecutiveFailures(target: string): number {
    return this.#failures.get(target) ?? 0;
  }
}
