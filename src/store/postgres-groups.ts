/**
 * Fire shaping on PostgreSQL, shared by any number of replicas. A join locks the open group of its
 * key (FOR UPDATE) and updates one row; a racing first event of a key loses the unique index on
 * open groups and joins the winner's group instead. Claims take due groups with SKIP LOCKED under
 * a lease, and a fire commits only while its claimer still holds the group: each group fires once.
 */
import type { Pool, PoolClient } from 'pg';
import { planOpen } from './groups-decide.ts';
import { stillCooling } from './groups-rule.ts';
import { GROUP_SQL, type GroupRow, type ShapeRow, toGroup } from './groups-sql.ts';
import type {
  CooldownGate,
  EventShape,
  FireResult,
  GroupClaim,
  GroupFire,
  GroupJoin,
  GroupMember,
  GroupRecord,
  GroupStore,
  ShapedEvent,
  ShapedInsertResult,
  ShapeOutcome,
  ShapeWrite,
} from './groups-types.ts';
import { newId } from './ids.ts';
import { type PgValue, positional } from './postgres-params.ts';
import { inTransaction } from './postgres-tx.ts';
import { insertDeliveries, insertEventRows } from './postgres-writes.ts';
import { toShape, walkMembers } from './sqlite-groups.ts';
import type { NewDelivery, NewEvent } from './types.ts';

type Db = Pool | PoolClient;
type Params = Readonly<Record<string, PgValue>>;

/** Attempts at opening a group when other replicas keep opening it first (each then joins theirs). */
const OPEN_ATTEMPTS = 5;

async function rows<R>(db: Db, sql: string, params: Params = {}): Promise<R[]> {
  const q = positional(sql, params);
  return (await db.query(q.text, q.values)).rows as R[];
}

async function changed(db: Db, sql: string, params: Params = {}): Promise<number> {
  const q = positional(sql, params);
  return (await db.query(q.text, q.values)).rowCount ?? 0;
}

export class PostgresGroups implements GroupStore {
  readonly #pool: Pool;

  constructor(pool: Pool) {
    this.#pool = pool;
  }

  insertShapedEvent(event: NewEvent, deliveries: readonly NewDelivery[], shape: ShapeWrite): Promise<ShapedInsertResult> {
    return inTransaction(this.#pool, 'read write', async function insertShaped(client): Promise<ShapedInsertResult> {
      const inserted = await insertEventRows(client, event, deliveries);
      if (inserted.duplicate) return { ...inserted, shaped: [] };
      // A redelivery of an ignored event takes its stored row (and id) over.
      const stored = inserted.eventId === event.id ? event : { ...event, id: inserted.eventId };
      const shaped: ShapeOutcome[] = [];
      for (const join of shape.joins) shaped.push(await joinRows(client, stored, join));
      for (const gate of shape.gates) shaped.push(await gateRows(client, stored, gate));
      return { ...inserted, shaped };
    });
  }

  shapeStoredEvent(eventId: string, at: number, shape: ShapeWrite): Promise<ShapeOutcome[] | null> {
    return inTransaction(this.#pool, 'read write', async function shapeStored(client): Promise<ShapeOutcome[] | null> {
      // FOR UPDATE: two reroutes of one event at once shape it once.
      const head = (
        await rows<{ id: string; provider: string; event_type: string }>(client, `${GROUP_SQL.eventHead} FOR UPDATE`, { id: eventId })
      )[0];
      if (!head) return null;
      const event: ShapedEvent = { id: head.id, provider: head.provider, eventType: head.event_type, receivedAt: at };
      const done = new Set([
        ...(await rows<{ route: string }>(client, GROUP_SQL.shapedRoutes, { eventId })).map((r) => r.route),
        ...(await rows<{ route: string }>(client, GROUP_SQL.deliveryRoutes, { eventId })).map((r) => r.route),
      ]);
      const shaped: ShapeOutcome[] = [];
      for (const join of shape.joins) if (!done.has(join.route)) shaped.push(await joinRows(client, event, join));
      for (const gate of shape.gates) if (!done.has(gate.route)) shaped.push(await gateRows(client, event, gate));
      if (shaped.some((o) => o.outcome !== 'cooldown')) await changed(client, GROUP_SQL.markAccepted, { id: eventId });
      return shaped;
    });
  }

  async nextGroupDueAt(): Promise<number | null> {
    return (await rows<{ at: number | null }>(this.#pool, GROUP_SQL.nextDue))[0]?.at ?? null;
  }

  async claimDueGroups(claim: GroupClaim): Promise<GroupRecord[]> {
    const limit = Math.max(0, Math.floor(claim.limit));
    if (limit === 0) return [];
    const claimed = await rows<GroupRow>(this.#pool, GROUP_SQL.claimPostgres, {
      now: claim.now,
      limit,
      owner: claim.owner,
      leaseExpiresAt: claim.now + claim.leaseMs,
    });
    return claimed.map(toGroup).sort((a, b) => a.firesAt - b.firesAt || (a.id < b.id ? -1 : 1));
  }

  async groupMembers(groupId: string): Promise<GroupMember[]> {
    // One connection, one snapshot: the chain is read as it stood when it was first looked at.
    return inTransaction(this.#pool, 'read only snapshot', function walk(client) {
      return walkMembers(groupId, async (sql, params) => (await rows(client, sql, params))[0] as never);
    });
  }

  fireGroup(fire: GroupFire): Promise<FireResult> {
    return inTransaction(this.#pool, 'read write', function fireHeld(client) {
      return fireRows(client, fire);
    });
  }

  async listOpenGroups(route?: string): Promise<GroupRecord[]> {
    const found =
      route === undefined
        ? await rows<GroupRow>(this.#pool, GROUP_SQL.listOpen)
        : await rows<GroupRow>(this.#pool, GROUP_SQL.listOpenOfRoute, { route });
    return found.map(toGroup);
  }

  async openGroupCounts(): Promise<{ route: string; count: number }[]> {
    return rows<{ route: string; count: number }>(this.#pool, GROUP_SQL.openCounts);
  }

  async eventShapes(eventId: string): Promise<EventShape[]> {
    return (await rows<ShapeRow>(this.#pool, GROUP_SQL.eventShapes, { eventId })).map(toShape);
  }

  /** Replicas share groups through leases; only a single owner may take every claim back. */
  async recoverFiringGroups(): Promise<number> {
    return changed(this.#pool, GROUP_SQL.recoverFiring);
  }

  async purgeGroups(cutoff: number, now: number): Promise<number> {
    await changed(this.#pool, GROUP_SQL.purgeCooldowns, { now });
    return changed(this.#pool, GROUP_SQL.purgeGroups, { cutoff });
  }
}

async function joinRows(client: PoolClient, event: ShapedEvent, join: GroupJoin): Promise<ShapeOutcome> {
  const at = event.receivedAt;
  const base = { eventId: event.id, route: join.route };
  if (join.cooldownMs !== null) {
    const cooling = (await rows<{ until: number }>(client, GROUP_SQL.cooldownUntil, { route: join.route, key: join.key }))[0];
    if (cooling && stillCooling(cooling.until, at)) {
      await changed(client, GROUP_SQL.insertShape, {
        ...base,
        outcome: 'cooldown',
        groupId: null,
        position: null,
        until: cooling.until,
        prevEventId: null,
      });
      return { route: join.route, outcome: 'cooldown', until: cooling.until };
    }
  }
  const keyed = { route: join.route, key: join.key, at, lastEventId: event.id };
  for (let attempt = 1; ; attempt++) {
    // Concurrent joins of one key queue on the group's row lock; one claimed for firing meanwhile
    // no longer matches `status = 'open'` once its claim commits, and this event opens the next.
    type Joined = { id: string; count: number; fires_at: number; prior_event_id: string | null };
    const joined =
      (await rows<Joined>(client, GROUP_SQL.joinOpenPostgres, { ...keyed, max: join.max, waitMs: join.waitMs }))[0] ??
      (await rows<Joined>(client, GROUP_SQL.joinFillingPostgres, { ...keyed, max: join.max }))[0];
    if (joined) {
      await changed(client, GROUP_SQL.insertShape, {
        ...base,
        outcome: 'grouped',
        groupId: joined.id,
        position: joined.count,
        until: null,
        prevEventId: joined.prior_event_id,
      });
      return { route: join.route, outcome: 'grouped', groupId: joined.id, count: joined.count, firesAt: joined.fires_at };
    }
    const open = (
      await rows<{ id: string; fires_at: number }>(client, `${GROUP_SQL.openGroup} FOR UPDATE`, { route: join.route, key: join.key })
    )[0];
    // The open group's time has come: it fires without this event, which opens the next group.
    if (open && open.fires_at <= at) await changed(client, GROUP_SQL.closeGroup, { id: open.id });
    if (!open || open.fires_at <= at) {
      const plan = planOpen(at, join);
      const groupId = newId('grp', at);
      const inserted = await changed(client, GROUP_SQL.insertGroup, {
        ...keyed,
        id: groupId,
        provider: event.provider,
        status: plan.status,
        firesAt: plan.firesAt,
        deadlineAt: plan.deadlineAt,
      });
      if (inserted === 1) {
        await changed(client, GROUP_SQL.insertShape, { ...base, outcome: 'grouped', groupId, position: 1, until: null, prevEventId: null });
        return { route: join.route, outcome: 'grouped', groupId, count: 1, firesAt: plan.firesAt };
      }
    }
    // Another replica opened the group of this key meanwhile: join theirs.
    if (attempt >= OPEN_ATTEMPTS) throw new Error(`route ${join.route}: could not open or join the group of key ${join.key}`);
  }
}

async function gateRows(client: PoolClient, event: ShapedEvent, gate: CooldownGate): Promise<ShapeOutcome> {
  const at = event.receivedAt;
  // The upsert waits for a concurrent holder of the key's row, then sees its window: one of two
  // racing events fires, the other is recorded `cooldown`.
  const taken = await rows(client, GROUP_SQL.takeCooldown, { route: gate.route, key: gate.key, until: at + gate.forMs, at });
  if (taken.length === 0) {
    const cooling = (await rows<{ until: number }>(client, GROUP_SQL.cooldownUntil, { route: gate.route, key: gate.key }))[0];
    const until = cooling?.until ?? at;
    await changed(client, GROUP_SQL.insertShape, {
      eventId: event.id,
      route: gate.route,
      outcome: 'cooldown',
      groupId: null,
      position: null,
      until,
      prevEventId: null,
    });
    return { route: gate.route, outcome: 'cooldown', until };
  }
  await insertDeliveries(client, event.id, event.provider, event.eventType, gate.deliveries, at);
  return { route: gate.route, outcome: 'fired' };
}

async function fireRows(client: PoolClient, fire: GroupFire): Promise<FireResult> {
  const row = (await rows<GroupRow>(client, `${GROUP_SQL.heldGroup} FOR UPDATE`, { id: fire.groupId, owner: fire.owner }))[0];
  if (!row) return 'lost';
  if (fire.cooldownMs !== null) {
    const taken = await rows(client, GROUP_SQL.takeCooldown, {
      route: row.route,
      key: row.key,
      until: fire.now + fire.cooldownMs,
      at: fire.now,
    });
    if (taken.length === 0) {
      const cooling = (await rows<{ until: number }>(client, GROUP_SQL.cooldownUntil, { route: row.route, key: row.key }))[0];
      await changed(client, GROUP_SQL.finishGroup, {
        id: row.id,
        status: 'cooldown',
        now: fire.now,
        cooldownUntil: cooling?.until ?? fire.now,
      });
      return 'cooldown';
    }
  }
  const event = (
    await client.query<{ provider: string; event_type: string }>('SELECT provider, event_type FROM events WHERE id = $1', [
      row.last_event_id,
    ])
  ).rows[0];
  if (!event) throw new Error(`group ${row.id}: its last event ${row.last_event_id} is gone`);
  await insertDeliveries(client, row.last_event_id, event.provider, event.event_type, fire.deliveries, fire.now);
  await changed(client, GROUP_SQL.finishGroup, { id: row.id, status: 'fired', now: fire.now, cooldownUntil: null });
  return 'fired';
}
