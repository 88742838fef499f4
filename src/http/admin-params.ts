/**
 * Admin API inputs → store filters. Every refusal is a ParamError naming the parameter at fault
 * and what would be valid; the router answers it with 400. Unknown parameters are refused too, so
 * a typo (`?event_type=`) cannot silently widen a listing or a bulk replay.
 */
import { CursorError, type CursorKind, decodeCursor, MAX_PAGE_LIMIT } from '../store/cursor.ts';
import { type ActivityQuery, DEAD_REASONS, type DeliveryFilter, type EventFilter } from '../store/types.ts';
import { parseDuration } from '../util/units.ts';
import { parseTimeBound, TIME_BOUND_HINT } from './admin-time.ts';

export class ParamError extends Error {
  readonly parameter: string;
  constructor(parameter: string, message: string) {
    super(`${parameter}: ${message}`);
    this.name = 'ParamError';
    this.parameter = parameter;
  }
}

export const EVENT_STATUSES = ['accepted', 'ignored'] as const;
export const DELIVERY_STATUSES = ['pending', 'delivered', 'dead'] as const;
/** What a replay may re-queue: pending deliveries are already queued. */
export const REPLAY_STATUSES = ['dead', 'delivered'] as const;

type Query = Readonly<Record<string, unknown>>;

/** The query's parameters as single strings; empty values count as absent (`?provider=`). */
export function readQuery(query: Query, allowed: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, value] of Object.entries(query)) {
    if (!allowed.includes(name)) throw new ParamError(name, `unknown parameter; use ${allowed.join(', ')}`);
    if (typeof value !== 'string') throw new ParamError(name, 'give it once, as a plain value');
    if (value !== '') out.set(name, value);
  }
  return out;
}

export function oneOf<T extends string>(name: string, value: string | undefined, choices: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  const found = choices.find((choice) => choice === value);
  if (found === undefined) throw new ParamError(name, `"${value}" is not one of ${choices.join(', ')}`);
  return found;
}

export function timeBound(name: string, value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const at = parseTimeBound(value, now);
  if (at === undefined) throw new ParamError(name, `"${value}" is not ${TIME_BOUND_HINT}`);
  return at;
}

/** 1..500; larger values are clamped to 500 (the store's page maximum). */
export function pageLimitParam(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1) {
    throw new ParamError('limit', `"${value}" is not a whole number from 1 to ${MAX_PAGE_LIMIT}`);
  }
  return Math.min(n, MAX_PAGE_LIMIT);
}

/** Decoded here so a bad cursor is a 400 whatever the backend. */
export function cursorParam(kind: CursorKind, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    decodeCursor(kind, value);
  } catch (error) {
    if (error instanceof CursorError) throw new ParamError('cursor', error.message.replace(/^cursor /, ''));
    throw error;
  }
  return value;
}

function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

const EVENT_PARAMS = ['provider', 'event', 'status', 'since', 'until', 'limit', 'cursor', 'dedup_key', 'q'] as const;

/**
 * GET /admin/events?provider=&event=&status=&since=&until=&limit=&cursor=&dedup_key=&q=
 * `dedup_key` is exact (the `id` a 202 answered); `q` matches exactly a dedup key, a provider or
 * an event type (the inspector's search field).
 */
export function eventFilterFrom(query: Query, now: number): EventFilter {
  const q = readQuery(query, EVENT_PARAMS);
  const since = timeBound('since', q.get('since'), now);
  const until = timeBound('until', q.get('until'), now);
  if (since !== undefined && until !== undefined && since > until) throw new ParamError('until', 'is before since');
  return defined({
    provider: q.get('provider'),
    eventType: q.get('event'),
    status: oneOf('status', q.get('status'), EVENT_STATUSES),
    since,
    until,
    limit: pageLimitParam(q.get('limit')),
    cursor: cursorParam('events', q.get('cursor')),
    dedupKey: q.get('dedup_key'),
    search: q.get('q')?.trim() || undefined,
  });
}

const DELIVERY_PARAMS = ['status', 'route', 'target', 'since', 'limit', 'cursor'] as const;

/** GET /admin/deliveries?status=pending|delivered|dead&route=&target=&since=&limit=&cursor= */
export function deliveryFilterFrom(query: Query, now: number): DeliveryFilter {
  const q = readQuery(query, DELIVERY_PARAMS);
  return defined({
    status: oneOf('status', q.get('status'), DELIVERY_STATUSES),
    route: q.get('route'),
    target: q.get('target'),
    since: timeBound('since', q.get('since'), now),
    limit: pageLimitParam(q.get('limit')),
    cursor: cursorParam('deliveries', q.get('cursor')),
  });
}

/**
 * The JSON body of a bulk admin operation: string fields from `allowed` (empty ones count as
 * absent) and a boolean `dryRun`. Anything else is a 400 naming the field.
 */
export function bulkBodyFrom(
  text: string,
  allowed: readonly string[],
  exampleStatus: string,
): { readonly fields: ReadonlyMap<string, string>; readonly dryRun: boolean } {
  let body: unknown = {};
  if (text.trim() !== '') {
    try {
      body = JSON.parse(text);
    } catch {
      throw new ParamError('body', `is not JSON; send {"status":"${exampleStatus}", ...}`);
    }
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ParamError('body', `must be a JSON object such as {"status":"${exampleStatus}","dryRun":true}`);
  }
  const fields = new Map<string, string>();
  let dryRun = false;
  for (const [name, value] of Object.entries(body)) {
    if (!allowed.includes(name)) throw new ParamError(name, `unknown field; use ${allowed.join(', ')}`);
    if (name === 'dryRun') {
      if (typeof value !== 'boolean') throw new ParamError('dryRun', 'must be true or false');
      dryRun = value;
    } else if (value !== null && value !== undefined) {
      if (typeof value !== 'string') throw new ParamError(name, 'must be a string');
      if (value !== '') fields.set(name, value);
    }
  }
  return { fields, dryRun };
}

export interface BulkReplay {
  readonly filter: DeliveryFilter & { readonly status: (typeof REPLAY_STATUSES)[number] };
  readonly dryRun: boolean;
}

const REPLAY_FIELDS = ['status', 'route', 'target', 'since', 'reason', 'dryRun'] as const;

/**
 * POST /admin/replay {"status":"dead","route":...,"target":...,"since":...,"reason":...,"dryRun":true}.
 * `unknown` outcomes are re-queued only when `reason` names them.
 */
export function bulkReplayFrom(text: string, now: number): BulkReplay {
  const { fields, dryRun } = bulkBodyFrom(text, REPLAY_FIELDS, 'dead');
  // A bulk replay without a status would re-send everything ever delivered: make it explicit.
  const status = oneOf('status', fields.get('status'), REPLAY_STATUSES);
  if (status === undefined) throw new ParamError('status', `is required: ${REPLAY_STATUSES.join(' or ')}`);
  return {
    filter: defined({
      status,
      route: fields.get('route'),
      target: fields.get('target'),
      since: timeBound('since', fields.get('since'), now),
      reason: oneOf('reason', fields.get('reason'), DEAD_REASONS),
    }),
    dryRun,
  };
}

const STATS_PARAMS = ['since', 'until', 'bucket'] as const;
/** A chart of more points than this is no longer readable, and the query no longer cheap. */
export const MAX_STATS_BUCKETS = 2000;
const DEFAULT_STATS_SPAN_MS = 3 * 3_600_000;
const DEFAULT_STATS_BUCKET_MS = 60_000;

/** GET /admin/stats?since=&until=&bucket=: by default the last 3 hours by the minute. */
export function activityFrom(query: Query, now: number): ActivityQuery {
  const q = readQuery(query, STATS_PARAMS);
  const until = timeBound('until', q.get('until'), now) ?? now;
  const since = timeBound('since', q.get('since'), now) ?? until - DEFAULT_STATS_SPAN_MS;
  if (since > until) throw new ParamError('until', 'is before since');
  const bucketText = q.get('bucket');
  let bucketMs = DEFAULT_STATS_BUCKET_MS;
  if (bucketText !== undefined) {
    const parsed = parseDuration(bucketText);
    if (parsed === undefined || parsed < 1000)
      throw new ParamError('bucket', `"${bucketText}" is not a duration of at least 1s (e.g. 1m, 10m, 1h)`);
    bucketMs = parsed;
  }
  if ((until - since) / bucketMs > MAX_STATS_BUCKETS) {
    throw new ParamError(
      'bucket',
      `${bucketText ?? '1m'} gives more than ${MAX_STATS_BUCKETS} buckets from since to until; use a larger bucket`,
    );
  }
  return { since, until, bucketMs };
}
