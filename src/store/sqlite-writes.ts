/**
 * The bodies of the SQLite store's transactions, as plain functions of the prepared statements.
 * SqliteStore wraps each in db.transaction once and runs writes with BEGIN IMMEDIATE, so the
 * write lock is taken up front and busy_timeout applies (a deferred transaction that upgrades
 * from read to write can fail at once with SQLITE_BUSY).
 */

import { LOST_SEND_ERROR } from './lost-send.ts';
import type { DeliveryRow } from './sqlite-rows.ts';
import { groupAttempts, toAttempt, toDelivery, toEvent } from './sqlite-rows.ts';
import type { Statements } from './sqlite-statements.ts';
import type {
  Attempt,
  ClaimRequest,
  Delivery,
  EventWithDeliveries,
  InsertResult,
  NewAttempt,
  NewDelivery,
  NewEvent,
  Transition,
} from './types.ts';

export type DeliveryWithAttempts = Delivery & { readonly attempts: readonly Attempt[] };

/**
 * The hot path: one row per table, deduplicated by the UNIQUE (provider, dedup_key) key. An
 * event that every route ignored does not hold its key: a redelivery (say, after routes.yaml was
 * fixed) takes its row over, keeping its id, and is routed anew.
 */
export function insertEventRows(s: Statements, event: NewEvent, deliveries: readonly NewDelivery[]): InsertResult {
  const stored = s.insertEvent.get({
    id: event.id,
    provider: event.provider,
    eventType: event.eventType,
    dedupKey: event.dedupKey,
    receivedAt: event.receivedAt,
    configSha256: event.configSha256,
    headers: JSON.stringify(event.headers),
    rawBody: event.rawBody,
    status: event.status,
    ignored: JSON.stringify(event.ignored),
  });
  if (stored === undefined) {
    const existing = s.findEventId.get({ provider: event.provider, dedupKey: event.dedupKey });
    if (!existing) throw new Error(`event ${event.id} was neither stored nor found by (provider, dedup key)`);
    return { duplicate: true, eventId: existing.id };
  }
  // A delivery is created when its event is received (same transaction).
  for (const delivery of deliveries) insertDeliveryRow(s, stored.id, event.provider, event.eventType, delivery, event.receivedAt);
  return { duplicate: false, eventId: stored.id };
}

/** One delivery row of an event (ingest, group fires, cooldown gates, reroutes); updated_at starts at creation. */
export function insertDeliveryRow(
  s: Statements,
  eventId: string,
  provider: string,
  eventType: string,
  d: NewDelivery,
  createdAt: number,
): void {
  s.insertDelivery.run({
    id: d.id,
    eventId,
    provider,
    eventType,
    route: d.route,
    target: d.target,
    idempotencyKey: d.idempotencyKey,
    body: d.body,
    status: d.status,
    deadReason: d.deadReason ?? null,
    error: d.error ?? null,
    nextAttemptAt: d.nextAttemptAt,
    createdAt,
  });
}

export function claimRows(s: Statements, request: ClaimRequest): DeliveryRow[] {
  // A lease that ran out on a delivery marked as sending is not taken over: it ends as unknown.
  const lost = { target: request.target, now: request.now, error: LOST_SEND_ERROR };
  s.lostSendAttemptsOf.run(lost);
  s.lostSendsOf.run(lost);
  return s.claim.all({
    target: request.target,
    now: request.now,
    limit: Math.floor(request.limit),
    workerId: request.workerId,
    leaseExpiresAt: request.now + request.leaseMs,
  });
}

/** False, and nothing written, when `workerId` does not hold the delivery's lease. */
export function completeAttemptRows(
  s: Statements,
  deliveryId: string,
  workerId: string,
  attempt: NewAttempt,
  transition: Transition,
): boolean {
  const finished = s.finishRound.get({
    id: deliveryId,
    workerId,
    status: transition.status,
    nextAttemptAt: transition.status === 'pending' ? transition.nextAttemptAt : null,
    deadReason: transition.status === 'dead' ? transition.deadReason : null,
    // A retrying delivery shows its last attempt's error; a dead one the transition's.
    error: transition.status === 'dead' ? transition.error : transition.status === 'pending' ? attempt.error : null,
    updatedAt: attempt.startedAt + attempt.durationMs,
    spent: transition.status === 'pending' && transition.spendsAttempt === false ? 0 : 1,
  });
  if (!finished) return false;
  s.insertAttempt.run({
    deliveryId,
    number: finished.attempt_count,
    startedAt: attempt.startedAt,
    durationMs: attempt.durationMs,
    statusCode: attempt.statusCode,
    error: attempt.error,
    outcome: attempt.outcome,
    responseSnippet: attempt.responseSnippet,
    sessionId: attempt.sessionId,
    sessionUrl: attempt.sessionUrl,
  });
  return true;
}

/** Start-up of the one owner: marked deliveries end as unknown, the rest go back to pending. */
export function recoverRows(s: Statements, now: number): number {
  s.lostSendAttempts.run({ now, error: LOST_SEND_ERROR });
  const lost = s.lostSends.run({ now, error: LOST_SEND_ERROR }).changes;
  return lost + s.recover.run({ now }).changes;
}

/** One batch of dead letters older than the cutoff, and the events they leave empty. */
export function purgeDeadRows(s: Statements, cutoff: number, batch: number): { rows: number; events: number } {
  const dead = s.oldDead.all({ cutoff, batch });
  if (dead.length === 0) return { rows: 0, events: 0 };
  s.deleteDeliveries.run({ ids: JSON.stringify(dead.map((d) => d.id)) });
  const eventIds = [...new Set(dead.map((d) => d.event_id))];
  return { rows: dead.length, events: s.deleteEmptyEvents.run({ ids: JSON.stringify(eventIds) }).changes };
}

export function readEvent(s: Statements, id: string): EventWithDeliveries | null {
  const row = s.getEvent.get({ id });
  if (!row) return null;
  const attempts = groupAttempts(s.eventAttempts.all({ eventId: id }));
  const deliveries = s.eventDeliveries.all({ eventId: id }).map(function withAttempts(d): DeliveryWithAttempts {
    return { ...toDelivery(d), attempts: attempts.get(d.id) ?? [] };
  });
  return { ...toEvent(row), deliveries };
}

export function readDelivery(s: Statements, id: string): DeliveryWithAttempts | null {
  const row = s.getDelivery.get({ id });
  if (!row) return null;
  return { ...toDelivery(row), attempts: s.deliveryAttempts.all({ id }).map(toAttempt) };
}
