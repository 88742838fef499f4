/**
 * What a target's waiting deliveries say about it, for the Targets view: how many wait after a
 * failed attempt and the newest of those failures, how many wait for the time a 429 named, how
 * many a budget holds, how many are due but not yet claimed; and, for a target with failures,
 * its last delivery in a window (has it come back since?).
 * Written once with @named parameters for both backends (PostgreSQL gets them positional).
 *
 * Cheap on purpose: the waiting deliveries are read through the pending and in-flight indexes
 * (queueStats reads the same rows), each joined to its last attempt by the attempts' primary key
 * (a delivery's attempts are numbered 1..attempt_count). Only `retry` attempts count: an attempt
 * that left the delivery pending. A replayed delivery's last attempt is a success or a dead end,
 * so a replay does not look like a failure.
 */
import type { TargetHealthStats } from './types.ts';

/**
 * A waiting delivery with its last attempt. Pending and in-flight rows are read apart so that each
 * half uses its partial index (an IN over both statuses would not).
 */
const WAITING = (status: 'pending' | 'in_flight') => `
  SELECT d.id AS id, d.target AS target, d.status AS status, d.next_attempt_at AS next_attempt_at,
    d.held_by AS held_by, d.held_until AS held_until, a.started_at AS started_at, a.status_code AS status_code,
    a.error AS error,
    CASE WHEN a.outcome = 'retry' AND COALESCE(a.status_code, 0) <> 429 THEN 1 ELSE 0 END AS failed,
    CASE WHEN a.outcome = 'retry' AND a.status_code = 429 THEN 1 ELSE 0 END AS limited
  FROM deliveries d
  LEFT JOIN attempts a ON a.delivery_id = d.id AND a.number = d.attempt_count
  WHERE d.status = '${status}'`;

/** Per target with pending or in-flight deliveries: the counts, the latest times, the newest failure. */
export const TARGET_WAITS_SQL = `
  SELECT target,
    SUM(CASE WHEN status = 'pending' AND next_attempt_at <= @now THEN 1 ELSE 0 END) AS due,
    SUM(failed) AS failed,
    SUM(CASE WHEN status = 'pending' AND limited = 1 AND next_attempt_at > @now THEN 1 ELSE 0 END) AS throttled,
    MAX(CASE WHEN status = 'pending' AND limited = 1 AND next_attempt_at > @now THEN next_attempt_at END) AS throttled_until,
    SUM(CASE WHEN status = 'pending' AND held_by IS NOT NULL AND held_until = next_attempt_at AND next_attempt_at > @now
      THEN 1 ELSE 0 END) AS held,
    MAX(CASE WHEN status = 'pending' AND held_by IS NOT NULL AND held_until = next_attempt_at AND next_attempt_at > @now
      THEN held_until END) AS held_until,
    MAX(CASE WHEN failed = 1 AND recency = 1 THEN started_at END) AS failed_at,
    MAX(CASE WHEN failed = 1 AND recency = 1 THEN status_code END) AS failed_status,
    MAX(CASE WHEN failed = 1 AND recency = 1 THEN error END) AS failed_error
  FROM (
    SELECT w.*, ROW_NUMBER() OVER (PARTITION BY w.target, w.failed ORDER BY w.started_at DESC, w.id DESC) AS recency
    FROM (${WAITING('pending')} UNION ALL ${WAITING('in_flight')}) w) ranked
  GROUP BY target`;

/**
 * Per target: when a delivery created since @since last reached it. Read through the creation-time
 * index (the settled-deliveries index holds delivered and dead together, which `status =
 * 'delivered'` alone does not let the planner use), and only when some target is failing.
 */
export const TARGET_LAST_DELIVERED_SQL = `
  SELECT target, MAX(updated_at) AS at FROM deliveries
  WHERE created_at >= @since AND status = 'delivered'
  GROUP BY target`;

/** PostgreSQL answers bigint counts and sums as strings; SQLite as numbers. */
type Num = number | string;

export interface TargetWaitsRow {
  readonly target: string;
  readonly due: Num | null;
  readonly failed: Num | null;
  readonly throttled: Num | null;
  readonly throttled_until: Num | null;
  readonly held: Num | null;
  readonly held_until: Num | null;
  readonly failed_at: Num | null;
  readonly failed_status: Num | null;
  readonly failed_error: string | null;
}

export interface TargetLastDeliveredRow {
  readonly target: string;
  readonly at: Num;
}

const count = (value: Num | null): number => (value === null ? 0 : Number(value));
const numberOrNull = (value: Num | null): number | null => (value === null ? null : Number(value));

/** One entry per target with waiting deliveries, sorted by name; lastDeliveredAt only for failing ones. */
export function mergeTargetHealth(waits: readonly TargetWaitsRow[], delivered: readonly TargetLastDeliveredRow[]): TargetHealthStats[] {
  const lastDelivered = new Map(delivered.map((d) => [d.target, Number(d.at)]));
  return waits
    .map(function toStats(w): TargetHealthStats {
      const failed = count(w.failed);
      return {
        target: w.target,
        due: count(w.due),
        failed,
        lastFailure:
          w.failed_at === null ? null : { at: Number(w.failed_at), statusCode: numberOrNull(w.failed_status), error: w.failed_error },
        throttled: count(w.throttled),
        throttledUntil: numberOrNull(w.throttled_until),
        held: count(w.held),
        heldUntil: numberOrNull(w.held_until),
        lastDeliveredAt: failed > 0 ? (lastDelivered.get(w.target) ?? null) : null,
      };
    })
    .sort((x, y) => (x.target < y.target ? -1 : x.target > y.target ? 1 : 0));
}

/** The last-delivered query is only worth its range scan when some target is failing. */
export function anyFailing(waits: readonly TargetWaitsRow[]): boolean {
  return waits.some((w) => count(w.failed) > 0);
}
