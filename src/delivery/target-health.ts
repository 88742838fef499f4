/**
 * One word for a target's health, from the facts the store and the config give: what a person
 * looking at the Targets view (or a script reading /admin/targets) should worry about first.
 */

export const TARGET_HEALTH = ['paused', 'half_open', 'failing', 'rate_limited', 'recovering', 'backlog', 'dead_letters', 'ok'] as const;
export type TargetHealthWord = (typeof TARGET_HEALTH)[number];

/** A delivery waiting longer than this (since it was created or replayed) makes a backlog. */
export const BACKLOG_AFTER_MS = 60_000;

export interface TargetHealthFacts {
  /** The stored pause's state, null when the target is not paused. */
  readonly pause: 'paused' | 'half_open' | null;
  /** Waiting deliveries whose last attempt failed, and when the newest such attempt started. */
  readonly failed: number;
  readonly lastFailureAt: number | null;
  /** When a delivery last reached the target (within the window the store looked at). */
  readonly lastDeliveredAt: number | null;
  /** Waiting because of a 429's Retry-After, its budget, or its own rate limit. */
  readonly rateLimited: boolean;
  readonly pending: number;
  readonly oldestPendingAgeMs: number | null;
  readonly dead: number;
}

/**
 * Most pressing first: a pause stops every send; failures newer than the last success mean the
 * target is down now; a rate limit means it is up but deliveries wait; `recovering` is a target
 * that delivered again since its last failure while older failed deliveries still wait for their
 * retry.
 */
export function targetHealthWord(f: TargetHealthFacts): TargetHealthWord {
  if (f.pause !== null) return f.pause;
  if (f.failed > 0 && f.lastFailureAt !== null) {
    const deliveredSince = f.lastDeliveredAt !== null && f.lastDeliveredAt > f.lastFailureAt;
    if (!deliveredSince) return 'failing';
    if (!f.rateLimited) return 'recovering';
  }
  if (f.rateLimited) return 'rate_limited';
  if (f.pending > 0 && (f.oldestPendingAgeMs ?? 0) > BACKLOG_AFTER_MS) return 'backlog';
  if (f.dead > 0) return 'dead_letters';
  return 'ok';
}
