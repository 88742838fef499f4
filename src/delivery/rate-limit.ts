/**
 * Per-target outbound rate limits, as the target sees them: no window of length `per` may ever
 * hold more than `requests` request starts. Implemented as pacing (GCRA with no burst allowance): starts are
 * spaced at least per/requests apart, so any `requests + 1` starts span at least `per`, which
 * satisfies the sliding bound for every window, and idle time never saves up into a burst.
 *
 * The spacing gets a small margin on top: what counts is the target's view, and arrival times
 * there jitter (a connection set up for one request and not the next, a busy event loop).
 *
 * `reserve` is an interface because several replicas must share one budget: a store-backed
 * limiter (PostgreSQL) implements the same contract later.
 */

export interface RateLimit {
  readonly requests: number;
  readonly perMs: number;
}

export interface TargetLimiter {
  /** 0 when a slot was taken for a request starting now; otherwise ms until the next slot (nothing taken). */
  reserve(target: string, limit: RateLimit, now: number): number;
}

/**
 * What the worker accepts: the in-memory limiter above, or a shared one (PostgreSQL, see
 * pg-limiter.ts) that answers asynchronously with the same meaning.
 */
export interface AnyTargetLimiter {
  reserve(target: string, limit: RateLimit, now: number): number | Promise<number>;
}

export interface MemoryLimiterOptions {
  /** Extra time added to each window; default 5% of `per`, at most 250 ms. */
  readonly marginMs?: (perMs: number) => number;
}

export function defaultMarginMs(perMs: number): number {
  return Math.min(250, perMs * 0.05);
}

/** The spacing between two request starts under `limit`. */
export function pacingIntervalMs(limit: RateLimit, marginMs: number): number {
  const requests = Math.max(1, Math.floor(limit.requests));
  return (Math.max(0, limit.perMs) + Math.max(0, marginMs)) / requests;
}

/** A limiter for one process (SQLite deployments, tests). */
export function createMemoryLimiter(options: MemoryLimiterOptions = {}): TargetLimiter {
  const margin = options.marginMs ?? defaultMarginMs;
  /** Per target: the earliest time the next request may start. */
  const nextAt = new Map<string, number>();

  return {
    reserve: function reserve(target, limit, now) {
      const earliest = nextAt.get(target);
      if (earliest !== undefined && now < earliest) return Math.max(1, Math.ceil(earliest - now));
      // Pace from now, not from the last slot: time spent idle never turns into a burst.
      nextAt.set(target, now + pacingIntervalMs(limit, margin(limit.perMs)));
      return 0;
    },
  };
}
