/**
 * WHERE clauses for the filtered listings and replayMatching. Each distinct set of filters gives
 * one SQL text, prepared once and cached by the store. An empty string filter means "not set"
 * (query strings such as `?provider=` arrive that way).
 */
import { decodeCursor } from './cursor.ts';
import type { DeliveryFilter, EventFilter } from './types.ts';

export interface SqlWhere {
  readonly sql: string;
  readonly params: Record<string, string | number>;
}

function given<T>(value: T | undefined): value is T {
  return value !== undefined && value !== '';
}

function build(clauses: string[], params: Record<string, string | number>): SqlWhere {
  return { sql: clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '', params };
}

/**
 * Ids of the events with this dedup key, whatever their provider: one seek in the dedup index
 * (provider, dedup_key) per provider, the providers walked through the same index one seek each,
 * instead of reading every event to compare its key.
 */
function withDedupKey(param: string): string {
  return `(
    WITH RECURSIVE providers(name) AS (
      SELECT (SELECT MIN(provider) FROM events)
      UNION ALL
      SELECT (SELECT MIN(e.provider) FROM events e WHERE e.provider > p.name) FROM providers p WHERE p.name IS NOT NULL)
    SELECT k.id FROM providers p JOIN events k ON k.provider = p.name AND k.dedup_key = ${param}
    WHERE p.name IS NOT NULL)`;
}

/** Events: newest first by (received_at, id); `since` and `until` are inclusive. */
export function eventWhere(filter: EventFilter): SqlWhere {
  const clauses: string[] = [];
  const params: Record<string, string | number> = {};
  if (given(filter.provider) && given(filter.dedupKey)) {
    // One key of one provider: the dedup index finds it.
    clauses.push('provider = @provider');
    params.provider = filter.provider;
  } else if (given(filter.provider)) {
    // Comparing an expression, not the bare column, keeps SQLite from reading the dedup index
    // (provider, dedup_key) for this term: that fetched every event of the provider, full rows,
    // and sorted them all (15 s at a million events); the listing index, newest first, carries
    // provider and stops after one page. PostgreSQL plans it on its statistics as before.
    clauses.push('CAST(provider AS TEXT) = @provider');
    params.provider = filter.provider;
  }
  if (given(filter.eventType)) {
    clauses.push('event_type = @eventType');
    params.eventType = filter.eventType;
  }
  if (given(filter.status)) {
    clauses.push('status = @status');
    params.status = filter.status;
  }
  if (given(filter.dedupKey)) {
    clauses.push(given(filter.provider) ? 'dedup_key = @dedupKey' : `id IN ${withDedupKey('@dedupKey')}`);
    params.dedupKey = filter.dedupKey;
  }
  if (given(filter.search)) {
    // Provider and event type are in the listing index; the key is looked up once, not read from
    // every row the scan passes.
    clauses.push(`(id IN ${withDedupKey('@search')} OR CAST(provider AS TEXT) = @search OR event_type = @search)`);
    params.search = filter.search;
  }
  if (filter.since !== undefined) {
    clauses.push('received_at >= @since');
    params.since = filter.since;
  }
  if (filter.until !== undefined) {
    clauses.push('received_at <= @until');
    params.until = filter.until;
  }
  if (given(filter.cursor)) {
    const at = decodeCursor('events', filter.cursor);
    clauses.push('(received_at, id) < (@cursorTime, @cursorId)');
    params.cursorTime = at.time;
    params.cursorId = at.id;
  }
  return build(clauses, params);
}

/**
 * Deliveries: newest first by (created_at, id); status `pending` covers in-flight ones; `since`
 * is inclusive on created_at. `onlyReplayable` (replayMatching) or `filter.replayable` (its dry-run
 * listing) narrows to what a bulk replay re-queues: delivered and dead ones, without `unknown`
 * outcomes unless the filter's reason names them.
 */
export function deliveryWhere(filter: DeliveryFilter, options: { onlyReplayable?: boolean } = {}): SqlWhere {
  const clauses: string[] = [];
  const params: Record<string, string | number> = {};
  if (filter.status === 'pending') {
    clauses.push(`status IN ('pending', 'in_flight')`);
  } else if (filter.status === 'dead') {
    // Written out, not bound: SQLite uses the partial index of dead letters (newest first) only
    // for a WHERE that names the status as a literal.
    clauses.push(`status = 'dead'`);
  } else if (given(filter.status)) {
    clauses.push('status = @status');
    params.status = filter.status;
  }
  if (options.onlyReplayable || filter.replayable) {
    clauses.push(`status IN ('delivered', 'dead')`);
    if (!given(filter.reason)) clauses.push(`(dead_reason IS NULL OR dead_reason <> 'unknown')`);
  }
  if (given(filter.reason)) {
    clauses.push('dead_reason = @reason');
    params.reason = filter.reason;
  }
  if (given(filter.route)) {
    clauses.push('route = @route');
    params.route = filter.route;
  }
  if (given(filter.target)) {
    clauses.push('target = @target');
    params.target = filter.target;
  }
  if (filter.since !== undefined) {
    clauses.push('created_at >= @since');
    params.since = filter.since;
  }
  if (!options.onlyReplayable && given(filter.cursor)) {
    const at = decodeCursor('deliveries', filter.cursor);
    clauses.push('(created_at, id) < (@cursorTime, @cursorId)');
    params.cursorTime = at.time;
    params.cursorId = at.id;
  }
  return build(clauses, params);
}
