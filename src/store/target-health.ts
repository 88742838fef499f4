/**
 * What a target's waiting deliveries say about it, for the Targets view: how many wait after a
 * failed attempt and the newest of those failures, how many wait for the time a 429 named, how
 * many a budget holds, how many are due but not yet claimed, and the last delivery in a window.
 * Written once with @named parameters for both backends (PostgreSQL gets them positional).
 *
 * Cheap on purpose: the waiting deliveries are read through the pending and in-flight indexes
 * (queueStats reads the same rows), each joined to its last attempt by the attempts' primary key
 * (a delivery's attempts are numbered 1..attempt_count). Only `retry` attempts count: an attempt
 * that left the delivery pending. A replayed delivery's last attempt is a success or a dead end,
 * so a replay does not look like a failure.
 */
import type { TargetHealthQuery, TargetHealthStats } from './types.ts';

/** Per target with pending or in-flight deliveries: the counts and the latest times. */
export const TARGET_WAITS_SQL = `
  SELECT d.target AS target,
    SUM(CASE WHEN d.status = 'pending' AND d.next_attempt_at <= @now THEN 1 ELSE 0 END) AS due,
    SUM(CASE WHEN a.outcome = 'retry' AND COALESCE(a.status_code, 0) <> 429 THEN 1 ELSE 0 END) AS failed,
    SUM(CASE WHEN d.status = 'pending' AND a.outcome = 'retry' AND a.status_code = 429 AND d.next_attempt_at > @now
      THEN 1 ELSE 0 END) AS throttled,
    MAX(CASE WHEN d.status = 'pending' AND a.outcome = 'retry' AND a.status_code = 429 AND d.next_attempt_at > @now
      THEN d.next_attempt_at END) AS throttled_until,
    SUM(CASE WHEN d.status = 'pending' AND d.held_by IS NOT NULL AND d.held_until = d.next_attempt_at
      AND d.next_attempt_at > @now THEN 1 ELSE 0 END) AS held,
    MAX(CASE WHEN d.status = 'pending' AND d.held_by IS NOT NULL AND d.held_until = d.next_attempt_at
      AND d.next_attempt_at > @now THEN d.held_until END) AS held_until
  FROM deliveries d
  LEFT JOIN attempts a ON a.delivery_id = d.id AND a.number = d.attempt_count
  WHERE d.status IN ('pending', 'in_flight')
  GROUP BY d.target`;

/** Per target: the newest failed attempt among its waiting deliveries. */
export const TARGET_LAST_FAILURE_SQL = `
  SELECT target, started_at, status_code, error FROM (
    SELECT d.target AS target, a.started_at AS started_at, a.status_code AS status_code, a.error AS error,
      ROW_NUMBER() OVER (PARTITION BY d.target ORDER BY a.started_at DESC, d.id DESC) AS recency
    FROM deliveries d
    JOIN attempts a ON a.delivery_id = d.id AND a.number = d.attempt_count
    WHERE d.status IN ('pending', 'in_flight') AND a.outcome = 'retry' AND COALESCE(a.status_code, 0) <> 429) latest
  WHERE recency = 1`;

/** Per target: when a delivery last reached it, within the window (the settled-at index bounds it). */
export const TARGET_LAST_DELIVERED_SQL = `
  SELECT target, MAX(updated_at) AS at FROM deliveries
  WHERE status = 'delivered' AND updated_at >= @since
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
}

export interface TargetLastFailureRow {
  readonly target: string;
  readonly started_at: Num;
  readonly status_code: Num | null;
  readonly error: string | null;
}

export interface TargetLastDeliveredRow {
  readonly target: string;
  readonly at: Num;
}

export function targetHealthParams(query: TargetHealthQuery): { now: number; since: number } {
  return { now: query.now, since: query.deliveredSince };
}

const count = (value: Num | null): number => (value === null ? 0 : Number(value));
const time = (value: Num | null): number | null => (value === null ? null : Number(value));

/** The three row sets merged into one entry per target, sorted by name. */
export function mergeTargetHealth(
  waits: readonly TargetWaitsRow[],
  failures: readonly TargetLastFailureRow[],
  delivered: readonly TargetLastDeliveredRow[],
): TargetHealthStats[] {
  const byTarget = new Map<string, TargetHealthStats>();
  const entry = (target: string): TargetHealthStats => {
    let found = byTarget.get(target);
    if (!found) {
      found = {
        target,
        due: 0,
        failed: 0,
        lastFailure: null,
        throttled: 0,
        throttledUntil: null,
        held: 0,
        heldUntil: null,
        lastDeliveredAt: null,
      };
      byTarget.set(target, found);
    }
    return found;
  };
  for (const w of waits) {
    byTarget.set(w.target, {
      ...entry(w.target),
      due: count(w.due),
      failed: count(w.failed),
      throttled: count(w.throttled),
      throttledUntil: time(w.throttled_until),
      held: count(w.held),
      heldUntil: time(w.held_until),
    });
  }
  for (const f of failures) {
    const lastFailure = { at: Number(f.started_at), statusCode: f.status_code === null ? null : Number(f.status_code), error: f.error };
    byTarget.set(f.target, { ...entry(f.target), lastFailure });
  }
  for (const d of delivered) byTarget.set(d.target, { ...entry(d.target), lastDeliveredAt: Number(d.at) });
  return [...byTarget.values()].sort((x, y) => (x.target < y.target ? -1 : x.target > y.target ? 1 : 0));
}
