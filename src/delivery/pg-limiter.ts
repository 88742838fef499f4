/**
 * Per-target rate limits shared by every replica on one PostgreSQL database: the same pacing as
 * the in-memory limiter (rate-limit.ts: request starts at least per/requests apart, plus the same
 * margin), but the "earliest next start" of each target lives in the target_pacing table, so the
 * spacing holds across all replicas together. Taking a slot is one atomic upsert: of several
 * replicas asking at once, exactly one sees next_slot_at <= now and moves it on.
 *
 * Replicas pass their own clock as `now`, so their clocks must agree (NTP) to within the margin.
 */
import type { Pool } from 'pg';
import type { MemoryLimiterOptions, RateLimit } from './rate-limit.ts';
import { defaultMarginMs, pacingIntervalMs } from './rate-limit.ts';

export interface AsyncTargetLimiter {
  /** 0 when a slot was taken for a request starting now; otherwise ms until the next slot (nothing taken). */
  reserve(target: string, limit: RateLimit, now: number): Promise<number>;
}

/** What the limiter needs of a database: a pg Pool, e.g. PostgresStore.pool (its search_path names the schema). */
export type PacingDb = Pick<Pool, 'query'>;

/**
 * $1 target, $2 now (rounded down: a slot is free only once it has fully come), $3 the next slot
 * (now rounded up, plus the interval rounded up): starts are never closer than the interval.
 */
const TAKE_SLOT = `
  INSERT INTO target_pacing AS p (target, next_slot_at) VALUES ($1, $3::bigint)
  ON CONFLICT (target) DO UPDATE SET next_slot_at = EXCLUDED.next_slot_at
  WHERE p.next_slot_at <= $2::bigint
  RETURNING p.next_slot_at`;

const NEXT_SLOT = `SELECT next_slot_at FROM target_pacing WHERE target = $1`;

export function createPgLimiter(db: PacingDb, options: MemoryLimiterOptions = {}): AsyncTargetLimiter {
  const margin = options.marginMs ?? defaultMarginMs;
  return {
    reserve: async function reserve(target, limit, now) {
      const interval = Math.ceil(pacingIntervalMs(limit, margin(limit.perMs)));
      const taken = await db.query(TAKE_SLOT, [target, Math.floor(now), Math.ceil(now) + interval]);
      if (taken.rowCount === 1) return 0;
      // Only a hint for how long to wait: another replica may move the slot again meanwhile.
      const next = await db.query<{ next_slot_at: number | string }>(NEXT_SLOT, [target]);
      const nextAt = next.rows[0]?.next_slot_at;
      return nextAt === undefined ? 1 : Math.max(1, Math.ceil(Number(nextAt) - now));
    },
  };
}
