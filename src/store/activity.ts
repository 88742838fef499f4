/**
 * The inspector's activity chart: events received, and deliveries delivered or dead-lettered,
 * per time bucket. Written once with @named parameters for both backends (PostgreSQL gets them
 * positional through postgres-params.ts). Deliveries count at `updated_at`, the time they settled;
 * a delivered or dead delivery is not touched again until a replay makes it pending.
 */
import type { ActivityBucket, ActivityQuery } from './types.ts';

/**
 * Integer division on both backends (better-sqlite3 binds a JS number as REAL, hence the casts):
 * the bucket's start is a multiple of @bucketMs.
 */
export const ACTIVITY_EVENTS_SQL = `
  SELECT (received_at / CAST(@bucketMs AS BIGINT)) * CAST(@bucketMs AS BIGINT) AS at, COUNT(*) AS events,
    SUM(CASE WHEN status = 'ignored' THEN 1 ELSE 0 END) AS ignored
  FROM events WHERE received_at >= @since AND received_at < @until
  GROUP BY 1`;

export const ACTIVITY_DELIVERIES_SQL = `
  SELECT (updated_at / CAST(@bucketMs AS BIGINT)) * CAST(@bucketMs AS BIGINT) AS at, status, COUNT(*) AS n
  FROM deliveries WHERE status IN ('delivered', 'dead') AND updated_at >= @since AND updated_at < @until
  GROUP BY 1, 2`;

/** PostgreSQL answers bigint counts as strings; SQLite as numbers. */
type Count = number | string;

export interface ActivityEventRow {
  readonly at: Count;
  readonly events: Count;
  readonly ignored: Count;
}

export interface ActivityDeliveryRow {
  readonly at: Count;
  readonly status: string;
  readonly n: Count;
}

/** The query's parameters, `since` rounded down to a bucket boundary. */
export function activityParams(query: ActivityQuery): { bucketMs: number; since: number; until: number } {
  const bucketMs = Math.max(1, Math.floor(query.bucketMs));
  return { bucketMs, since: Math.floor(query.since / bucketMs) * bucketMs, until: query.until };
}

/** Both row sets merged into one bucket list, oldest first. */
export function mergeActivity(events: readonly ActivityEventRow[], deliveries: readonly ActivityDeliveryRow[]): ActivityBucket[] {
  const buckets = new Map<number, { at: number; events: number; ignored: number; delivered: number; dead: number }>();
  const bucket = (at: Count) => {
    const key = Number(at);
    let found = buckets.get(key);
    if (!found) {
      found = { at: key, events: 0, ignored: 0, delivered: 0, dead: 0 };
      buckets.set(key, found);
    }
    return found;
  };
  for (const row of events) {
    const b = bucket(row.at);
    b.events += Number(row.events);
    b.ignored += Number(row.ignored);
  }
  for (const row of deliveries) {
    const b = bucket(row.at);
    if (row.status === 'delivered') b.delivered += Number(row.n);
    else if (row.status === 'dead') b.dead += Number(row.n);
  }
  return [...buckets.values()].sort((x, y) => x.at - y.at);
}
