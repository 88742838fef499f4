/**
 * The bodies of the PostgreSQL store's multi-statement transactions, as functions of one
 * connection inside a transaction (postgres-tx.ts opens and ends it).
 */
import type { PoolClient } from 'pg';
import type { PgValue } from './postgres-params.ts';
import type { AttemptRow, DeliveryRow, PgEventRow } from './postgres-rows.ts';
import { groupAttempts, toAttempt, toDelivery, toEvent } from './postgres-rows.ts';
import { SQL } from './postgres-sql.ts';
import type { DeliveryWithAttempts } from './sqlite-writes.ts';
import type { EventWithDeliveries, InsertResult, NewDelivery, NewEvent } from './types.ts';

export type { DeliveryWithAttempts };

/** The columns of one delivery row (SQL.deliveryColumns' order); updated_at starts at creation. */
function deliveryValues(eventId: string, provider: string, eventType: string, delivery: NewDelivery, createdAt: number): PgValue[] {
  return [
    delivery.id,
    eventId,
    provider,
    eventType,
    delivery.route,
    delivery.target,
    delivery.idempotencyKey,
    delivery.body,
    delivery.status,
    delivery.deadReason ?? null,
    delivery.error ?? null,
    delivery.nextAttemptAt,
    createdAt,
    createdAt,
  ];
}

/** Inserts deliveries of one event in one statement (ingest, group fires, cooldown gates, reroutes). */
export async function insertDeliveries(
  client: PoolClient,
  eventId: string,
  provider: string,
  eventType: string,
  deliveries: readonly NewDelivery[],
  createdAt: number,
): Promise<void> {
  if (deliveries.length === 0) return;
  const values: PgValue[] = [];
  const rows: string[] = [];
  for (const delivery of deliveries) {
    const first = values.length;
    values.push(...deliveryValues(eventId, provider, eventType, delivery, createdAt));
    rows.push(`(${Array.from({ length: SQL.deliveryColumnCount }, (_, i) => `$${first + i + 1}`).join(', ')})`);
  }
  await client.query(`INSERT INTO deliveries ${SQL.deliveryColumns} VALUES ${rows.join(', ')}`, values);
}

/**
 * The hot path. ON CONFLICT waits for a concurrent insert of the same key to commit or roll
 * back, so exactly one of two racing requests stores the event; the other then reads the
 * winner's id (READ COMMITTED: the next statement sees the commit). An ignored event does not
 * hold its key: the conditional DO UPDATE takes its row over (keeping its id) for a redelivery,
 * and re-checks the condition on the locked row, so of two racing redeliveries at most one is
 * routed once the first was accepted.
 */
export async function insertEventRows(client: PoolClient, event: NewEvent, deliveries: readonly NewDelivery[]): Promise<InsertResult> {
  const inserted = await client.query<{ id: string }>(SQL.insertEvent, [
    event.id,
    event.provider,
    event.eventType,
    event.dedupKey,
    event.receivedAt,
    event.configSha256,
    JSON.stringify(event.headers),
    event.rawBody,
    event.status,
    JSON.stringify(event.ignored),
  ]);
  const storedId = inserted.rows[0]?.id;
  if (storedId === undefined) {
    const existing = await client.query<{ id: string }>(SQL.findEventId, [event.provider, event.dedupKey]);
    const id = existing.rows[0]?.id;
    if (id === undefined) throw new Error(`event ${event.id} was neither stored nor found by (provider, dedup key)`);
    return { duplicate: true, eventId: id };
  }
  // A delivery is created when its event is received (same transaction).
  await insertDeliveries(client, storedId, event.provider, event.eventType, deliveries, event.receivedAt);
  return { duplicate: false, eventId: storedId };
}

/** One batch of dead letters older than the cutoff, and the events they leave empty. */
export async function purgeDeadBatch(client: PoolClient, cutoff: number, batch: number): Promise<{ rows: number; events: number }> {
  const dead = await client.query<{ event_id: string }>(SQL.purgeDead, [cutoff, batch]);
  if (dead.rows.length === 0) return { rows: 0, events: 0 };
  const eventIds = [...new Set(dead.rows.map((row) => row.event_id))];
  const events = await client.query(SQL.deleteEmptyEvents, [eventIds]);
  return { rows: dead.rows.length, events: events.rowCount ?? 0 };
}

export async function readEvent(client: PoolClient, id: string): Promise<EventWithDeliveries | null> {
  const event = await client.query<PgEventRow>(SQL.getEvent, [id]);
  const row = event.rows[0];
  if (!row) return null;
  const deliveries = await client.query<DeliveryRow>(SQL.eventDeliveries, [id]);
  const attempts = groupAttempts((await client.query<AttemptRow>(SQL.eventAttempts, [id])).rows);
  return {
    ...toEvent(row),
    deliveries: deliveries.rows.map(function withAttempts(d): DeliveryWithAttempts {
      return { ...toDelivery(d), attempts: attempts.get(d.id) ?? [] };
    }),
  };
}

export async function readDelivery(client: PoolClient, id: string): Promise<DeliveryWithAttempts | null> {
  const delivery = await client.query<DeliveryRow>(SQL.getDelivery, [id]);
  const row = delivery.rows[0];
  if (!row) return null;
  const attempts = await client.query<AttemptRow>(SQL.deliveryAttempts, [id]);
  return { ...toDelivery(row), attempts: attempts.rows.map(toAttempt) };
}
