/** Row shapes as better-sqlite3 returns them, and their mapping to the store's types. */
import type { Attempt, AttemptOutcome, DeadReason, Delivery, DeliveryStatus, EventStatus, IgnoredReason, StoredEvent } from './types.ts';

export interface EventRow {
  id: string;
  provider: string;
  event_type: string;
  dedup_key: string;
  received_at: number;
  config_sha256: string;
  headers: string;
  raw_body: Buffer;
  status: string;
  ignored: string;
}

export interface DeliveryRow {
  id: string;
  event_id: string;
  provider: string;
  event_type: string;
  route: string;
  target: string;
  idempotency_key: string;
  body: Buffer | null;
  status: string;
  dead_reason: string | null;
  error: string | null;
  attempts_in_round: number;
  attempt_count: number;
  next_attempt_at: number;
  created_at: number;
  updated_at: number;
  lease_owner: string | null;
  lease_expires_at: number | null;
  sending_at: number | null;
  round_started_at: number | null;
  held_by?: string | null;
  held_until?: number | null;
}

export interface AttemptRow {
  delivery_id: string;
  number: number;
  started_at: number;
  duration_ms: number;
  status_code: number | null;
  error: string | null;
  outcome: string;
  response_snippet: string | null;
  session_id: string | null;
  session_url: string | null;
}

// The CHECK constraints of the schema guarantee these casts; the JSON columns are written only by
// insertEvent from typed values.
export function toEvent(row: EventRow): StoredEvent {
  return {
    id: row.id,
    provider: row.provider,
    eventType: row.event_type,
    dedupKey: row.dedup_key,
    receivedAt: row.received_at,
    configSha256: row.config_sha256,
    headers: JSON.parse(row.headers) as Record<string, string>,
    rawBody: row.raw_body,
    status: row.status as EventStatus,
    ignored: JSON.parse(row.ignored) as IgnoredReason[],
  };
}

export function toDelivery(row: DeliveryRow): Delivery {
  return {
    id: row.id,
    eventId: row.event_id,
    provider: row.provider,
    eventType: row.event_type,
    route: row.route,
    target: row.target,
    idempotencyKey: row.idempotency_key,
    body: row.body,
    status: row.status as DeliveryStatus,
    deadReason: row.dead_reason as DeadReason | null,
    error: row.error,
    attemptsInRound: row.attempts_in_round,
    attemptCount: row.attempt_count,
    nextAttemptAt: row.next_attempt_at,
    createdAt: row.created_at,
    roundStartedAt: row.round_started_at ?? row.created_at,
    updatedAt: row.updated_at,
    leaseOwner: row.lease_owner,
    leaseExpiresAt: row.lease_expires_at,
    heldBy: row.held_by ?? null,
    heldUntil: row.held_until ?? null,
  };
}

export function toAttempt(row: AttemptRow): Attempt {
  return {
    deliveryId: row.delivery_id,
    number: row.number,
    startedAt: row.started_at,
    durationMs: row.duration_ms,
    statusCode: row.status_code,
    error: row.error,
    outcome: row.outcome as AttemptOutcome,
    responseSnippet: row.response_snippet,
    sessionId: row.session_id,
    sessionUrl: row.session_url,
  };
}

/** Attempts of several deliveries (an event's), by delivery id, each list in the rows' order. */
export function groupAttempts(rows: readonly AttemptRow[]): Map<string, Attempt[]> {
  const byDelivery = new Map<string, Attempt[]>();
  for (const row of rows) {
    const list = byDelivery.get(row.delivery_id) ?? [];
    list.push(toAttempt(row));
    byDelivery.set(row.delivery_id, list);
  }
  return byDelivery;
}
